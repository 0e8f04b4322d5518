"""Turns from the angular rate: orientation-free, streamable, absent without a gyroscope."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from retrowalk.motion import Recording, analyze, detect_bouts
from retrowalk.motion.analysis import DEFAULT_SETTINGS
from retrowalk.motion.bouts import Bout, BoutBuilder, BoutParams
from retrowalk.motion.errors import RecordingError
from retrowalk.motion.phases import Phase, check_directions, split_by_phase
from retrowalk.motion.readers.datasets import read_ipol
from retrowalk.motion.streaming import StreamingAnalyzer
from retrowalk.motion.turns import (
    DEFAULT_TURN_PARAMS,
    Turn,
    TurnTracker,
    fill_pivots,
    gyro_at,
    turn_signals,
    yaw_rate,
)

RATE_HZ = 50.0


def _turning_in_place(seconds: float = 20.0) -> tuple[np.ndarray, np.ndarray]:
    """Gravity along z with some sway; a 3-s turn at 1 rad/s about gravity from t = 8 s."""
    t = np.arange(0, seconds, 1 / RATE_HZ)
    acc = np.column_stack([0.3 * np.sin(6 * t), 0.2 * np.cos(5 * t), 9.81 + np.sin(9 * t)])
    gyro = np.zeros_like(acc)
    gyro[:, 2] = np.where((t >= 8) & (t < 11), 1.0, 0.0)
    gyro[:, 0] = 0.2 * np.sin(4 * t)  # sway about a horizontal axis is not yaw
    return acc, gyro


def test_yaw_rate_does_not_depend_on_how_the_sensor_is_turned() -> None:
    acc, gyro = _turning_in_place()
    rotation = Rotation.from_euler("xyz", [40, -70, 125], degrees=True).as_matrix()
    turned = yaw_rate(acc @ rotation.T, gyro @ rotation.T, RATE_HZ)
    np.testing.assert_allclose(turned, yaw_rate(acc, gyro, RATE_HZ), atol=1e-9)


def test_a_turn_is_found_with_its_angle_and_stays_the_same_fed_in_pieces() -> None:
    acc, gyro = _turning_in_place()
    yaw, smooth = turn_signals(acc, gyro, RATE_HZ, DEFAULT_TURN_PARAMS)
    level = np.full(yaw.size, 0.3)
    whole = TurnTracker(0.0, RATE_HZ, DEFAULT_TURN_PARAMS)
    turns = whole.push(0, smooth, yaw, level) + whole.finish()
    assert len(turns) == 1
    assert turns[0].angle_rad == pytest.approx(3.0, abs=0.3)
    assert 7.0 < turns[0].start_s < 8.0 < 11.0 < turns[0].end_s < 12.0
    pieces = TurnTracker(0.0, RATE_HZ, DEFAULT_TURN_PARAMS)
    found: list[Turn] = []
    for a, b in ((0, 7), (7, 420), (420, 421), (421, 600), (600, yaw.size)):
        found += pieces.push(a, smooth[a:b], yaw[a:b], level[a:b])
    assert found + pieces.finish() == turns


def test_a_still_device_or_a_small_turn_is_no_turn_on_the_spot() -> None:
    acc, gyro = _turning_in_place()
    yaw, smooth = turn_signals(acc, gyro, RATE_HZ, DEFAULT_TURN_PARAMS)
    still = TurnTracker(0.0, RATE_HZ, DEFAULT_TURN_PARAMS)
    assert still.push(0, smooth, yaw, np.zeros(yaw.size)) + still.finish() == []
    small = TurnTracker(0.0, RATE_HZ, DEFAULT_TURN_PARAMS)
    level = np.full(yaw.size, 0.3)
    assert small.push(0, smooth / 4, yaw / 4, level) + small.finish() == []


def test_a_pivot_interval_that_turns_half_round_gets_its_hidden_steps() -> None:
    steps = [0.0, 0.5, 1.0, 1.5, 3.0, 3.5, 4.0]  # 1.5 s = 3 intervals, turning 2.5 rad
    turned = [0.0, 0.1, 0.1, 0.1, 2.5, 0.1, 0.1]
    filled = fill_pivots(steps, turned, DEFAULT_TURN_PARAMS)
    assert filled == pytest.approx([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0])
    straight = [0.0, 0.1, 0.1, 0.1, 0.3, 0.1, 0.1]  # a long interval without a turn: a pause
    assert fill_pivots(steps, straight, DEFAULT_TURN_PARAMS) == steps


def test_a_turn_on_the_spot_away_from_walking_counts_its_duration() -> None:
    builder = BoutBuilder()
    walk = [float(t) for t in np.arange(0.0, 5.01, 0.5)]
    inside = Turn(1.0, 4.0, 2.0, 4.02)  # turned while walking: the bout's own steps count
    away = Turn(10.0, 13.0, 3.0, 13.02)  # 2 s of turning after the 1-s window: 4 steps
    bouts = builder.add_steps(walk, turns=[inside, away]) + builder.break_here()
    assert [(b.kind, b.steps) for b in bouts] == [("walking", 11), ("turn", 4)]
    assert bouts[1].direction.label == "unknown"
    assert bouts[1].step_times_s == pytest.approx([10.375, 11.125, 11.875, 12.625])


def test_a_walker_who_turns_round_as_she_stops_gets_the_turn_steps_after_her_last_step() -> None:
    """The turn began during the last steps (until issue 14's last change it was taken for
    walking and counted nothing): its part after the last step counts, one step every full
    0.5 s from the last step to the turn's end less half the 1-s window."""
    builder = BoutBuilder()
    walk = [float(t) for t in np.arange(0.0, 5.01, 0.5)]
    turning = Turn(4.0, 8.0, 2.0, 8.02)  # turning from 4.5 s, 0.5 s before the last step
    bouts = builder.add_steps(walk, turns=[turning]) + builder.break_here()
    assert [(b.kind, b.steps) for b in bouts] == [("walking", 11), ("turn", 5)]
    assert bouts[1].step_times_s == pytest.approx([5.5, 6.0, 6.5, 7.0, 7.5])


