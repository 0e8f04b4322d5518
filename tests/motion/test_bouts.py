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


def test_impossible_bout_settings_are_refused() -> None:
    with pytest.raises(InvalidParameterError, match="min_steps"):
        BoutBuilder(BoutParams(min_steps=1))
    with pytest.raises(InvalidParameterError, match="max_step_gap_s"):
        BoutBuilder(BoutParams(max_step_gap_s=0))
