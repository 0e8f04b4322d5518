"""Walking bouts: runs of steps close enough in time to be one stretch of walking.

A bout is built from detected steps alone, so the same code serves a whole recording and a
stream of chunks: steps arrive in time order, a bout closes when the next step is too far
away (or the samples stop), and bouts too short to be walking are dropped. The ends of a
bout get two rules of gait (:class:`BoutParams`): the push-off of gait initiation is not a
step, and the closing step of gait termination — too weak to pass the step threshold — is.
Inside a bout, a peak that splits one step interval in two is a jolt, not a step.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from retrowalk.motion.direction import STATS, UNKNOWN, Direction, classify
from retrowalk.motion.errors import InvalidParameterError
from retrowalk.motion.recording import FloatArray
from retrowalk.motion.turns import DEFAULT_TURN_PARAMS, Turn, TurnParams, fill_pivots


@dataclass(frozen=True)
class BoutParams:
    """How steps are grouped into bouts (policy choices, see docs/motion.md)."""

    max_step_gap_s: float = 2.0
    """A pause between steps longer than this ends the bout (slow walkers: 30 steps/min)."""
    min_steps: int = 4
    """Fewer steps than this are not counted as walking (shuffles, a phone picked up).
    Four matches the "can take 4 steps" weight-bearing test of the clinical rules."""
    push_off_ratio: float = 0.9
    """Gait initiation: when a bout's first interval is shorter than this × the median of
    the next five, its first peak is the push-off from standing (less than a step before
    the first heel strike), not a step, and is dropped. Set on the IPOL trials, where such
    first intervals were 0.65–0.96 × the median (5th–95th percentile) and real first steps
    1.04–1.31 ×; 0 keeps every peak (docs/motion.md)."""
    closing_window: tuple[float, float] = (0.5, 1.5)
    """Gait termination: to stop, the trailing foot is brought beside the other — a real
    step (hand counts and annotations count it) with little body movement, so its peak
    rarely passes the step threshold. The first weak peak (see
    :attr:`~retrowalk.motion.steps.StepParams.candidate_min_level_m_s2`) from 0.5 to 1.5 ×
    the bout's median step interval after its last step is counted as that closing step,
    once per bout of walking (at least ``min_steps``). The band-pass rings in the same
    window after any last step, so in effect the rule counts the expected closing step
    rather than detecting it. Set on the IPOL trials; (0, 0) turns the rule off
    (docs/motion.md)."""
    settled_tail: tuple[float, float] = (0.15, 1.4)
    """Gait termination, the walker settling (issue 14): a step whose prominence is at most
    ``settled_tail[0]`` × the bout's median step prominence — as weak as a closing step —
    and after which the next step comes later than ``settled_tail[1]`` × the bout's median
    interval, off the walking rhythm, is where the walking stopped. The fewer than
    ``min_steps`` steps after it are a movement of the walker standing (a weight shift, a
    jolt as they settle), not walking: they leave the bout, and the weak step is taken as
    its closing step (no other is added). Needs the peaks' prominences (the detector gives
    them); (0, 0) turns the rule off (docs/motion.md)."""
    split_step: tuple[float, float] = (0.8, 1.5)
    """Step regularity (issue 14): a peak inside a bout that splits one step interval in
    two — both shorter than ``split_step[0]`` × the bout's median interval, together at
    most ``split_step[1]`` × — is a jolt between two steps (a phone moving in a hand, a
    pocket or a bag; the pelvis in a turn), not a step, and leaves the bout. Needs more
    than ``min_steps`` + 1 steps, so that the median is the walking rhythm; the peak's step
    cycle stays in the direction's evidence. (0, 0) turns it off (docs/motion.md)."""
    shuffle_closing: bool = False
    """Whether a short bout that the turn rules count as shuffling round
    (:attr:`~retrowalk.motion.turns.TurnParams.shuffle_steps`) still gets a closing step.
    False since issue 14: the closing step ends a bout of *walking*; a shuffle becomes a
    turn on the spot, whose steps are counted from its duration."""

    def validate(self) -> None:
        """Raise :class:`InvalidParameterError` for a setting that cannot work."""
        if not np.isfinite(self.max_step_gap_s) or self.max_step_gap_s <= 0:
            raise InvalidParameterError("max_step_gap_s", self.max_step_gap_s, "seconds above 0")
        if self.min_steps < 2:
            raise InvalidParameterError("min_steps", self.min_steps, "a whole number from 2")
        if not np.isfinite(self.push_off_ratio) or self.push_off_ratio < 0:
            raise InvalidParameterError(
                "push_off_ratio", self.push_off_ratio, "a number from 0 (0: keep every peak)"
            )
        low, high = self.closing_window
        if not (np.isfinite(low) and np.isfinite(high) and 0 <= low <= high):
            raise InvalidParameterError(
                "closing_window", self.closing_window, "0 ≤ low ≤ high ((0, 0): no closing step)"
            )
        short, total = self.split_step
        off = short == 0 and total == 0
        if not (off or (np.isfinite(short) and np.isfinite(total) and 0 < short <= total)):
            raise InvalidParameterError(
                "split_step", self.split_step, "0 < short ≤ total ((0, 0): the rule off)"
            )
        weak, gap = self.settled_tail
        off = weak == 0 and gap == 0
        if not (off or (np.isfinite(weak) and np.isfinite(gap) and 0 < weak < 1 and gap > 1)):
            raise InvalidParameterError(
                "settled_tail",
                self.settled_tail,
                "0 < weak < 1 and gap > 1 ((0, 0): the rule off)",
            )


