/* retrowalk — the guided session (#guided on /session), in its own file so it can be read alone.
 *
 * What it does, and why:
 * - Phases (warm-up, backward walking, cool-down) with a countdown, spoken cues
 *   (speechSynthesis, in the page's language) and an optional step metronome (Web Audio).
 * - The timer and "I need to stop" sit together in a bar fixed to the bottom of the screen, so
 *   both are on screen at any width and zoom while she walks.
 * - The state is kept in localStorage (one key, for this walker, day and plan): a reload or a
 *   closed tab comes back where it was, paused, with "Carry on" or "Log what I did".
 * - Leaving a started session asks first (beforeunload); the stop and log forms do not ask.
 * - The screen is kept awake (Screen Wake Lock) while the timer runs, and the lock is asked
 *   for again when the page comes back into view (the browser drops it when hidden).
 * - When someone must be there, Start waits until "my helper is here" is ticked (RULES.md §7.9).
 * - The metronome rate is checked: outside the allowed range a sentence says so (never silence).
 *
 * Events for other scripts (the motion recorder listens to these; keep them stable):
 *   document.dispatchEvent(new CustomEvent("retrowalk:phase", {detail: {kind, index, name, walking}}))
 *   kind: "warmup" | "backward" | "cooldown"   when a phase begins (at Start and at each change)
 *         "paused" | "resumed"                 Pause / Carry on (also after a reload)
 *         "stopped"                            "I need to stop" pressed (the timer pauses)
 *         "finished"                           the last phase ended
 *   index: the phase's position (0-based); name: its name as shown; walking: true only for
 *   the backward-walking phase.
 *
 * The page sets data-speed (1 normally; larger only when the server allowed a test clock), and
 * the timer runs `speed` times faster; minutes reported back are clock minutes, not real ones.
 */
