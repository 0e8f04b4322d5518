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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrowalk.motion.analysis import DEFAULT_SETTINGS, AnalysisSettings, detect_bouts
from retrowalk.motion.errors import RecordingError
from retrowalk.motion.readers.datasets import (
    IpolAnnotation,
    read_ipol,
    read_ipol_annotation,
    read_oxford,
    read_oxford_stats,
)
from retrowalk.motion.recording import Recording


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


BOUT_PARTS = ("initiation", "straight", "turn", "termination")
"""Where in an IPOL trial a step is: its first two annotated steps (and anything before),
the U-turn (annotated boundaries), its last two annotated steps inside the trial boundaries
and anything after them (the annotated shuffles after the trial end too), or the straight
walking in between."""


@dataclass(frozen=True)
class PartErrors:
    """Annotated, missed and extra steps in one part of the IPOL trials."""

    part: str
    annotated: int
    missed: int
    extra: int


@dataclass(frozen=True)
class TrialCount:
    """Steps of one IPOL trial: annotated (all of them) against detected."""

    trial: str
    annotated: int
    detected_whole: int
    annotated_in_trial: int
    detected_in_trial: int

    @property
    def whole_error_pct(self) -> float:
        """Signed error over the whole recording against every annotated footstep."""
        return 100.0 * (self.detected_whole - self.annotated) / self.annotated

    @property
    def in_trial_error_pct(self) -> float:
        """Signed error inside the trial's boundaries against the steps annotated there."""
        return 100.0 * (self.detected_in_trial - self.annotated_in_trial) / self.annotated_in_trial


@dataclass(frozen=True)
class IpolEvaluation:
    """Step counts and timing against hand-checked foot contacts on the IPOL lower-back trials.

    A detected step matches a contact within ``tolerance_s``, one to one (over the whole
    recording); ``median_offset_s`` is the median signed time from contact to detected step.
    ``true_steps``/``detected_steps``/``matched_steps`` are counted inside each trial's
    boundaries (as before); ``trials_counts`` also has the whole-recording counts.
    """

    trials: int
    true_steps: int
    detected_steps: int
    matched_steps: int
    median_offset_s: float
    p95_abs_offset_s: float
    median_abs_count_error_pct: float
    tolerance_s: float
    counts: tuple[TrialCount, ...] = ()
    parts: tuple[PartErrors, ...] = ()

    @property
    def sensitivity(self) -> float:
        """Share of hand-checked contacts with a detected step nearby."""
        return self.matched_steps / self.true_steps

    @property
    def precision(self) -> float:
        """Share of detected steps that match a hand-checked contact."""
        return self.matched_steps / self.detected_steps if self.detected_steps else 0.0

    @property
    def median_abs_whole_error_pct(self) -> float:
        """Median over trials of |whole-recording count error| (every annotated footstep)."""
        return float(np.median([abs(c.whole_error_pct) for c in self.counts]))

    @property
    def max_abs_whole_error_pct(self) -> float:
        """The worst trial's |whole-recording count error|."""
        return float(max(abs(c.whole_error_pct) for c in self.counts))

    @property
    def max_abs_in_trial_error_pct(self) -> float:
        """The worst trial's |in-trial count error|."""
        return float(max(abs(c.in_trial_error_pct) for c in self.counts))


