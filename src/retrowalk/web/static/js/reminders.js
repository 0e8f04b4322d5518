/* retrowalk — the reminders page: "Copy the address" puts the feed's address on the clipboard.
 * Progressive enhancement: without it the address is still in a box to select and copy. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var box = document.getElementById(button.getAttribute("data-copy"));
      var status = document.querySelector(".copied");
      button.addEventListener("click", function () {
        box.focus();
        box.select();
        var done = function () { if (status) status.textContent = "Copied. Paste it into your calendar."; };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(box.value).then(done, function () {
            if (status) status.textContent = "Select the address above and copy it.";
          });
        } else {
          done();
          try { document.execCommand("copy"); } catch (e) { /* selected: she can copy it */ }
        }
      });
    });
  });
})();
