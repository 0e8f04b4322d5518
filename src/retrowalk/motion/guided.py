"""A guided session's phase events as labelled phases, and a recording's analysis as data.

The guided session page sends events as they happen (``warmup``, ``backward``, ``cooldown``,
``paused``, ``resumed``, ``stopped``, ``finished``). :func:`phases_from_events` turns them into
non-overlapping :class:`~retrowalk.motion.phases.Phase` intervals: a walking phase runs from
its event to the next one, a pause from ``paused`` to ``resumed`` (after which the phase that
was paused goes on), and nothing is labelled after ``stopped`` (unless the walker goes back to
the session: ``resumed``) or ``finished``. The direction
of each phase is what the walker was asked to do (forward warm-up and cool-down, backward
main phase), not what the phone measured.

:func:`analysis_summary` is what retrowalk keeps of an analysis (steps, cadence, bouts with
direction and confidence, and per labelled phase) as JSON-ready data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from retrowalk.motion.analysis import Analysis, BoutReport
from retrowalk.motion.direction import DirectionLabel
from retrowalk.motion.phases import Phase, split_by_phase

WALKING_KINDS: dict[str, DirectionLabel] = {
    "warmup": "forward",
    "backward": "backward",
    "cooldown": "forward",
}
"""Each walking phase of the guided session and the direction the walker is asked to walk."""
PAUSE = "paused"
RESUME = "resumed"
ENDS = ("stopped", "finished")
ANALYSIS_VERSION = "motion-summary/1"
"""The shape of :func:`analysis_summary`'s output (stored with it)."""


def phases_from_events(events: Sequence[tuple[str, float]], end_s: float) -> list[Phase]:
    """Labelled phases from ``(kind, t_s)`` events (in any order); the last open phase ends
    at ``end_s`` (the end of the recording). Empty phases are dropped."""
    phases: list[Phase] = []
    current: str | None = None
    walking: str | None = None
    start = 0.0

    def close(at: float) -> None:
        if current is not None and at > start:
            phases.append(Phase(current, start, at, WALKING_KINDS.get(current)))

    finished = False
    for kind, t_s in sorted(events, key=lambda e: e[1]):
        if finished:
            break
        if kind in WALKING_KINDS:
            close(t_s)
            current, walking, start = kind, kind, t_s
        elif kind == PAUSE and current is not None:
            close(t_s)
            current, start = PAUSE, t_s
        elif kind == RESUME and current in (PAUSE, None) and walking is not None:
            close(t_s)  # after a pause, or "I need to stop" and then back to the session
            current, start = walking, t_s
        elif kind in ENDS:
            close(t_s)
            current = None
            finished = kind == "finished"
    close(end_s)
    return phases


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def bout_summary(report: BoutReport) -> dict[str, Any]:
    """One bout as plain JSON values (what `retrowalk motion analyze --json` prints and what a
    stored recording keeps). ``kind`` is ``"turn"`` for a turn on the spot (its direction is
    always unknown: a turn has none), else ``"walking"``."""
    bout = report.bout
    return {
        "start_s": round(bout.start_s, 3),
        "duration_s": round(bout.duration_s, 3),
        "steps": bout.steps,
        "cadence_spm": round(bout.cadence_spm, 1),
        "confidence": round(bout.confidence, 3),
        "kind": bout.kind,
        "direction": bout.direction.label,
        "direction_confidence": round(bout.direction.confidence, 3),
        "distance_m": _round(report.distance_m, 2),
        "speed_m_s": _round(report.speed_m_s, 3),
        "distance_is_estimate": report.distance_is_estimate,
    }


def analysis_summary(analysis: Analysis, phases: Sequence[Phase] = ()) -> dict[str, Any]:
    """Steps, cadence, walking time and bouts (and per phase, when labelled) as plain data.

    Steps and cadence are ``None`` when the recording has no acceleration (a GPS track),
    unless the watch stored its own count (FIT).
    """
    reports = analysis.bouts
    walking_s = sum(r.bout.duration_s for r in reports)
    intervals = sum(r.bout.steps - 1 for r in reports)
    steps: int | None = analysis.steps if analysis.has_acceleration else None
    cadence = 60.0 * intervals / walking_s if walking_s > 0 and steps is not None else None
    watch = analysis.recording.device_steps
    if steps is None and watch is not None:
        steps, cadence = watch.steps, watch.cadence_spm
    totals = analysis.gps_totals
    distances = [r.distance_m for r in reports]
    distance: float | None = None
    if reports and all(d is not None for d in distances):
        distance = float(sum(d for d in distances if d is not None))
    elif totals is not None and totals.fixes > 1:
        distance = totals.distance_m
    return {
        "version": ANALYSIS_VERSION,
        "format": analysis.recording.source_format,
        "duration_s": round(analysis.duration_s, 3),
        "has_acceleration": analysis.has_acceleration,
        "has_angular_rate": analysis.has_angular_rate,
        "steps": steps,
        "steps_from_device": watch is not None and not analysis.has_acceleration,
        "cadence_spm": _round(cadence, 1),
        "walking_s": round(walking_s, 3),
        "distance_m": _round(distance, 2),
        "bouts": [bout_summary(r) for r in reports],
        "phases": [
            {
                "label": p.phase.label,
                "start_s": round(p.phase.start_s, 3),
                "end_s": round(p.phase.end_s, 3),
                "asked_direction": p.phase.direction,
                "steps": p.steps,
                "cadence_spm": _round(p.cadence_spm, 1),
                "bouts": [bout_summary(b) for b in p.bouts],
            }
            for p in (split_by_phase(analysis, phases) if phases else [])
        ],
    }