def test_a_turn_that_begins_just_after_the_last_step_is_not_told_from_the_walking() -> None:
    """Within 0.5 s after the last step (a phone taken out of a pocket as the walker
    stops, as well as a turn) nothing is counted, as before."""
    builder = BoutBuilder()
    walk = [float(t) for t in np.arange(0.0, 5.01, 0.5)]
    beside = Turn(5.2, 8.0, 2.0, 8.02)
    bouts = builder.add_steps(walk, turns=[beside]) + builder.break_here()
    assert [(b.kind, b.steps) for b in bouts] == [("walking", 11)]


def test_a_turn_between_two_stretches_of_walking_counts_no_steps_of_its_own() -> None:
    """Walking on within 2 s (the bout's pause limit) of the turn's end makes it the U-turn
    of a walk there and back, not a turn on the spot after stopping."""
    builder = BoutBuilder()
    there = [float(t) for t in np.arange(0.0, 5.01, 0.5)]
    back = [float(t) for t in np.arange(9.0, 14.01, 0.5)]
    turn = Turn(4.0, 8.0, 2.0, 8.02)
    bouts = builder.add_steps(there + back, turns=[turn]) + builder.break_here()
    assert [(b.kind, b.steps) for b in bouts] == [("walking", 11), ("walking", 11)]


