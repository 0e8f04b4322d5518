/* retrowalk — small vanilla JS for the pages that need a clock or a voice.
 *
 * Everything here is progressive enhancement: every form still submits without it.
 * - [data-stopwatch]: a start/stop stopwatch that writes seconds into a named input (TUG, 3-m
 *   backward walk) or, with data-countdown-s, a countdown that beeps at zero (30-s chair stand).
 * - #guided: the guided session: phases with a countdown, spoken cues (speechSynthesis), an
 *   optional step metronome (Web Audio) and an "I need to stop" dialog; when someone must be
 *   there, Start waits until "my helper is here" is ticked.
 * The page sets data-speed (1 normally; larger only when the server allowed a test clock), and
 * every timer runs `speed` times faster; minutes reported back are clock minutes, not real ones.
 */
(function () {
  "use strict";

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

  function say(text) {
    if (!("speechSynthesis" in window) || !text) return;
    window.speechSynthesis.cancel();
    var u = new SpeechSynthesisUtterance(text);
    u.rate = 0.9;
    window.speechSynthesis.speak(u);
  }

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

  /* ---------- Guided session ---------- */
  function initGuided(root) {
    var speed = speedOf(root);
    var phases = JSON.parse(root.getAttribute("data-phases"));
    var cueEveryS = parseFloat(root.getAttribute("data-cue-every-s") || "60");
    var nameEl = root.querySelector(".phase-name");
    var countEl = root.querySelector(".countdown");
    var cueEl = root.querySelector(".cue");
    var barEl = root.querySelector(".progressbar > div");
    var startBtn = root.querySelector("[data-action=start]");
    var pauseBtn = root.querySelector("[data-action=pause]");
    var stopBtn = root.querySelector("[data-action=stop]");
    var voiceBox = root.querySelector("[name=voice]");
    var metroBox = root.querySelector("[name=metronome]");
    var bpmInput = root.querySelector("[name=bpm]");
    var dialog = document.getElementById("stop-dialog");
    var doneForm = document.getElementById("done-form");
    /* When someone must be there, Start waits for "my helper is here" (RULES.md §7.9). */
    var helper = document.getElementById("helper-here");
    function helperHere() { return !helper || helper.checked; }
    if (helper) {
      startBtn.disabled = !helper.checked;
      startBtn.setAttribute("aria-describedby", "helper-hint");
      helper.addEventListener("change", function () { startBtn.disabled = !helper.checked; });
    }

    var index = 0;
    var phaseElapsed = 0;
    var walkElapsed = 0;
    var lastTick = null;
    var lastCueAt = -1;
    var cueIndex = 0;
    var timer = null;
    var metro = null;

    function phase() { return phases[index]; }
    /* --- retrowalk:phase events (issue 14, motion branch; reconciled at merge with the
       guided-session helper's own dispatches): the motion recorder labels its samples. --- */
    var wasPaused = false;
    function phaseKind(i) {
      var p = phases[i];
      if (p.kind) return p.kind;
      if (p.walking) return "backward";
      return i === 0 ? "warmup" : "cooldown";
    }
    function emit(kind) {
      document.dispatchEvent(new CustomEvent("retrowalk:phase", { detail: { kind: kind } }));
    }
    /* --- end of the motion branch's dispatch helpers --- */
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
    function render() {
      var p = phase();
      nameEl.textContent = p.name + " (" + (index + 1) + " of " + phases.length + ")";
      countEl.textContent = fmt(p.minutes * 60 - phaseElapsed);
      barEl.style.width = Math.min(100, (100 * phaseElapsed) / (p.minutes * 60)) + "%";
    }
    function startMetronome() {
      stopMetronome();
      var bpm = parseFloat(bpmInput.value);
      if (!(bpm >= 30 && bpm <= 180)) return;
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
          index += 1;
          phaseElapsed = 0;
          lastCueAt = -1;
          cueIndex = 0;
          beep(740, 0.4, 0.3);
          speak("Next: " + phase().name + ". " + (phase().cues[0] || ""));
          cueIndex = 1;
          lastCueAt = 0;
          emit(phaseKind(index)); /* motion branch */
        } else {
          finish();
          return;
        }
      }
      render();
    }
    function run() {
      if (timer !== null) return; /* never two clocks at once (a double tap on Start) */
      if (wasPaused) { wasPaused = false; emit("resumed"); } /* motion branch */
      lastTick = performance.now();
      timer = setInterval(tick, 200);
      pauseBtn.textContent = "Pause";
      if (metroBox && metroBox.checked) startMetronome();
    }
    function pause() {
      if (timer !== null) { wasPaused = true; emit("paused"); } /* motion branch */
      clearInterval(timer);
      timer = null;
      stopMetronome();
      pauseBtn.textContent = "Resume";
    }
    function walkedMinutes() { return (walkElapsed / 60).toFixed(1); }
    function finish() {
      clearInterval(timer); /* motion branch: finishing is not a pause */
      timer = null;
      pause();
      wasPaused = false;
      emit("finished"); /* motion branch */
      countEl.textContent = fmt(0);
      barEl.style.width = "100%";
      speak("Well done. Your session is finished. Please fill in the short log.");
      doneForm.querySelector("[name=done_min]").value = walkedMinutes();
      doneForm.querySelector("[name=completed]").value = "yes";
      doneForm.hidden = false;
      root.querySelector(".controls").hidden = true;
      doneForm.querySelector("button").focus();
    }

    startBtn.addEventListener("click", function () {
      if (!helperHere()) return;
      audio();
      startBtn.hidden = true;
      pauseBtn.hidden = false;
      speak(phase().name + ". " + (phase().cues[0] || ""));
      cueIndex = 1;
      lastCueAt = 0;
      emit(phaseKind(index)); /* motion branch */
      run();
    });
    pauseBtn.addEventListener("click", function () {
      if (timer === null) run(); else pause();
    });
    if (metroBox) {
      metroBox.addEventListener("change", function () {
        if (metroBox.checked && timer !== null) startMetronome(); else stopMetronome();
      });
      bpmInput.addEventListener("change", function () { if (metro !== null) startMetronome(); });
    }
    stopBtn.addEventListener("click", function () {
      pause();
      emit("stopped"); /* motion branch: "I need to stop" */
      if (window.speechSynthesis) window.speechSynthesis.cancel();
      dialog.querySelector("[name=done_min]").value = walkedMinutes();
      if (typeof dialog.showModal === "function") dialog.showModal(); else dialog.setAttribute("open", "");
    });
    dialog.querySelector("[data-action=resume]").addEventListener("click", function () {
      dialog.close();
    });
    render();
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
    var guided = document.getElementById("guided");
    if (guided) initGuided(guided);
  });
})();
