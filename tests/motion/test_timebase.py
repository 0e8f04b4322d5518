"""Timestamps, units, sorting and resampling: the hygiene every reader relies on."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from retrowalk.motion.errors import InvalidParameterError, RecordingError
from retrowalk.motion.recording import STANDARD_GRAVITY_M_S2, normalise_placement
from retrowalk.motion.timebase import (
    guess_numeric_unit,
    iso_to_seconds,
    numeric_to_seconds,
    resample_segment,
    sort_and_dedup,
    split_at_gaps,
    to_m_s2,
    uniform_segments,
)

times = arrays(
    np.float64,
    st.integers(0, 60),
    elements=st.floats(-1e4, 1e4, allow_nan=False).map(lambda v: round(v, 2)),
)


@given(times)
def test_sort_and_dedup_is_sorted_unique_and_idempotent(t: np.ndarray) -> None:
    values = np.arange(t.size, dtype=np.float64)
    once_t, (once_v,) = sort_and_dedup(t, values)
    twice_t, (twice_v,) = sort_and_dedup(once_t, once_v)
    assert np.all(np.diff(once_t) > 0)
    assert set(once_t.tolist()) == set(t.tolist())
    np.testing.assert_array_equal(once_t, twice_t)
    np.testing.assert_array_equal(once_v, twice_v)
    # the first row with a repeated time is the one kept
    for time, value in zip(once_t, once_v, strict=True):
        assert value == float(np.flatnonzero(t == time)[0])


@settings(deadline=None)
@given(
    st.floats(0.5, 120.0),
    st.sampled_from([25.0, 50.0, 100.0]),
    st.floats(5.0, 200.0),
    st.integers(0, 2**32 - 1),
)
def test_resampling_preserves_duration(
    duration_s: float, rate_hz: float, source_hz: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    n = max(2, int(duration_s * source_hz))
    t = np.sort(rng.uniform(0, duration_s, n))
    t[0], t[-1] = 0.0, duration_s
    t, _ = sort_and_dedup(t)
    xyz = rng.normal(size=(t.size, 3))
    segment = resample_segment(t, xyz, rate_hz)
    assert segment.t0_s == 0.0
    assert abs(segment.duration_s - duration_s) < 1.0 / rate_hz
    # linear interpolation never leaves the range of the samples
    assert segment.xyz.max() <= xyz.max() + 1e-12
    assert segment.xyz.min() >= xyz.min() - 1e-12


def test_resampling_keeps_a_linear_signal_exact() -> None:
    t = np.array([0.0, 0.013, 0.05, 0.061, 0.1, 0.17, 0.2])
    xyz = np.column_stack([t * 2, -t, np.full_like(t, 9.81)])
    segment = resample_segment(t, xyz, 100.0)
    grid = np.arange(21) / 100.0
    np.testing.assert_allclose(segment.xyz[:, 0], grid * 2, atol=1e-12)
    np.testing.assert_allclose(segment.xyz[:, 2], 9.81)


def test_gaps_split_the_recording_into_segments() -> None:
    t = np.concatenate([np.arange(0, 10, 0.02), np.arange(15, 20, 0.02)])
    assert split_at_gaps(t, 0.5) == [(0, 500), (500, 750)]
    segments = uniform_segments(t, np.ones((t.size, 3)), 50.0, 0.5)
    assert [round(s.t0_s, 6) for s in segments] == [0.0, 15.0]


@pytest.mark.parametrize(
    ("values", "unit"),
    [
        (np.array([1.7e18, 1.7e18 + 1e7]), "ns"),  # epoch ns
        (np.array([1.7e12, 1.7e12 + 10]), "ms"),  # epoch ms
        (np.array([1.7e9, 1.7e9 + 0.01]), "s"),  # epoch s
        (np.array([583718602288785.0, 583718622014098.0, 583718641739411.0]), "ns"),  # boot
        (np.array([1000.0, 1010.0, 1020.0]), "ms"),
        (np.array([0.0, 0.01, 0.02]), "s"),
        (np.array([0.0, 1.0, 2.0]), "s"),  # a 1 Hz GPS in seconds
    ],
)
def test_numeric_time_units_are_recognised(values: np.ndarray, unit: str) -> None:
    assert guess_numeric_unit(values) == unit


def test_epoch_nanoseconds_keep_precision_and_origin() -> None:
    raw = np.array([1_773_480_600_000_000_000, 1_773_480_600_000_000_123], dtype=np.int64)
    stamps = numeric_to_seconds(raw, "auto")
    assert stamps.t_s[1] == pytest.approx(123e-9, abs=1e-12)
    assert stamps.origin_utc is not None
    assert stamps.origin_utc.isoformat() == "2026-03-14T09:30:00+00:00"


def test_iso_timestamps_become_seconds() -> None:
    stamps = iso_to_seconds(["2026-03-14T09:30:00Z", "2026-03-14T10:30:00.5+01:00"])
    np.testing.assert_allclose(stamps.t_s, [0.0, 0.5])


def test_unknown_time_unit_is_refused_by_name() -> None:
    with pytest.raises(InvalidParameterError, match="time unit"):
        numeric_to_seconds(np.array([0.0, 1.0]), "fortnights")


@given(arrays(np.float64, (20, 3), elements=st.floats(-1.5, 1.5)))
def test_g_and_m_s2_give_the_same_acceleration(noise: np.ndarray) -> None:
    in_g = noise * 0.1 + np.array([0.0, 0.0, 1.0])
    np.testing.assert_allclose(to_m_s2(in_g, "auto"), in_g * STANDARD_GRAVITY_M_S2)
    in_m_s2 = in_g * STANDARD_GRAVITY_M_S2
    np.testing.assert_array_equal(to_m_s2(in_m_s2, "auto"), in_m_s2)


def test_ambiguous_acceleration_unit_asks_for_it() -> None:
    with pytest.raises(RecordingError, match="give the unit"):
        to_m_s2(np.full((10, 3), 0.01), "auto")
    with pytest.raises(InvalidParameterError, match="acceleration unit"):
        to_m_s2(np.ones((2, 3)), "auto", includes_gravity=False)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("ArmBand", "armband"),
        ("Armband", "armband"),
        ("BackPocket", "back_pocket"),
        ("Backpocket", "back_pocket"),
        ("InHand", "in_hand"),
        ("Swinging arm", "swinging_arm"),
        ("Ankle Strap", "ankle_strap"),
    ],
)
def test_placement_spellings_are_normalised(raw: str, canonical: str) -> None:
    assert normalise_placement(raw) == canonical