def test_a_few_peaks_in_the_turn_after_the_last_step_do_not_take_its_steps_away() -> None:
    """Two peaks while turning round (too few for a bout) leave the turn as it was: its part
    after the last walking step still counts (they are not a second bout of walking)."""
    builder = BoutBuilder()
    walk = [float(t) for t in np.arange(0.0, 5.01, 0.5)]
    turning = Turn(4.0, 10.0, 2.0, 10.02)  # turning from 4.5 s to 9.5 s
    bouts = builder.add_steps([*walk, 7.5, 8.0], turns=[turning]) + builder.break_here()
    assert [(b.kind, b.steps) for b in bouts] == [("walking", 11), ("turn", 9)]
    assert bouts[1].step_times_s == pytest.approx(np.arange(5.5, 9.51, 0.5))


@given(
    st.floats(0.0, 30.0),
    st.floats(0.0, 3.0),
    st.floats(0.0, 6.0),
    st.sampled_from([0.3, 0.5, 0.7, 1.0]),
)
def test_the_steps_after_walking_are_one_interval_apart_within_the_turn(
    last_s: float, before_s: float, after_s: float, interval: float
) -> None:
    params = dataclasses.replace(DEFAULT_TURN_PARAMS, step_interval_s=interval)
    turn = Turn(last_s - before_s, last_s + after_s, 2.0, last_s + after_s, after_s=last_s)
    steps = turn.steps(params)
    end = turn.end_s - params.window_s / 2
    assert steps.size == max(0, int(np.floor((end - last_s) / interval + 1e-9)))
    if steps.size:
        assert steps[0] == pytest.approx(last_s + interval)
        assert np.diff(steps) == pytest.approx(np.full(steps.size - 1, interval))
        assert steps[-1] <= end + 1e-6


def test_a_short_bout_around_a_turn_on_the_spot_is_counted_as_the_turn() -> None:
    builder = BoutBuilder()
    walk = [float(t) for t in np.arange(0.0, 5.01, 0.5)]
    shuffle = [10.0, 10.4, 10.8, 11.2, 11.6, 12.0, 12.4, 13.5]  # 8 peaks, 3 s of turning
    turn = Turn(10.1, 12.6, 2.0, 12.62)  # 1.5 s after the window: 3 steps
    bouts = builder.add_steps(walk + shuffle, turns=[turn]) + builder.break_here()
    assert [(b.kind, b.steps) for b in bouts] == [("walking", 11), ("turn", 4)]
    assert bouts[1].step_times_s[-1] == pytest.approx(13.5)  # outside the turn: kept


def test_a_shuffle_round_gets_no_closing_step() -> None:
    """The closing step ends a bout of walking; a shuffle is counted as the turn it is."""
    walk = [float(t) for t in np.arange(0.0, 5.01, 0.5)]
    shuffle = [10.0, 10.4, 10.8, 11.2, 11.6, 12.0, 12.4, 13.5]
    peaks = [*walk, *shuffle, 13.9]  # a weak peak 0.4 s (1 × the median) after the last
    flags = np.asarray([True] * (len(peaks) - 1) + [False])
    turn = Turn(10.1, 12.6, 2.0, 12.62)
    for params, steps in ((BoutParams(), 4), (BoutParams(shuffle_closing=True), 5)):
        builder = BoutBuilder(params)
        bouts = builder.add_steps(peaks, None, flags, turns=[turn]) + builder.break_here()
        assert [(b.kind, b.steps) for b in bouts] == [("walking", 11), ("turn", steps)]


TURNING_TRIALS = ("4-4", "6-5", "13-4", "8-6", "5-1", "13-5")


@pytest.fixture(scope="module")
def turning_trials(ipol_dir: Path) -> list[Recording]:
    """Trials whose walkers turn on the spot after stopping (4-4, 6-5, 8-6: shuffling round
    in a short bout; 5-1, 13-5: turning round as they take their last steps) or pivot
    (13-4)."""
    return [read_ipol(ipol_dir / f"{t}_lb.txt.gz") for t in TURNING_TRIALS]


