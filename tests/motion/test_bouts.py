"""Grouping steps into bouts, whole or fed chunk by chunk."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrowalk.motion.bouts import (
    BoutBuilder,
    BoutParams,
    group_bouts,
    make_bout,
    split_steps,
    without_split_steps,
)
from retrowalk.motion.errors import InvalidParameterError


def test_pause_longer_than_the_limit_splits_bouts_and_short_runs_are_dropped() -> None:
    steps = np.array([0.0, 0.5, 1.0, 1.5, 2.0, 5.0, 5.5, 9.0, 9.6, 10.2, 10.8])
    bouts = group_bouts(steps, BoutParams(max_step_gap_s=2.0, min_steps=4))
    assert [(b.start_s, b.end_s, b.steps) for b in bouts] == [(0.0, 2.0, 5), (9.0, 10.8, 4)]


def test_cadence_counts_intervals_between_steps() -> None:
    bout = make_bout(np.arange(0.0, 10.01, 0.5))  # 21 steps, 20 intervals over 10 s
    assert bout.cadence_spm == pytest.approx(120.0)
    assert bout.confidence == pytest.approx(1.0)


def test_irregular_steps_have_lower_confidence() -> None:
    regular = make_bout(np.arange(0, 10, 0.5))
    jolts = make_bout(np.array([0.0, 0.3, 1.9, 2.1, 3.5, 3.6, 5.0, 5.9]))
    assert jolts.confidence < 0.6 < regular.confidence


@given(
    st.lists(st.floats(0.05, 4.0), min_size=1, max_size=80),
    st.lists(st.integers(1, 10), min_size=1, max_size=20),
)
def test_feeding_steps_in_chunks_gives_the_same_bouts(
    intervals: list[float], chunk_sizes: list[int]
) -> None:
    steps = np.cumsum(intervals)
    whole = group_bouts(steps)
    builder = BoutBuilder()
    chunked = []
    i = 0
    sizes = iter(chunk_sizes * (len(steps) + 1))
    while i < len(steps):
        n = next(sizes)
        chunked += builder.add_steps(steps[i : i + n].tolist())
        i += n
    chunked += builder.break_here()
    assert [(b.start_s, b.end_s, b.steps) for b in chunked] == [
        (b.start_s, b.end_s, b.steps) for b in whole
    ]


def _feed(builder: BoutBuilder, times: list[float], is_step: list[bool], sizes: list[int]):  # type: ignore[no-untyped-def]
    bouts, i = [], 0
    chunk = iter(sizes * (len(times) + 1))
    while i < len(times):
        n = next(chunk)
        bouts += builder.add_steps(times[i : i + n], None, np.asarray(is_step[i : i + n]))
        i += n
    return bouts + builder.break_here()


def test_the_closing_step_of_gait_termination_is_counted_once() -> None:
    """Stopping brings the trailing foot beside the other: one weak peak a step after the
    last step is that closing step; weak peaks elsewhere, or later ones, are not steps."""
    steps = [float(t) for t in np.arange(0.0, 5.01, 0.5)]  # 11 steps, 0.5 s apart
    weak = [1.7, 5.2, 5.45, 6.0]  # inside the bout; too soon; the closing step; one more
    times = sorted(steps + weak)
    flags = [t in steps for t in times]
    (bout,) = _feed(BoutBuilder(), times, flags, [len(times)])
    assert bout.steps == 12
    assert bout.end_s == 5.45
    (without,) = _feed(BoutBuilder(BoutParams(closing_window=(0.0, 0.0))), times, flags, [99])
    assert without.steps == 11


def test_no_closing_step_too_late_after_the_last_step_or_for_a_run_too_short() -> None:
    steps = [0.0, 0.5, 1.0, 1.5, 2.0]
    (bout,) = _feed(BoutBuilder(), [*steps, 2.0 + 0.5 * 1.6], [True] * 5 + [False], [6])
    assert bout.steps == 5  # 1.6 × the median interval: a later movement, not the step
    assert _feed(BoutBuilder(), [0.0, 0.5, 1.0, 1.4], [True, True, True, False], [4]) == []


def _feed_prominent(builder: BoutBuilder, peaks: list[tuple[float, bool, float]], size: int):  # type: ignore[no-untyped-def]
    bouts = []
    for i in range(0, len(peaks), size):
        chunk = peaks[i : i + size]
        times = [t for t, _, _ in chunk]
        flags = np.asarray([is_step for _, is_step, _ in chunk])
        prominence = np.asarray([p for _, _, p in chunk])
        bouts += builder.add_steps(times, None, flags, prominence=prominence)
    return bouts + builder.break_here()


def test_steps_after_the_walker_has_settled_are_not_walking() -> None:
    """The walk stops with a step as weak as a closing step; a jolt off the rhythm after it,
    and the weak peak after that, are the walker settling: not steps, and no closing step
    is added after the weak one (it is the closing step)."""
    walk = [(0.5 * i, True, 2.0) for i in range(10)]  # 0 … 4.5 s, prominence 2 m/s²
    stop = [(5.0, True, 0.2), (5.3, False, 0.1)]  # a step a tenth as strong; a weak peak
    settle = [(5.8, True, 2.5), (6.25, False, 0.1)]  # 1.6 × the interval later; weak again
    for size in (1, 3, 99):
        (bout,) = _feed_prominent(BoutBuilder(), walk + stop + settle, size)
        assert bout.steps == 11
        assert bout.end_s == 5.0
    off = BoutBuilder(BoutParams(settled_tail=(0.0, 0.0)))
    (bout,) = _feed_prominent(off, walk + stop + settle, 99)
    assert (bout.steps, bout.end_s) == (13, 6.25)  # the jolt, and a closing step after it


def test_a_weak_step_in_the_rhythm_or_a_strong_step_off_it_keeps_the_walk_going() -> None:
    walk = [(0.5 * i, True, 2.0) for i in range(10)]
    in_rhythm = [(5.0, True, 0.2), (5.5, True, 2.0), (5.8, False, 0.1)]
    (bout,) = _feed_prominent(BoutBuilder(), walk + in_rhythm, 99)
    assert (bout.steps, bout.end_s) == (13, 5.8)  # with its closing step
    strong = [(5.0, True, 1.0), (5.8, True, 2.0), (6.25, False, 0.1)]
    (bout,) = _feed_prominent(BoutBuilder(), walk + strong, 99)
    assert (bout.steps, bout.end_s) == (13, 6.25)
    long_tail = [(5.0, True, 0.2), *((5.8 + 0.5 * i, True, 2.0) for i in range(4))]
    (bout,) = _feed_prominent(BoutBuilder(), walk + long_tail, 99)
    assert bout.steps == 15  # four steps after the pause: walking again, not settling


def test_without_prominences_the_settled_tail_rule_does_not_apply() -> None:
    times = [0.5 * i for i in range(11)] + [5.8]
    (bout,) = _feed(BoutBuilder(), times, [True] * 12, [99])
    assert bout.steps == 12


@given(
    st.lists(st.tuples(st.floats(0.05, 2.5), st.booleans()), min_size=1, max_size=80),
    st.lists(st.integers(1, 10), min_size=1, max_size=20),
)
def test_steps_and_weak_peaks_fed_in_chunks_give_the_same_bouts(
    peaks: list[tuple[float, bool]], chunk_sizes: list[int]
) -> None:
    times = np.cumsum([dt for dt, _ in peaks]).tolist()
    flags = [is_step for _, is_step in peaks]
    whole = _feed(BoutBuilder(), times, flags, [len(times)])
    chunked = _feed(BoutBuilder(), times, flags, chunk_sizes)
    assert [b.step_times_s.tolist() for b in chunked] == [b.step_times_s.tolist() for b in whole]
    for bout in whole:  # at most one weak peak per bout, and only as its last step
        weak = [t for t in bout.step_times_s.tolist() if not flags[times.index(t)]]
        assert weak in ([], [bout.end_s])


def test_impossible_bout_settings_are_refused() -> None:
    with pytest.raises(InvalidParameterError, match="min_steps"):
        BoutBuilder(BoutParams(min_steps=1))
    with pytest.raises(InvalidParameterError, match="max_step_gap_s"):
        BoutBuilder(BoutParams(max_step_gap_s=0))
    with pytest.raises(InvalidParameterError, match="closing_window"):
        BoutBuilder(BoutParams(closing_window=(1.5, 0.5)))
    with pytest.raises(InvalidParameterError, match="settled_tail"):
        BoutBuilder(BoutParams(settled_tail=(0.15, 0.9)))
    with pytest.raises(InvalidParameterError, match="settled_tail"):
        BoutBuilder(BoutParams(settled_tail=(0.0, 1.4)))


@given(
    st.floats(0.4, 1.2),
    st.lists(st.floats(-0.03, 0.03), min_size=7, max_size=60),
    st.data(),
)
def test_a_jolt_that_splits_a_step_interval_leaves_the_bout(
    interval: float, jitter: list[float], data: st.DataObject
) -> None:
    """Walking at any rhythm, with jolts halfway-ish through some intervals (never the first
    or last, never two in a row, fewer than a quarter of them): the bout is the walking."""
    steps = np.cumsum([interval * (1 + j) for j in jitter])
    n = steps.size
    inside = list(range(1, n - 2, 2))  # interval k runs from step k to k + 1
    chosen = data.draw(st.lists(st.sampled_from(inside), unique=True, max_size=(n - 1) // 4))
    fractions = data.draw(st.lists(st.floats(0.3, 0.7), min_size=len(chosen), max_size=len(chosen)))
    jolts = [
        steps[k] + f * (steps[k + 1] - steps[k]) for k, f in zip(chosen, fractions, strict=True)
    ]
    (bout,) = group_bouts(np.sort(np.concatenate((steps, jolts))))
    np.testing.assert_allclose(bout.step_times_s, steps)
    (plain,) = group_bouts(steps)
    np.testing.assert_allclose(plain.step_times_s, steps)


@given(st.lists(st.floats(0.05, 1.9), min_size=1, max_size=60))
def test_only_a_peak_inside_one_interval_is_split_off_and_never_the_ends(
    intervals: list[float],
) -> None:
    steps = np.cumsum(intervals).tolist()
    params = BoutParams()
    split = split_steps(steps, params)
    median = float(np.median(np.diff(steps))) if len(steps) > 1 else 0.0
    assert all(0 < j < len(steps) - 1 for j in split)
    assert all(b - a >= 2 for a, b in itertools.pairwise(split))
    short, total = params.split_step
    for j in split:
        before, after = steps[j] - steps[j - 1], steps[j + 1] - steps[j]
        assert before < short * median
        assert after < short * median
        assert before + after <= total * median
    turned = [1.0] * len(steps)
    kept, kept_turned = without_split_steps(steps, turned, params)
    assert len(kept) == len(steps) - len(split)
    assert sum(kept_turned) == pytest.approx(sum(turned))  # the angle turned is kept


def test_the_split_step_rule_can_be_turned_off() -> None:
    steps = [0.0, 0.5, 1.0, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5]
    assert split_steps(steps, BoutParams()) == [4]
    assert split_steps(steps, BoutParams(split_step=(0.0, 0.0))) == []
    with pytest.raises(InvalidParameterError, match="split_step"):
        BoutParams(split_step=(0.9, 0.5)).validate()