(function () {
  "use strict";

  var STORE_KEY = "retrowalk.guided.v1";
  var SAVE_EVERY_MS = 1000;

  /* The timer's words and sounds are retrowalk.js's (loaded first, both deferred). */
  var shared = window.retrowalkShared;
  var fmt = shared.fmt;
  var audio = shared.audio;
  var beep = shared.beep;

  /* Speech in the page's own language, so a voice for that language is chosen. */
  function say(text) {
    if (!("speechSynthesis" in window) || !text) return;
    window.speechSynthesis.cancel();
    var u = new SpeechSynthesisUtterance(text);
    u.lang = document.documentElement.lang || "en";
    u.rate = 0.9;
    window.speechSynthesis.speak(u);
  }

  function readStore() {
    try { return JSON.parse(window.localStorage.getItem(STORE_KEY) || "null"); } catch (e) { return null; }
  }
  function writeStore(value) {
    try {
      if (value === null) window.localStorage.removeItem(STORE_KEY);
      else window.localStorage.setItem(STORE_KEY, JSON.stringify(value));
    } catch (e) { /* private mode or full: the session still runs, only without resume */ }
  }

  /* The screen stays on while the timer runs, where the browser can do it. */
  var wakeLock = null;
  var wantAwake = false;
  function keepAwake() {
    wantAwake = true;
    if (!("wakeLock" in navigator) || wakeLock !== null) return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }, function () { wakeLock = null; });
  }
  function letSleep() {
    wantAwake = false;
    if (wakeLock !== null) { wakeLock.release(); wakeLock = null; }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && wantAwake) keepAwake();
  });

  function initGuided(root) {
    var speed = parseFloat(root.getAttribute("data-speed") || "1");
    if (!(speed > 0)) speed = 1;
    var phases = JSON.parse(root.getAttribute("data-phases"));
    var stateKey = root.getAttribute("data-state-key") || "";
    var cueEveryS = parseFloat(root.getAttribute("data-cue-every-s") || "60");
    var bpmMin = parseFloat(root.getAttribute("data-bpm-min") || "30");
    var bpmMax = parseFloat(root.getAttribute("data-bpm-max") || "180");
    var bar = document.getElementById("session-bar");
    var nameEl = bar.querySelector(".phase-name");
    var countEl = bar.querySelector(".countdown");
    var stateEl = bar.querySelector(".run-state");
    var cueEl = root.querySelector(".cue");
    var barEl = root.querySelector(".progressbar > div");
    var startBtn = bar.querySelector("[data-action=start]");
    var pauseBtn = bar.querySelector("[data-action=pause]");
    var stopBtn = bar.querySelector("[data-action=stop]");
    var voiceBox = root.querySelector("[name=voice]");
    var metroBox = root.querySelector("[name=metronome]");
    var bpmInput = root.querySelector("[name=bpm]");
    var bpmError = document.getElementById("bpm-error");
    var resumeBox = document.getElementById("resume-notice");
    var dialog = document.getElementById("stop-dialog");
    var dialogWhere = document.getElementById("stop-where");
    var doneForm = document.getElementById("done-form");
    var wakeHint = document.getElementById("wake-hint");
    var helper = document.getElementById("helper-here");
    function helperHere() { return !helper || helper.checked; }
    /* Start, and Carry on after a reload, wait for the helper; Pause itself never waits. */
    function syncHelper() {
      startBtn.disabled = !helperHere();
      pauseBtn.disabled = timer === null && !helperHere();
    }
    if (helper) {
      startBtn.setAttribute("aria-describedby", "helper-hint");
      pauseBtn.setAttribute("aria-describedby", "helper-hint");
      helper.addEventListener("change", syncHelper);
    }
    if (wakeHint && !("wakeLock" in navigator)) wakeHint.hidden = false;

    var index = 0;
    var phaseElapsed = 0;
    var walkElapsed = 0;
    var lastTick = null;
    var lastCueAt = -1;
    var cueIndex = 0;
    var timer = null;
    var metro = null;
    var started = false;
    var finished = false;
    var leaving = false;
    var lastSave = 0;

    function phase() { return phases[index]; }
    function announce(kind) {
      var p = phase();
      document.dispatchEvent(new CustomEvent("retrowalk:phase", {
        detail: { kind: kind, index: index, name: p.name, walking: !!p.walking }
      }));
    }
    function speak(text) {
      cueEl.textContent = text;
      if (voiceBox && voiceBox.checked) say(text);
    }
    function nextCue() {
      var cues = phase().cues;
      if (!cues.length) return;
      speak(cues[cueIndex % cues.length]);
      cueIndex += 1;
    }
    function left() { return phase().minutes * 60 - phaseElapsed; }
    function where() {
      return phase().name + ", " + fmt(left()) + " left";
    }
    /* The page ends above the bar, whatever its height at this width and zoom. */
    /* ... and a focused field is scrolled to above the bar, never under it (WCAG 2.4.11). */
    function makeRoom() {
      var fixed = started && !bar.hidden;
      var room = fixed ? (bar.offsetHeight + 16) + "px" : "";
      if (document.body.style.paddingBottom !== room) {
        document.body.style.paddingBottom = room;
        document.documentElement.style.scrollPaddingBottom = room;
      }
    }
    window.addEventListener("resize", makeRoom);
    function render() {
      var p = phase();
      nameEl.textContent = p.name + " (" + (index + 1) + " of " + phases.length + ")";
      countEl.textContent = fmt(left());
      barEl.style.width = Math.min(100, (100 * phaseElapsed) / (p.minutes * 60)) + "%";
      if (stateEl) {
        stateEl.textContent = !started ? "" : (timer === null && !finished ? "Paused" : "");
      }
      makeRoom();
    }
    function save(force) {
      if (!started) return; /* nothing to come back to before Start */
      var now = Date.now();
      if (!force && now - lastSave < SAVE_EVERY_MS) return;
      lastSave = now;
      writeStore({
        key: stateKey, index: index, phaseElapsed: phaseElapsed, walkElapsed: walkElapsed,
        cueIndex: cueIndex, finished: finished, savedAt: now
      });
    }

    /* ---- metronome: a beep a step, only at a rate in the allowed range ---- */
    function bpmValue() {
      var raw = (bpmInput.value || "").trim();
      var bpm = Number(raw);
      if (raw === "" || !isFinite(bpm) || Math.round(bpm) !== bpm || bpm < bpmMin || bpm > bpmMax) {
        return null;
      }
      return bpm;
    }
    function checkBpm() {
      var ok = bpmValue() !== null;
      bpmError.hidden = ok;
      if (ok) bpmInput.removeAttribute("aria-invalid"); else bpmInput.setAttribute("aria-invalid", "true");
      return ok;
    }
    function startMetronome() {
      stopMetronome();
      var bpm = bpmValue();
      if (bpm === null) { checkBpm(); return; }
      metro = setInterval(function () { beep(1000, 0.05, 0.25); }, 60000 / bpm / speed);
    }
    function stopMetronome() {
      if (metro !== null) clearInterval(metro);
      metro = null;
    }

    function tick() {
      var now = performance.now();
      var dt = ((now - lastTick) / 1000) * speed;
      lastTick = now;
      phaseElapsed += dt;
      if (phase().walking) walkElapsed += dt;
      var slot = Math.floor(phaseElapsed / cueEveryS);
      if (slot !== lastCueAt) { lastCueAt = slot; nextCue(); }
      if (phaseElapsed >= phase().minutes * 60) {
        if (index + 1 < phases.length) {
          if (phase().walking) walkElapsed -= phaseElapsed - phase().minutes * 60;
          index += 1;
          phaseElapsed = 0;
          beep(740, 0.4, 0.3);
          speak("Next: " + phase().name + ". " + (phase().cues[0] || ""));
          cueIndex = 1;
          lastCueAt = 0;
          announce(phase().kind);
          save(true);
        } else {
          finish();
          return;
        }
      }
      render();
      save(false);
    }
    function run() {
      if (timer !== null) return; /* never two clocks at once (a double tap on Start) */
      lastTick = performance.now();
      timer = setInterval(tick, 200);
      pauseBtn.textContent = "Pause";
      pauseBtn.disabled = false;
      if (metroBox && metroBox.checked) startMetronome();
      keepAwake();
      render();
    }
    function pause() {
      if (timer !== null) {
        tick();
        if (finished) return;
        clearInterval(timer);
      }
      timer = null;
      stopMetronome();
      letSleep();
      pauseBtn.textContent = "Carry on";
      if (helper) syncHelper();
      render();
      save(true);
    }
    function walkedMinutes() { return (walkElapsed / 60).toFixed(1); }
    function showDone() {
      countEl.textContent = fmt(0);
      barEl.style.width = "100%";
      doneForm.querySelector("[name=done_min]").value = walkedMinutes();
      doneForm.querySelector("[name=completed]").value = "yes";
      doneForm.hidden = false;
      bar.hidden = true;
      document.body.classList.remove("session-started");
      makeRoom();
      if (resumeBox) resumeBox.hidden = true;
      doneForm.scrollIntoView({ block: "center" });
      doneForm.querySelector("button").focus();
    }
    function finish() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      stopMetronome();
      letSleep();
      finished = true;
      save(true);
      speak("Well done. Your session is finished. Please fill in the short log.");
      announce("finished");
      showDone();
    }
    function begin() {
      started = true;
      document.body.classList.add("session-started");
      startBtn.hidden = true;
      pauseBtn.hidden = false;
    }

    startBtn.addEventListener("click", function () {
      if (!helperHere()) return;
      audio();
      begin();
      speak(phase().name + ". " + (phase().cues[0] || ""));
      cueIndex = 1;
      lastCueAt = 0;
      announce(phase().kind);
      run();
      save(true);
    });
    pauseBtn.addEventListener("click", function () {
      if (timer === null) {
        if (!helperHere()) { if (helper) helper.focus(); return; }
        audio();
        if (resumeBox) resumeBox.hidden = true;
        announce("resumed");
        run();
      } else {
        pause();
        announce("paused");
      }
    });
    if (metroBox) {
      metroBox.addEventListener("change", function () {
        if (metroBox.checked && timer !== null) startMetronome(); else stopMetronome();
      });
      bpmInput.addEventListener("input", checkBpm);
      bpmInput.addEventListener("change", function () {
        if (checkBpm() && metro !== null) startMetronome();
        if (!checkBpm()) stopMetronome();
      });
    }
    stopBtn.addEventListener("click", function () {
      pause();
      announce("stopped");
      if (window.speechSynthesis) window.speechSynthesis.cancel();
      dialog.querySelector("[name=done_min]").value = walkedMinutes();
      if (dialogWhere) dialogWhere.textContent = started ? where() : phase().name + ", not started";
      if (typeof dialog.showModal === "function") dialog.showModal(); else dialog.setAttribute("open", "");
    });
    dialog.querySelector("[data-action=resume]").addEventListener("click", function () {
      if (typeof dialog.close === "function") dialog.close(); else dialog.removeAttribute("open");
      pauseBtn.focus();
    });

    /* Forms that leave on purpose (stop and log, done, log what I did) never ask first. */
    document.querySelectorAll("form[data-leave]").forEach(function (form) {
      form.addEventListener("submit", function () {
        leaving = true;
        var minutes = form.querySelector("[name=done_min]");
        if (minutes && form !== doneForm) minutes.value = walkedMinutes();
      });
    });
    window.addEventListener("beforeunload", function (event) {
      save(true);
      if (leaving || finished || !started) return undefined;
      event.preventDefault();
      event.returnValue = "";
      return "";
    });
    var restart = document.querySelector("[data-action=restart]");
    if (restart) {
      restart.addEventListener("click", function () {
        writeStore(null);
        leaving = true;
        window.location.reload();
      });
    }

    /* Back after a reload or a closed tab: where it was, paused. */
    var saved = readStore();
    if (saved && saved.key === stateKey && saved.index < phases.length) {
      index = saved.index;
      phaseElapsed = saved.phaseElapsed || 0;
      walkElapsed = saved.walkElapsed || 0;
      cueIndex = saved.cueIndex || 0;
      lastCueAt = Math.floor(phaseElapsed / cueEveryS);
      if (saved.finished) {
        finished = true;
        started = true;
        render();
        showDone();
        return;
      }
      begin();
      pauseBtn.textContent = "Carry on";
      if (resumeBox) {
        resumeBox.querySelector("[data-resume-where]").textContent = where() + ".";
        resumeBox.querySelector("[name=done_min]").value = walkedMinutes();
        resumeBox.hidden = false;
      }
    } else if (saved) {
      writeStore(null); /* another day, plan or person: nothing to resume */
    }
    if (metroBox) checkBpm();
    if (helper) syncHelper();
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var guided = document.getElementById("guided");
    if (guided) initGuided(guided);
  });
})();