DEFAULT_BOUT_PARAMS = BoutParams()


@dataclass(frozen=True)
class Bout:
    """One walking bout: from its first to its last step.

    ``confidence`` (0–1) is the regularity of the step rhythm: 1 minus the median absolute
    deviation of the step intervals divided by their median. Regular walking scores near 1;
    a bout made of irregular jolts scores low. ``direction``: forward, backward or unknown
    (see :mod:`retrowalk.motion.direction` for what it can and cannot tell). ``kind`` is
    ``"turn"`` for a turn on the spot found by the angular rate (:mod:`retrowalk.motion.turns`):
    its steps are counted from its duration, and it has no direction.
    """

    start_s: float
    end_s: float
    steps: int
    cadence_spm: float
    confidence: float
    step_times_s: FloatArray
    direction: Direction = UNKNOWN
    kind: Literal["walking", "turn"] = "walking"

    @property
    def duration_s(self) -> float:
        """Time from the first to the last step."""
        return self.end_s - self.start_s


def make_bout(step_times_s: FloatArray, direction: Direction = UNKNOWN) -> Bout:
    """A bout from its step times (at least two, increasing)."""
    intervals = np.diff(step_times_s)
    median = float(np.median(intervals))
    mad = float(np.median(np.abs(intervals - median)))
    confidence = max(0.0, 1.0 - mad / median) if median > 0 else 0.0
    duration = float(step_times_s[-1] - step_times_s[0])
    cadence = 60.0 * (step_times_s.size - 1) / duration if duration > 0 else 0.0
    return Bout(
        start_s=float(step_times_s[0]),
        end_s=float(step_times_s[-1]),
        steps=int(step_times_s.size),
        cadence_spm=cadence,
        confidence=confidence,
        step_times_s=step_times_s,
        direction=direction,
    )


def turn_bout(step_times_s: FloatArray) -> Bout:
    """A turn on the spot as a bout (at least one step; no direction)."""
    if step_times_s.size >= 2:
        walked = make_bout(step_times_s)
        return Bout(
            walked.start_s,
            walked.end_s,
            walked.steps,
            walked.cadence_spm,
            0.0,
            step_times_s,
            kind="turn",
        )
    t = float(step_times_s[0])
    return Bout(t, t, 1, 0.0, 0.0, step_times_s, kind="turn")


