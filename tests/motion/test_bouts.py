"""Grouping steps into bouts, whole or fed chunk by chunk."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrowalk.motion.bouts import BoutBuilder, BoutParams, group_bouts, make_bout
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
