"""Phases of a guided session (warm-up, backward walking, rest …) and the bouts in each.

A guided session knows what the walker was asked to do when: each :class:`Phase` is a label
with a start and end on the recording's clock (seconds, like every time in a
:class:`~retrowalk.motion.recording.Recording`) and, for walking phases, the direction asked
for. :func:`split_by_phase` gives each phase its steps and bouts; a bout that runs across a
phase boundary is cut there, and each piece keeps the direction computed for the whole bout.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from retrowalk.motion.analysis import Analysis, BoutReport
from retrowalk.motion.bouts import make_bout
from retrowalk.motion.direction import DirectionLabel
from retrowalk.motion.errors import InvalidParameterError

ASKED_DIRECTIONS: tuple[str, ...] = ("forward", "backward")


@dataclass(frozen=True)
class Phase:
    """One labelled stretch of a recording: ``[start_s, end_s)`` on the recording's clock."""

    label: str
    start_s: float
    end_s: float
    direction: DirectionLabel | None = None
    """The direction the walker was asked to walk in this phase; ``None`` if not walking."""

    def validate(self) -> None:
        """Raise :class:`InvalidParameterError` for a phase that cannot be used."""
        if not self.label.strip():
            raise InvalidParameterError("phase label", self.label, "a non-empty label")
        if not (np.isfinite(self.start_s) and np.isfinite(self.end_s)):
            raise InvalidParameterError("phase times", (self.start_s, self.end_s), "numbers")
        if self.end_s <= self.start_s:
            raise InvalidParameterError(
                "phase times", (self.start_s, self.end_s), "an end after the start"
            )
        if self.direction is not None and self.direction not in ASKED_DIRECTIONS:
            raise InvalidParameterError(
                "phase direction", self.direction, "forward, backward or none"
            )


def check_phases(phases: Sequence[Phase]) -> None:
    """Every phase valid, and no two overlapping (a step belongs to one phase at most)."""
    ordered = sorted(phases, key=lambda p: p.start_s)
    for phase in ordered:
        phase.validate()
    for before, after in itertools.pairwise(ordered):
        if after.start_s < before.end_s:
            raise InvalidParameterError(
                "phases",
                f"{before.label!r} and {after.label!r}",
                "phases that do not overlap",
            )


@dataclass(frozen=True)
class PhaseReport:
    """The walking found in one phase."""

    phase: Phase
    bouts: list[BoutReport]
    steps: int

    @property
    def walking_s(self) -> float:
        """Time from first to last step, summed over the bouts of the phase."""
        return sum(b.bout.duration_s for b in self.bouts)

    @property
    def cadence_spm(self) -> float | None:
        """Steps per minute over the walking time of the phase."""
        intervals = sum(b.bout.steps - 1 for b in self.bouts)
        return 60.0 * intervals / self.walking_s if self.walking_s > 0 else None


def _piece(report: BoutReport, times: np.ndarray) -> BoutReport:
    piece = replace(make_bout(times, report.bout.direction), kind=report.bout.kind)
    if piece.steps == report.bout.steps:
        return report
    scale = piece.steps / report.bout.steps
    distance = None if report.distance_m is None else report.distance_m * scale
    speed = report.speed_m_s
    return replace(report, bout=piece, distance_m=distance, speed_m_s=speed)


def split_by_phase(analysis: Analysis, phases: Sequence[Phase]) -> list[PhaseReport]:
    """Each phase's steps and bouts (pieces of the analysis' bouts), in the phases' order.

    A piece's distance is its share of the bout's distance (by steps); its speed is the
    bout's. Steps outside every phase are in no report.
    """
    check_phases(phases)
    reports = []
    for phase in phases:
        pieces: list[BoutReport] = []
        steps = 0
        for report in analysis.bouts:
            times = report.bout.step_times_s
            inside = times[(times >= phase.start_s) & (times < phase.end_s)]
            steps += int(inside.size)
            if inside.size >= 2:
                pieces.append(_piece(report, inside))
        reports.append(PhaseReport(phase, pieces, steps))
    return reports


@dataclass(frozen=True)
class DirectionCheck:
    """Bout directions against what each phase asked for: counts of (asked, called)."""

    counts: dict[tuple[str, str], int]

    def share(self, asked: str, called: str) -> float | None:
        """Of the bouts in phases that asked for ``asked``, the share called ``called``."""
        total = sum(n for (a, _), n in self.counts.items() if a == asked)
        return self.counts.get((asked, called), 0) / total if total else None


def check_directions(reports: Sequence[PhaseReport]) -> DirectionCheck:
    """Compare each bout's direction with its phase's label (phases without one are skipped;
    so are turns on the spot, which have no direction to check)."""
    counts: dict[tuple[str, str], int] = {}
    for report in reports:
        asked = report.phase.direction
        if asked is None:
            continue
        for bout in report.bouts:
            if bout.bout.kind == "turn":
                continue
            key = (asked, bout.bout.direction.label)
            counts[key] = counts.get(key, 0) + 1
    return DirectionCheck(counts)


def asked_direction(text: str | None) -> DirectionLabel | None:
    """A phase's direction from text ("forward", "backward", or empty for none)."""
    if not text:
        return None
    if text == "forward":
        return "forward"
    if text == "backward":
        return "backward"
    raise InvalidParameterError("phase direction", text, "forward, backward or none")
