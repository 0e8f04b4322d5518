/* retrowalk — small vanilla JS for the pages that need a clock or a voice.
 *
 * Everything here is progressive enhancement: every form still submits without it.
 * - [data-stopwatch]: a start/stop stopwatch that writes seconds into a named input (TUG, 3-m
 *   backward walk) or, with data-countdown-s, a countdown that beeps at zero (30-s chair stand).
 * - [data-print]: a button that opens the browser's print dialog (the printable plan).
 * - The guided session has its own file (guided-session.js); this one only forgets its saved
 *   state once the session is logged ([data-session-logged]) or on signing out.
 * - A page opened with its messages' flash id (?flash=…, after a form) takes the id out of the
 *   address bar: the server shows the messages once, and a bookmark never holds the id.
 * The page sets data-speed (1 normally; larger only when the server allowed a test clock), and
 * every timer runs `speed` times faster.
 */
(function () {
  "use strict";

  if (window.history && window.history.replaceState && window.URL) {
    var here = new URL(window.location.href);
    if (here.searchParams.has("flash")) {
      here.searchParams.delete("flash");
      window.history.replaceState(window.history.state, "", here.pathname + here.search + here.hash);
    }
  }

  function fmt(totalSeconds) {
    var s = Math.max(0, Math.ceil(totalSeconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  var audioCtx = null;
  function audio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    if (!audioCtx) audioCtx = new Ctx();
    if (audioCtx.state === "suspended") audioCtx.resume();
    return audioCtx;
  }

  function beep(freqHz, durationS, volume) {
    var ctx = audio();
    if (!ctx) return;
    var osc = ctx.createOscillator();
    var gain = ctx.createGain();
    osc.frequency.value = freqHz;
    gain.gain.setValueAtTime(volume, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + durationS);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + durationS + 0.02);
  }

  /* Shared with guided-session.js (one copy of the timer's words and sounds). */
  window.retrowalkShared = { fmt: fmt, audio: audio, beep: beep };

  function speedOf(el) {
    var v = parseFloat(el.getAttribute("data-speed") || "1");
    return v > 0 ? v : 1;
  }

  /* ---------- Stopwatches for the baseline tests ---------- */
  function initStopwatch(box) {
    var speed = speedOf(box);
    var display = box.querySelector(".stopwatch");
    var button = box.querySelector("[data-action=toggle]");
    var reset = box.querySelector("[data-action=reset]");
    var target = document.getElementById(box.getAttribute("data-target") || "");
    var countdownS = parseFloat(box.getAttribute("data-countdown-s") || "0");
    var status = box.querySelector("[role=status]");
    var started = null;
    var elapsed = 0;
    var timer = null;

    function current() {
      return elapsed + (started === null ? 0 : ((performance.now() - started) / 1000) * speed);
    }
    function render() {
      var t = current();
      if (countdownS > 0) {
        display.textContent = fmt(countdownS - t);
        if (t >= countdownS) finishCountdown();
      } else {
        display.textContent = t.toFixed(1) + " s";
      }
    }
    function stop() {
      elapsed = current();
      started = null;
      clearInterval(timer);
      timer = null;
      button.textContent = "Start";
      render();
      if (countdownS === 0 && target) {
        target.value = elapsed.toFixed(1);
        target.dispatchEvent(new Event("change", { bubbles: true }));
        if (status) status.textContent = "Stopped at " + elapsed.toFixed(1) + " seconds; saved in the box below.";
      }
    }
    function finishCountdown() {
      elapsed = countdownS;
      started = null;
      clearInterval(timer);
      timer = null;
      display.textContent = fmt(0);
      button.textContent = "Start";
      beep(660, 0.6, 0.3);
      if (status) status.textContent = "Time is up. Write the number of full stands in the box below.";
      if (target) target.focus();
    }
    button.addEventListener("click", function () {
      if (started === null) {
        if (countdownS > 0 && elapsed >= countdownS) elapsed = 0;
        audio();
        started = performance.now();
        button.textContent = "Stop";
        if (status) status.textContent = countdownS > 0 ? "Go! 30 seconds." : "Timing…";
        if (countdownS > 0) beep(880, 0.2, 0.3);
        timer = setInterval(render, 100);
      } else if (countdownS > 0) {
        elapsed = current();
        started = null;
        clearInterval(timer);
        timer = null;
        button.textContent = "Start";
        if (status) status.textContent = "Paused.";
      } else {
        stop();
      }
    });
    if (reset) {
      reset.addEventListener("click", function () {
        clearInterval(timer);
        timer = null;
        started = null;
        elapsed = 0;
        button.textContent = "Start";
        render();
        if (status) status.textContent = "Reset.";
      });
    }
    render();
  }

  /* ---------- The guided session's saved state (guided-session.js) ---------- */
  /* Once a session is logged, or she signs out, nothing is left to resume on this device. */
  function forgetGuidedSession() {
    try { window.localStorage.removeItem("retrowalk.guided.v1"); } catch (e) { /* no storage */ }
  }

  /* ---------- Time zone: preselect the browser's own on the sign-up form ---------- */
  function initTimezone(select) {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    if (!zone || select.value !== "UTC") return;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === zone) { select.value = zone; return; }
    }
  }

  /* ---------- A form came back with errors: move focus to the summary so it is read out ---------- */
  function focusErrorSummary() {
    var summary = document.getElementById("form-error");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    document.querySelectorAll("select[data-detect-timezone]").forEach(initTimezone);
    document.querySelectorAll("[data-stopwatch]").forEach(initStopwatch);
    if (document.querySelector("[data-session-logged]")) forgetGuidedSession();
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("form[action='/logout']").forEach(function (form) {
      form.addEventListener("submit", forgetGuidedSession);
    });
  });
})();