def match_steps(
    truth: np.ndarray, detected: np.ndarray, tolerance_s: float
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching in time order: (truth index, detected index) pairs."""
    pairs: list[tuple[int, int]] = []
    used = np.zeros(detected.size, dtype=bool)
    for i, t in enumerate(truth):
        if detected.size == 0:
            break
        distance = np.abs(detected - t)
        distance[used] = np.inf
        j = int(np.argmin(distance))
        if distance[j] <= tolerance_s:
            used[j] = True
            pairs.append((i, j))
    return pairs


def _match(truth: np.ndarray, detected: np.ndarray, tolerance_s: float) -> list[float]:
    """Signed offsets (detected − true) of the matched steps."""
    return [float(detected[j] - truth[i]) for i, j in match_steps(truth, detected, tolerance_s)]


def bout_part(annotation: IpolAnnotation, contacts: np.ndarray, t: float) -> str:
    """Which part of the trial (:data:`BOUT_PARTS`) the time ``t`` falls in."""
    if contacts.size >= 4:
        if t < (contacts[1] + contacts[2]) / 2:
            return "initiation"
        if t > (contacts[-3] + contacts[-2]) / 2:
            return "termination"
    turn = (annotation.turn_start_s, annotation.turn_end_s)
    if turn[0] is not None and turn[1] is not None and turn[0] <= t <= turn[1]:
        return "turn"
    return "straight"


StepDetector = Callable[[Recording], np.ndarray]
"""Step times (s) of a recording: retrowalk's, or a peer's in the bench."""


def retrowalk_steps(settings: AnalysisSettings = DEFAULT_SETTINGS) -> StepDetector:
    """retrowalk's detector: the steps of every bout."""

    def detect(recording: Recording) -> np.ndarray:
        steps = [b.step_times_s for b in detect_bouts(recording, settings)]
        return np.concatenate(steps) if steps else np.empty(0)

    return detect


IpolTrial = tuple[IpolAnnotation, Recording]
"""One IPOL trial: its annotation and its recording."""


def read_ipol_trials(folder: Path) -> list[IpolTrial]:
    """Every annotated trial of the IPOL folder, read once (for evaluating many settings)."""
    trials = sorted(folder.glob("*.json"))
    if not trials:
        raise RecordingError(f"{folder} holds no IPOL trial annotations (*.json).")
    return [(read_ipol_annotation(a), read_ipol(folder / f"{a.stem}_lb.txt.gz")) for a in trials]


def evaluate_ipol(
    folder: Path | Sequence[IpolTrial],
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    tolerance_s: float = 0.25,
    detector: StepDetector | None = None,
) -> IpolEvaluation:
    """Detected steps against the annotated foot contacts: in each trial and over it all.

    ``folder`` is the IPOL trials folder, or its trials already read
    (:func:`read_ipol_trials`)."""
    trials = read_ipol_trials(folder) if isinstance(folder, Path) else folder
    detect = detector or retrowalk_steps(settings)
    true_total = detected_total = in_trial_matched = 0
    offsets: list[float] = []
    count_errors: list[float] = []
    counts: list[TrialCount] = []
    tally = {p: [0, 0, 0] for p in BOUT_PARTS}
    for annotation, recording in trials:
        assert recording.acc_m_s2 is not None
        data_end_s = float(recording.acc_m_s2.t_s[-1])
        end_s = min(annotation.trial_end_s, data_end_s)
        every = annotation.step_times_s[annotation.step_times_s <= data_end_s]
        truth = annotation.step_times_s[annotation.step_times_s <= end_s]
        all_detected = np.sort(detect(recording))
        margin = tolerance_s
        inside = all_detected[
            (all_detected >= annotation.trial_start_s - margin) & (all_detected <= end_s + margin)
        ]
        offsets.extend(_match(every, all_detected, tolerance_s))
        in_trial_matched += len(match_steps(truth, inside, tolerance_s))
        true_total += truth.size
        detected_total += inside.size
        count_errors.append(100.0 * abs(inside.size - truth.size) / truth.size)
        counts.append(
            TrialCount(annotation.trial, every.size, all_detected.size, truth.size, inside.size)
        )
        pairs = match_steps(every, all_detected, tolerance_s)
        found = {i for i, _ in pairs}
        used = {j for _, j in pairs}
        for i, t in enumerate(every):
            row = tally[bout_part(annotation, truth, float(t))]
            row[0] += 1
            row[1] += i not in found
        for j, t in enumerate(all_detected):
            if j not in used:
                tally[bout_part(annotation, truth, float(t))][2] += 1
    arr = np.asarray(offsets)
    return IpolEvaluation(
        trials=len(trials),
        true_steps=true_total,
        detected_steps=detected_total,
        matched_steps=in_trial_matched,
        median_offset_s=float(np.median(arr)) if arr.size else float("nan"),
        p95_abs_offset_s=float(np.percentile(np.abs(arr), 95)) if arr.size else float("nan"),
        median_abs_count_error_pct=float(np.median(count_errors)),
        tolerance_s=tolerance_s,
        counts=tuple(counts),
        parts=tuple(PartErrors(p, *tally[p]) for p in BOUT_PARTS),
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


def ipol_subject(trial: str) -> str:
    """The subject of an IPOL trial name (``"12-3"`` → ``"12"``)."""
    return trial.split("-", 1)[0]


@dataclass(frozen=True)
class HeldOutTrial:
    """One IPOL trial's count, by settings chosen without its subject's trials."""

    count: TrialCount
    chosen: str
    """The name of the settings chosen on the other subjects."""


@dataclass(frozen=True)
class HeldOutEvaluation:
    """Leave-one-subject-out figures: an honest estimate for settings tuned on IPOL.

    For each subject, the candidate settings with the lowest median |whole-recording count
    error| on the *other* subjects' trials (ties: the lower mean, then the earlier
    candidate) count that subject's trials. Pooled, these figures say what choosing the
    settings on IPOL is worth on trials that took no part in the choice.
    """

    trials: tuple[HeldOutTrial, ...]

    @property
    def median_abs_whole_error_pct(self) -> float:
        """Median over held-out trials of |whole-recording count error|."""
        return float(np.median([abs(t.count.whole_error_pct) for t in self.trials]))

    @property
    def max_abs_whole_error_pct(self) -> float:
        """The worst held-out trial's |whole-recording count error|."""
        return float(max(abs(t.count.whole_error_pct) for t in self.trials))

    @property
    def median_abs_in_trial_error_pct(self) -> float:
        """Median over held-out trials of |in-trial count error|."""
        return float(np.median([abs(t.count.in_trial_error_pct) for t in self.trials]))

    @property
    def max_abs_in_trial_error_pct(self) -> float:
        """The worst held-out trial's |in-trial count error|."""
        return float(max(abs(t.count.in_trial_error_pct) for t in self.trials))

    @property
    def chosen(self) -> dict[str, int]:
        """How many held-out subjects' trials each candidate counted."""
        out: dict[str, int] = defaultdict(int)
        for t in self.trials:
            out[t.chosen] += 1
        return dict(out)


def held_out_ipol(folder: Path, candidates: dict[str, AnalysisSettings]) -> HeldOutEvaluation:
    """Leave-one-subject-out evaluation of choosing among ``candidates`` on IPOL."""
    if not candidates:
        raise ValueError("held_out_ipol needs at least one candidate setting.")
    trials = read_ipol_trials(folder)
    counts = {name: evaluate_ipol(trials, s).counts for name, s in candidates.items()}
    first = next(iter(counts.values()))
    subjects = sorted({ipol_subject(c.trial) for c in first}, key=lambda s: (len(s), s))
    held: list[HeldOutTrial] = []
    for subject in subjects:

        def training_score(name: str, subject: str = subject) -> tuple[float, float]:
            errors = [
                abs(c.whole_error_pct) for c in counts[name] if ipol_subject(c.trial) != subject
            ]
            return float(np.median(errors)), float(np.mean(errors))

        best = min(counts, key=training_score)
        held.extend(HeldOutTrial(c, best) for c in counts[best] if ipol_subject(c.trial) == subject)
    return HeldOutEvaluation(tuple(held))