def test_without_angular_rate_the_steps_are_those_of_the_acceleration_alone(
    turning_trials: list[Recording],
) -> None:
    off = dataclasses.replace(
        DEFAULT_SETTINGS,
        turns=dataclasses.replace(DEFAULT_SETTINGS.turns, fill_ratio=0.0, step_interval_s=0.0),
    )
    for recording in turning_trials:
        no_gyro = dataclasses.replace(recording, gyro_rad_s=None)
        expected = [b.step_times_s.tolist() for b in detect_bouts(recording, off)]
        assert [b.step_times_s.tolist() for b in detect_bouts(no_gyro)] == expected


def test_the_angular_rate_finds_the_turns_the_acceleration_misses(
    turning_trials: list[Recording],
) -> None:
    """4-4 and 6-5: 6 annotated steps each after the trial end, turning on the spot; 13-4:
    one 2-s interval turning 2.6 rad where 3 turn steps are annotated; 8-6: 3 annotated steps
    after the trial end, where 8 peaks made a bout (measured; 4 steps until the shuffle got
    no closing step, issue 14); 5-1 and 13-5: 38 and 39 annotated steps, the last of them
    while the walker turns round, which began during her last steps (measured: the turn's
    part after the last step counts one step; before, the whole turn counted none and the
    trials were one step short)."""
    steps = [[(b.kind, b.steps) for b in detect_bouts(recording)] for recording in turning_trials]
    assert steps == [
        [("walking", 30), ("turn", 6)],
        [("walking", 32), ("turn", 4)],
        [("walking", 37)],
        [("walking", 36), ("turn", 3)],
        [("walking", 37), ("turn", 1)],
        [("walking", 38), ("turn", 1)],
    ]


@settings(max_examples=5, deadline=None)
@given(
    st.lists(st.integers(1, 3000), min_size=1, max_size=20),
    st.integers(0, len(TURNING_TRIALS) - 1),
)
def test_any_chunking_with_angular_rate_gives_the_whole_signal_result(
    turning_trials: list[Recording], sizes: list[int], which: int
) -> None:
    recording = turning_trials[which]
    acc, gyro = recording.acc_m_s2, gyro_at(recording)
    assert acc is not None
    assert gyro is not None
    analyzer = StreamingAnalyzer()
    bouts: list[Bout] = []
    start, i = 0, 0
    while start < acc.t_s.size:
        stop = start + sizes[i % len(sizes)]
        bouts += analyzer.feed(acc.t_s[start:stop], acc.xyz[start:stop], gyro[start:stop])
        start, i = stop, i + 1
    bouts += analyzer.finish()
    whole = detect_bouts(recording)
    assert [(b.kind, b.steps) for b in bouts] == [(b.kind, b.steps) for b in whole]
    for x, y in zip(bouts, whole, strict=True):
        np.testing.assert_allclose(x.step_times_s, y.step_times_s, atol=1e-9)


def test_a_stream_has_angular_rate_in_every_chunk_or_in_none() -> None:
    analyzer = StreamingAnalyzer()
    analyzer.feed(np.arange(5.0), np.ones((5, 3)), np.zeros((5, 3)))
    with pytest.raises(RecordingError, match="every chunk"):
        analyzer.feed(np.arange(5.0, 10.0), np.ones((5, 3)))


def test_a_turn_cut_by_a_phase_stays_a_turn_and_is_not_checked_for_direction(
    turning_trials: list[Recording],
) -> None:
    analysis = analyze(turning_trials[0])  # 4-4: walking to 19.3 s, a turn of 6 steps after
    turn = next(r.bout for r in analysis.bouts if r.bout.kind == "turn")
    middle = float(np.median(turn.step_times_s))
    phases = [Phase("walk", 0.0, middle, "forward"), Phase("after", middle, 40.0, "backward")]
    reports = split_by_phase(analysis, phases)
    assert [b.bout.kind for b in reports[1].bouts] == ["turn"]
    assert check_directions(reports).counts == {("forward", "forward"): 1}