def closing_step(
    steps: list[float], after: list[float], window: tuple[float, float]
) -> float | None:
    """The closing step of gait termination among the weak peaks ``after`` the last step.

    The first peak from ``window[0]`` to ``window[1]`` × the median step interval after the
    last step, or ``None`` (see :attr:`BoutParams.closing_window`).
    """
    low, high = window
    if high <= 0 or len(steps) < 3 or not after:
        return None
    median = float(np.median(np.diff(np.asarray(steps))))
    last = steps[-1]
    for t in after:
        if t - last >= low * median:
            return t if t - last <= high * median else None
    return None


def settled_tail(steps: list[float], prominence: list[float], params: BoutParams) -> int | None:
    """Where a bout's walking stopped before its last steps, or ``None``.

    The index of the first step after a step as weak as a closing step that the next step
    follows off the rhythm, when fewer than ``min_steps`` steps follow (see
    :attr:`BoutParams.settled_tail`); the latest such place counts.
    """
    weak, gap = params.settled_tail
    n = len(steps)
    if weak <= 0 or n <= params.min_steps or not np.all(np.isfinite(prominence)):
        return None
    interval = float(np.median(np.diff(np.asarray(steps))))
    level = float(np.median(prominence))
    for i in range(n - 2, n - params.min_steps - 1, -1):
        if prominence[i] <= weak * level and steps[i + 1] - steps[i] > gap * interval:
            return i + 1
    return None


def split_steps(steps: list[float], params: BoutParams) -> list[int]:
    """Indices of the peaks that split one step interval in two (see
    :attr:`BoutParams.split_step`), earliest first; a peak's neighbours are never split."""
    short, total = params.split_step
    if short <= 0 or len(steps) <= params.min_steps + 1:
        return []
    times = np.asarray(steps)
    median = float(np.median(np.diff(times)))
    out: list[int] = []
    j = 1
    while j < len(steps) - 1:
        before, after = steps[j] - steps[j - 1], steps[j + 1] - steps[j]
        if before < short * median and after < short * median and before + after <= total * median:
            out.append(j)
            j += 2
        else:
            j += 1
    return out


def without_split_steps(
    steps: list[float], turned: list[float], params: BoutParams
) -> tuple[list[float], list[float]]:
    """A bout's steps and angles turned without the peaks that split an interval; the angle
    turned since a removed peak is added to the next step's."""
    split = split_steps(steps, params)
    if not split:
        return steps, turned
    kept_steps, kept_turned = list(steps), list(turned)
    for j in reversed(split):
        kept_turned[j + 1] += kept_turned[j]
        del kept_steps[j], kept_turned[j]
    return kept_steps, kept_turned


def is_push_off(step_times_s: list[float], ratio: float) -> bool:
    """Whether a bout's first peak is the push-off of gait initiation (see BoutParams)."""
    if ratio <= 0 or len(step_times_s) < 4:
        return False
    intervals = np.diff(np.asarray(step_times_s[:7]))
    return bool(intervals[0] < ratio * float(np.median(intervals[1:])))


