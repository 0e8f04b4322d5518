/* retrowalk: record the phone's movement during the guided session (opt-in), and send it.
 *
 * - On the guided session page (#motion-consent): when the walker ticked "Record my phone's
 *   movement", the tap on Start asks for the motion permission iOS requires
 *   (DeviceMotionEvent.requestPermission) and records `devicemotion` while the session runs:
 *   accelerationIncludingGravity (m/s²) and, where the phone has one, rotationRate (deg/s).
 *   Samples are labelled by the session's own `retrowalk:phase` events (warm-up, backward
 *   walking, cool-down, pauses, "I need to stop", finished).
 * - Everything is kept in IndexedDB, a few seconds at a time, until the server confirms it
 *   (a dropped network, a closed tab: it is sent on the next page that has this script).
 * - On the "Session saved" page (#motion-upload[data-session-id]) the finished recording is
 *   attached to that session and sent as one retrowalk-motion/1 JSON file
 *   (docs/motion.md) to POST /api/v1/sessions/{id}/recording; the steps and cadence the
 *   server found are shown.
 * No CDN, no inline script (the CSP forbids it); nothing leaves the phone but that upload.
 */
(function () {
  "use strict";

  var DB_NAME = "retrowalk-motion";
  var CONSENT_VERSION = "motion-consent/1";
  var FLUSH_EVERY_MS = 3000;
  var CLAIM_WITHIN_MS = 12 * 3600 * 1000; /* a recording waits this long for its session log */
  var STALE_AFTER_MS = 10 * 60 * 1000; /* a "recording" untouched this long was left behind */

  /* ---------- IndexedDB: recordings (metadata) and chunks (samples), keyed by recording ---------- */
  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains("recordings")) db.createObjectStore("recordings", { keyPath: "id" });
        if (!db.objectStoreNames.contains("chunks")) db.createObjectStore("chunks");
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function done(tx) {
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
    });
  }
  function putRecording(db, rec) {
    var tx = db.transaction("recordings", "readwrite");
    tx.objectStore("recordings").put(rec);
    return done(tx);
  }
  function putChunk(db, id, seq, chunk) {
    var tx = db.transaction("chunks", "readwrite");
    tx.objectStore("chunks").put(chunk, id + ":" + ("000000" + seq).slice(-6));
    return done(tx);
  }
  function allRecordings(db) {
    return new Promise(function (resolve, reject) {
      var req = db.transaction("recordings").objectStore("recordings").getAll();
      req.onsuccess = function () { resolve(req.result || []); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function chunksOf(db, id) {
    return new Promise(function (resolve, reject) {
      var range = IDBKeyRange.bound(id + ":", id + ":\uffff");
      var req = db.transaction("chunks").objectStore("chunks").getAll(range);
      req.onsuccess = function () { resolve(req.result || []); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function forget(db, id) {
    var tx = db.transaction(["recordings", "chunks"], "readwrite");
    tx.objectStore("recordings").delete(id);
    tx.objectStore("chunks").delete(IDBKeyRange.bound(id + ":", id + ":\uffff"));
    return done(tx);
  }

  function round(v, digits) {
    if (typeof v !== "number" || !isFinite(v)) return null;
    var f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
  function emptyChunk() { return { t_ms: [], ax: [], ay: [], az: [], gx: [], gy: [], gz: [], events: [] }; }

  /* ---------- Recording during the guided session ---------- */
  function initRecorder(box) {
    var recordBox = document.getElementById("record-motion");
    var researchBox = document.getElementById("research-use");
    var statusEl = document.getElementById("motion-status");
    if (!recordBox || typeof window.DeviceMotionEvent === "undefined") return;
    box.hidden = false;
    function say(text) { if (statusEl) statusEl.textContent = text; }
    function syncResearch() {
      researchBox.disabled = !recordBox.checked;
      if (!recordBox.checked) researchBox.checked = false;
    }
    recordBox.addEventListener("change", syncResearch);
    syncResearch();

    var rec = null; /* the recording in progress */
    var chunk = emptyChunk();
    var seq = 0;
    var t0 = 0;
    var dbPromise = null;
    var flushTimer = null;
    var finished = false;

    function now() { return round(performance.now() - t0, 1); }
    function onMotion(e) {
      var a = e.accelerationIncludingGravity;
      if (!a || a.x === null || a.y === null || a.z === null) return;
      var r = e.rotationRate;
      chunk.t_ms.push(now());
      chunk.ax.push(round(a.x, 4));
      chunk.ay.push(round(a.y, 4));
      chunk.az.push(round(a.z, 4));
      chunk.gx.push(r ? round(r.beta, 3) : null);
      chunk.gy.push(r ? round(r.gamma, 3) : null);
      chunk.gz.push(r ? round(r.alpha, 3) : null);
    }
    function onPhase(e) {
      if (!rec || finished) return;
      var kind = e.detail && e.detail.kind;
      chunk.events.push({ kind: kind, t_ms: now() });
      if (kind === "stopped" || kind === "finished") {
        rec.status = "awaiting-log";
        rec.endedAt = Date.now();
        if (kind === "finished") stop();
        flush();
      } else if (kind === "resumed" && rec.status === "awaiting-log") {
        rec.status = "recording";
      }
    }
    function flush() {
      if (!rec || !dbPromise) return Promise.resolve();
      var current = rec;
      var full = chunk;
      chunk = emptyChunk();
      rec.updatedAt = Date.now();
      rec.consent.research_use = !!researchBox.checked;
      var meta = JSON.parse(JSON.stringify(current));
      var n = seq++;
      return dbPromise.then(function (db) {
        return putChunk(db, current.id, n, full).then(function () {
          return rec === current ? putRecording(db, meta) : forget(db, current.id);
        });
      }).catch(function () { say("Your phone would not keep the recording; the session goes on without it."); });
    }
    function stop() {
      finished = true;
      window.removeEventListener("devicemotion", onMotion);
      if (flushTimer !== null) clearInterval(flushTimer);
      flushTimer = null;
    }
    /* The phone said no (iOS: "Don't Allow"): nothing is kept, the session goes on. */
    function abandon() {
      stop();
      var id = rec ? rec.id : null;
      rec = null;
      if (id && dbPromise) dbPromise.then(function (db) { return forget(db, id); }).catch(function () {});
      say("Movement recording was not allowed on this phone; the session goes on without it.");
    }
    function begin() {
      t0 = performance.now();
      rec = {
        id: "rec-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 8),
        status: "recording",
        createdAt: Date.now(),
        updatedAt: Date.now(),
        startedAt: new Date().toISOString(),
        sessionId: null,
        consent: { recording: true, research_use: !!researchBox.checked, text_version: CONSENT_VERSION }
      };
      dbPromise = openDb();
      /* A new recording replaces one that never found its session log. */
      dbPromise.then(function (db) {
        return allRecordings(db).then(function (all) {
          return Promise.all(all.filter(function (r) { return r.id !== rec.id && !r.sessionId; })
            .map(function (r) { return forget(db, r.id); }));
        });
      }).catch(function () {});
      window.addEventListener("devicemotion", onMotion);
      flushTimer = setInterval(flush, FLUSH_EVERY_MS);
      recordBox.disabled = true;
      say("Recording your movement. It is sent with your session log.");
    }
    document.addEventListener("retrowalk:phase", onPhase);
    window.addEventListener("pagehide", function () { if (rec) flush(); });
    /* The tap on Start: capture phase, so the recording starts before the session does, and
       inside the tap, as iOS needs for the permission question. */
    document.addEventListener("click", function (e) {
      var start = e.target && e.target.closest ? e.target.closest("#guided [data-action=start]") : null;
      if (!start || rec || !recordBox.checked) return;
      var ask = window.DeviceMotionEvent && window.DeviceMotionEvent.requestPermission;
      if (typeof ask === "function") {
        ask.call(window.DeviceMotionEvent).then(function (answer) {
          if (answer !== "granted") abandon();
        }).catch(abandon);
      }
      begin();
    }, true);
  }

  /* ---------- Sending: claim a finished recording for the saved session, then upload ---------- */
  function csrfToken() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }
  function buildDocument(rec, chunks) {
    var samples = { t_ms: [], ax: [], ay: [], az: [], gx: [], gy: [], gz: [] };
    var events = [];
    chunks.forEach(function (c) {
      Object.keys(samples).forEach(function (k) { Array.prototype.push.apply(samples[k], c[k] || []); });
      Array.prototype.push.apply(events, c.events || []);
    });
    return {
      format: "retrowalk-motion",
      format_version: 1,
      acc_includes_gravity: true,
      started_at_client: rec.startedAt,
      consent: rec.consent,
      samples: samples,
      events: events
    };
  }
  function show(panel, text) {
    if (!panel) return;
    panel.hidden = false;
    var out = panel.querySelector("[data-motion-status]");
    if (out) out.textContent = text;
  }
  function describe(result) {
    if (result.steps === null || result.steps === undefined) return "Your recording was saved; no steps could be counted from it.";
    var words = "Your recording: " + result.steps + " steps";
    if (result.cadence_spm !== null && result.cadence_spm !== undefined) words += ", " + Math.round(result.cadence_spm) + " steps a minute";
    return words + ".";
  }
  function upload(db, rec, panel) {
    return chunksOf(db, rec.id).then(function (chunks) {
      var body = new FormData();
      var json = JSON.stringify(buildDocument(rec, chunks));
      body.append("file", new Blob([json], { type: "application/json" }), "guided-session.json");
      return fetch("/api/v1/sessions/" + rec.sessionId + "/recording", {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrfToken() }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.ok) {
            return forget(db, rec.id).then(function () { show(panel, describe(answer)); });
          }
          if (response.status === 401 || response.status === 408 || response.status === 429 || response.status >= 500) {
            show(panel, "Your recording could not be sent yet; it will be sent the next time you open retrowalk.");
            return null;
          }
          /* refused for good (a bad file, too large, not this walker's session) */
          return forget(db, rec.id).then(function () {
            show(panel, "Your recording could not be added: " + (answer.detail || ("error " + response.status)));
          });
        });
      });
    }).catch(function () {
      show(panel, "Your recording could not be sent yet (no connection?); it will be sent the next time you open retrowalk.");
    });
  }
  function sendPending() {
    var panel = document.getElementById("motion-upload");
    var sessionId = panel ? panel.getAttribute("data-session-id") : null;
    if (!window.indexedDB) return;
    openDb().then(function (db) {
      return allRecordings(db).then(function (all) {
        var nowMs = Date.now();
        var claims = [];
        all.forEach(function (rec) {
          var left = rec.status === "recording" && nowMs - (rec.updatedAt || 0) > STALE_AFTER_MS;
          if (sessionId && !rec.sessionId && (rec.status === "awaiting-log" || left) &&
              nowMs - (rec.endedAt || rec.updatedAt || 0) < CLAIM_WITHIN_MS) {
            rec.sessionId = sessionId;
            rec.status = "to-upload";
            claims.push(putRecording(db, rec));
          }
        });
        return Promise.all(claims).then(function () {
          var ready = all.filter(function (r) { return r.status === "to-upload" && r.sessionId; });
          if (ready.length && panel && ready.some(function (r) { return String(r.sessionId) === sessionId; })) {
            show(panel, "Sending your movement recording…");
          }
          return ready.reduce(function (chain, rec) {
            return chain.then(function () {
              return upload(db, rec, String(rec.sessionId) === sessionId ? panel : null);
            });
          }, Promise.resolve());
        });
      });
    }).catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", function () {
    var consent = document.getElementById("motion-consent");
    if (consent) initRecorder(consent);
    sendPending();
  });
})();
