"""Validation of step counting on real, hand-counted data.

* Oxford step counter (optimisation part): total steps per recording against the hand count;
  the error per recording and per phone placement. This is the set the defaults were checked
  on, so its figures are *in-sample* (see docs/motion.md).
* IPOL lower-back trials: detected step times against hand-checked foot contacts (not used to
  choose any parameter).
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrowalk.motion.analysis import DEFAULT_SETTINGS, AnalysisSettings, detect_bouts
from retrowalk.motion.errors import RecordingError
from retrowalk.motion.readers.datasets import (
    read_ipol,
    read_ipol_annotation,
    read_oxford,
    read_oxford_stats,
)


def shared_data_dir() -> Path | None:
    """``$RETROWALK_SHARED/data``, else ``../shared/data`` beside the project or the cwd."""
    env = os.environ.get("RETROWALK_SHARED")
    candidates = [Path(env) / "data"] if env else []
    project_root = Path(__file__).resolve().parents[3]
    candidates += [project_root.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


def default_oxford_dir() -> Path:
    """The Oxford data folder, or a :class:`RecordingError` saying where it was looked for."""
    data = shared_data_dir()
    if data is None or not (data / "oxford-step-counter").is_dir():
        raise RecordingError(
            "cannot find the oxford-step-counter data: set RETROWALK_SHARED to the shared "
            "folder or pass --data DIR."
        )
    return data / "oxford-step-counter"


@dataclass(frozen=True)
class RecordingResult:
    """Detected against hand-counted steps for one recording."""

    name: str
    placement: str
    true_steps: int
    detected_steps: int

    @property
    def error_pct(self) -> float:
        """Signed error, percent of the true count (positive: too many steps)."""
        return 100.0 * (self.detected_steps - self.true_steps) / self.true_steps


@dataclass(frozen=True)
class PlacementResult:
    """Summary over the recordings of one phone placement."""

    placement: str
    recordings: int
    median_abs_error_pct: float
    max_abs_error_pct: float
    total_error_pct: float


@dataclass(frozen=True)
class OxfordEvaluation:
    """Step-count error on the Oxford data."""

    recordings: list[RecordingResult]

    @property
    def median_abs_error_pct(self) -> float:
        """Median over recordings of the absolute error (percent)."""
        return float(np.median([abs(r.error_pct) for r in self.recordings]))

    @property
    def mean_abs_error_pct(self) -> float:
        """Mean over recordings of the absolute error (percent)."""
        return float(np.mean([abs(r.error_pct) for r in self.recordings]))

    @property
    def placements(self) -> list[PlacementResult]:
        """Per placement: median and worst absolute error, and the error of the summed count."""
        groups: dict[str, list[RecordingResult]] = defaultdict(list)
        for r in self.recordings:
            groups[r.placement].append(r)
        out = []
        for placement, rows in sorted(groups.items()):
            errors = [abs(r.error_pct) for r in rows]
            true = sum(r.true_steps for r in rows)
            detected = sum(r.detected_steps for r in rows)
            out.append(
                PlacementResult(
                    placement=placement,
                    recordings=len(rows),
                    median_abs_error_pct=float(np.median(errors)),
                    max_abs_error_pct=float(np.max(errors)),
                    total_error_pct=100.0 * (detected - true) / true,
                )
            )
        return out

    @property
    def worst_placement_median_pct(self) -> float:
        """The largest per-placement median absolute error (percent)."""
        return max(p.median_abs_error_pct for p in self.placements)


def evaluate_oxford(
    folder: Path, settings: AnalysisSettings = DEFAULT_SETTINGS
) -> OxfordEvaluation:
    """Count steps in every Oxford recording listed in ``stats.csv`` and compare."""
    stats = folder / "stats.csv"
    if not stats.is_file():
        raise RecordingError(f"{folder} is not the Oxford data folder: it has no stats.csv.")
    results = []
    for truth in read_oxford_stats(stats):
        recording = read_oxford(folder / "recordings" / truth.folder)
        detected = sum(b.steps for b in detect_bouts(recording, settings))
        results.append(RecordingResult(truth.folder, truth.placement, truth.steps, detected))
    if not results:
        raise RecordingError(f"{stats} lists no recordings.")
    return OxfordEvaluation(results)


@dataclass(frozen=True)
class IpolEvaluation:
    """Step timing against hand-checked foot contacts on the IPOL lower-back trials.

    A detected step matches a contact within ``tolerance_s``; ``median_offset_s`` is the
    median signed time from contact to detected step over matched steps.
    """

    trials: int
    true_steps: int
    detected_steps: int
    matched_steps: int
    median_offset_s: float
    p95_abs_offset_s: float
    median_abs_count_error_pct: float
    tolerance_s: float

    @property
    def sensitivity(self) -> float:
        """Share of hand-checked contacts with a detected step nearby."""
        return self.matched_steps / self.true_steps

    @property
    def precision(self) -> float:
        """Share of detected steps that match a hand-checked contact."""
        return self.matched_steps / self.detected_steps if self.detected_steps else 0.0


def _match(truth: np.ndarray, detected: np.ndarray, tolerance_s: float) -> list[float]:
    """Greedy one-to-one matching in time order; returns detected − true for each match."""
    offsets: list[float] = []
    used = np.zeros(detected.size, dtype=bool)
    for t in truth:
        if detected.size == 0:
            break
        distance = np.abs(detected - t)
        distance[used] = np.inf
        j = int(np.argmin(distance))
        if distance[j] <= tolerance_s:
            used[j] = True
            offsets.append(float(detected[j] - t))
    return offsets


def evaluate_ipol(
    folder: Path, settings: AnalysisSettings = DEFAULT_SETTINGS, tolerance_s: float = 0.25
) -> IpolEvaluation:
    """Detected steps inside each trial's boundaries against the annotated foot contacts."""
    trials = sorted(folder.glob("*.json"))
    if not trials:
        raise RecordingError(f"{folder} holds no IPOL trial annotations (*.json).")
    true_total = detected_total = 0
    offsets: list[float] = []
    count_errors: list[float] = []
    for annotation_file in trials:
        annotation = read_ipol_annotation(annotation_file)
        recording = read_ipol(folder / f"{annotation_file.stem}_lb.txt.gz")
        assert recording.acc_m_s2 is not None
        end_s = min(annotation.trial_end_s, float(recording.acc_m_s2.t_s[-1]))
        truth = annotation.step_times_s[annotation.step_times_s <= end_s]
        steps = [b.step_times_s for b in detect_bouts(recording, settings)]
        detected = np.concatenate(steps) if steps else np.empty(0)
        margin = tolerance_s
        detected = detected[
            (detected >= annotation.trial_start_s - margin) & (detected <= end_s + margin)
        ]
        offsets.extend(_match(truth, detected, tolerance_s))
        true_total += truth.size
        detected_total += detected.size
        count_errors.append(100.0 * abs(detected.size - truth.size) / truth.size)
    arr = np.asarray(offsets)
    return IpolEvaluation(
        trials=len(trials),
        true_steps=true_total,
        detected_steps=detected_total,
        matched_steps=len(offsets),
        median_offset_s=float(np.median(arr)) if arr.size else float("nan"),
        p95_abs_offset_s=float(np.percentile(np.abs(arr), 95)) if arr.size else float("nan"),
        median_abs_count_error_pct=float(np.median(count_errors)),
        tolerance_s=tolerance_s,
    )


def oxford_table_markdown(evaluation: OxfordEvaluation) -> str:
    """The per-placement and per-recording error tables, as Markdown."""
    lines = [
        f"Recordings: {len(evaluation.recordings)}; median absolute error "
        f"{evaluation.median_abs_error_pct:.1f} %, mean {evaluation.mean_abs_error_pct:.1f} %; "
        f"worst placement median {evaluation.worst_placement_median_pct:.1f} %.",
        "",
        "| placement | recordings | median abs error % | max abs error % | error of total % |",
        "|---|---:|---:|---:|---:|",
    ]
    for p in evaluation.placements:
        lines.append(
            f"| {p.placement} | {p.recordings} | {p.median_abs_error_pct:.1f} | "
            f"{p.max_abs_error_pct:.1f} | {p.total_error_pct:+.1f} |"
        )
    lines += [
        "",
        "| recording | placement | true steps | detected | error % |",
        "|---|---|---:|---:|---:|",
    ]
    for r in evaluation.recordings:
        lines.append(
            f"| {r.name} | {r.placement} | {r.true_steps} | {r.detected_steps} | "
            f"{r.error_pct:+.1f} |"
        )
    return "\n".join(lines)