class BoutBuilder:
    """Groups steps, fed in time order, into bouts; usable chunk by chunk.

    Memory is bounded by the steps of the one open bout. Each step may come with the sums
    of the step cycle that ends at it (:func:`~retrowalk.motion.direction.step_cycles`),
    which give the bout its direction. Weak peaks (``is_step`` false) are kept only while
    they follow the open bout's last step closely enough to be its closing step.
    """

    def __init__(
        self, params: BoutParams = DEFAULT_BOUT_PARAMS, turns: TurnParams = DEFAULT_TURN_PARAMS
    ) -> None:
        params.validate()
        turns.validate()
        self._params = params
        self._turn_params = turns
        self._open: list[float] = []
        self._turned: list[float] = []  # angle turned since the step before, per open step
        self._prominence: list[float] = []  # per open step (m/s²; NaN where not known)
        # the cycle sums each of the last ``min_steps`` open steps added (for the settled tail)
        self._recent: deque[NDArray[np.float64] | None] = deque(maxlen=params.min_steps)
        self._pending: list[Turn] = []  # turns on the spot not yet known to be clear of bouts
        self._last_kept: tuple[float, float] | None = None
        self._sums = np.zeros(STATS)
        self._cycles = 0
        self._first_cycle: NDArray[np.float64] | None = None
        self._after: list[float] = []  # weak peaks since the open bout's last step
        self._horizon_s = params.closing_window[1] * params.max_step_gap_s

    def _close(self, next_s: float = float("inf")) -> list[Bout]:
        steps, self._open = self._open, []
        turned, self._turned = self._turned, []
        prominence, self._prominence = self._prominence, []
        recent = list(self._recent)
        self._recent.clear()
        after, self._after = self._after, []
        sums, cycles, first = self._sums, self._cycles, self._first_cycle
        self._sums, self._cycles, self._first_cycle = np.zeros(STATS), 0, None
        cut = settled_tail(steps, prominence, self._params)
        if cut is not None:
            for added in recent[len(recent) - (len(steps) - cut) :]:
                if added is not None:
                    sums, cycles = sums - added, cycles - 1
            steps, turned, after = steps[:cut], turned[:cut], []
        if is_push_off(steps, self._params.push_off_ratio):
            steps, turned = steps[1:], turned[1:]
            if first is not None:
                sums, cycles = sums - first, cycles - 1
        steps, turned = without_split_steps(steps, turned, self._params)
        bouts: list[Bout] = []
        if len(steps) >= self._params.min_steps:
            closing = closing_step(steps, after, self._params.closing_window)
            if closing is not None:
                steps, turned = [*steps, closing], [*turned, 0.0]
            steps = fill_pivots(steps, turned, self._turn_params)
            times = np.asarray(steps, dtype=np.float64)
            self._last_kept = (float(times[0]), float(times[-1]))
            shuffle = self._shuffle(times, None if self._params.shuffle_closing else closing)
            bout = make_bout(times, classify(sums, cycles)) if shuffle is None else shuffle
            bouts.extend([] if bout.steps == 0 else [bout])
        return sorted(bouts + self._resolve_turns(next_s), key=lambda b: b.start_s)

    def _overlaps(self, turn: Turn, start: float, end: float) -> bool:
        margin = self._turn_params.margin_s
        return not (turn.end_s < start - margin or turn.start_s > end + margin)

    def _beyond_walking(self, turn: Turn) -> Turn | None:
        """The turn as far as it lies beyond the last walking bout, or ``None``.

        A turn clear of the bout stays whole. One that began during the bout's last steps
        and goes on after its last step (the walker turned round as she stopped) keeps its
        part after that step (:attr:`Turn.after_s`). One that begins within ``margin_s``
        after the last step is too close to the walking to tell from it (a phone taken out
        of a pocket as the walker stops), and one inside the bout (turned while walking,
        counted by the bout's own steps), around it, or overlapping a second bout, counts
        nothing of its own."""
        if self._last_kept is None or not self._overlaps(turn, *self._last_kept):
            return turn
        first, last = self._last_kept
        if turn.after_s == last:
            return turn  # already cut at this bout's last step (no walking bout since)
        half = self._turn_params.window_s / 2
        began, ends = turn.start_s + half, turn.end_s - half
        if turn.after_s is None and first <= began < last < ends:
            return dataclasses.replace(turn, after_s=last)
        return None

    def _shuffle(self, times: FloatArray, closing: float | None) -> Bout | None:
        """A short bout around a turn on the spot is shuffling round, not walking: the steps
        within the turn are counted from its duration (``TurnParams.shuffle_steps``), and
        its ``closing`` step, if given, is dropped (``BoutParams.shuffle_closing``)."""
        params = self._turn_params
        if times.size >= params.shuffle_steps or params.step_interval_s <= 0:
            return None
        start, end = float(times[0]), float(times[-1])
        turns = [t for t in self._pending if self._overlaps(t, start, end)]
        if not turns:
            return None
        self._pending = [t for t in self._pending if t not in turns]
        margin = self._turn_params.margin_s
        keep = np.ones(times.size, dtype=bool) if closing is None else times != closing
        for turn in turns:
            keep &= (times < turn.start_s - margin) | (times > turn.end_s + margin)
        counted = [times[keep], *(turn.steps(self._turn_params) for turn in turns)]
        shuffled = np.sort(np.concatenate(counted))
        empty = Bout(start, start, 0, 0.0, 0.0, shuffled, kind="turn")
        return turn_bout(shuffled) if shuffled.size else empty

    def _resolve_turns(self, next_s: float) -> list[Bout]:
        """Turns on the spot that no walking bout can reach any more, as bouts."""
        beyond = (self._beyond_walking(t) for t in self._pending)
        self._pending = [t for t in beyond if t is not None]
        done = [t for t in self._pending if t.end_s + self._turn_params.margin_s < next_s]
        self._pending = [t for t in self._pending if t not in done]
        out = []
        for turn in done:
            if self._walked_on(turn, next_s):
                continue
            steps = turn.steps(self._turn_params)
            if steps.size:
                out.append(turn_bout(steps))
        return out

    def _walked_on(self, turn: Turn, step_s: float) -> bool:
        """Whether a step at ``step_s`` is the walker walking on soon after a turn that went
        on from a walking bout: then it was a turn between two stretches of walking (a
        U-turn), not a turn on the spot after stopping, and it does not count."""
        gap = self._params.max_step_gap_s
        return turn.after_s is not None and turn.end_s < step_s <= turn.end_s + gap

    def _add_turn(self, turn: Turn) -> None:
        beyond = self._beyond_walking(turn)
        if beyond is not None:
            self._pending.append(beyond)

    def add_steps(
        self,
        step_times_s: Iterable[float],
        cycles: NDArray[np.float64] | None = None,
        is_step: NDArray[np.bool_] | None = None,
        turned: NDArray[np.float64] | None = None,
        turns: Sequence[Turn] = (),
        prominence: NDArray[np.float64] | None = None,
    ) -> list[Bout]:
        """Feed peaks in time order: steps, and weak peaks where ``is_step`` is false (all
        are steps without it), with the angle ``turned`` since the step before each (where a
        gyroscope gives it), the ``turns`` on the spot that ended among them and each peak's
        ``prominence`` (without it the settled-tail rule does not apply); returns the bouts
        (and turns) that these closed."""
        closed: list[Bout] = []
        pending = list(turns)
        for i, t in enumerate(step_times_s):
            while pending and pending[0].key_s <= t:
                self._add_turn(pending.pop(0))
            if is_step is not None and not is_step[i]:
                if self._open and t - self._open[-1] <= self._horizon_s:
                    self._after.append(float(t))
                continue
            if self._open and t - self._open[-1] > self._params.max_step_gap_s:
                closed.extend(self._close(float(t)))
            self._pending = [turn for turn in self._pending if not self._walked_on(turn, t)]
            added = None
            if self._open and cycles is not None and cycles[i, 0] > 0:
                added = cycles[i].copy()
                self._sums += added
                self._cycles += 1
                if len(self._open) == 1:
                    self._first_cycle = added
            self._after = []
            self._open.append(float(t))
            self._turned.append(0.0 if turned is None else float(turned[i]))
            self._prominence.append(float("nan") if prominence is None else float(prominence[i]))
            self._recent.append(added)
        for turn in pending:
            self._add_turn(turn)
        return closed

    def break_here(self) -> list[Bout]:
        """The samples stopped (a gap or the end): close the open bout."""
        return self._close()


def group_bouts(step_times_s: FloatArray, params: BoutParams = DEFAULT_BOUT_PARAMS) -> list[Bout]:
    """All bouts in one run of steps with no sample gap inside."""
    builder = BoutBuilder(params)
    bouts = builder.add_steps(step_times_s.tolist())
    bouts.extend(builder.break_here())
    return bouts
