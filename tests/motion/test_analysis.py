"""Session summaries: steps, cadence, and distance/speed only when they can be known."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from retrowalk.motion import GpsTrack, Recording, SensorSeries, analyze, summarize_session
from retrowalk.motion.errors import InvalidParameterError, RecordingError
from tests.motion.synth import walking

START = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def _walk(**kwargs: object) -> Recording:
    t, xyz = walking(100.0, 60.0, 50.0, rest_before_s=10, rest_after_s=10)
    return Recording("walk", "test", SensorSeries(t, xyz), start_utc=START, **kwargs)  # type: ignore[arg-type]


def test_without_gps_or_step_length_distance_is_unknown() -> None:
    summary = summarize_session(_walk())
    assert summary.steps is not None
    assert abs(summary.steps - 100) <= 2
    assert summary.cadence_spm == pytest.approx(100.0, abs=2.0)
    assert summary.duration_min == pytest.approx(1.0, abs=0.05)
    assert summary.distance_m is None
    assert summary.speed_m_s is None
    assert not summary.distance_is_estimate
    assert summary.start is not None
    assert 9.5 <= (summary.start - START).total_seconds() <= 11


def test_a_supplied_step_length_gives_a_labelled_estimate() -> None:
    summary = summarize_session(_walk(), step_length_m=0.5)
    assert summary.steps is not None
    assert summary.distance_is_estimate
    assert summary.distance_m == pytest.approx(summary.steps * 0.5)
    assert summary.speed_m_s == pytest.approx(summary.distance_m / (summary.duration_min * 60))


def test_gps_distance_is_measured_not_estimated() -> None:
    t_gps = np.arange(0.0, 81.0)
    lat = 51.75 + np.clip(t_gps - 10, 0, 60) * 0.8 / 111_195.0  # 0.8 m/s while walking
    track = GpsTrack(t_gps, lat, np.full_like(lat, -1.25))
    summary = summarize_session(_walk(gps=track), step_length_m=0.5)
    assert not summary.distance_is_estimate
    assert summary.speed_m_s == pytest.approx(0.8, rel=0.05)


@pytest.mark.parametrize("bad", [0.0, -0.6, 3.0, float("nan")])
def test_implausible_step_length_is_refused(bad: float) -> None:
    with pytest.raises(InvalidParameterError, match="step_length_m"):
        summarize_session(_walk(), step_length_m=bad)


def test_bout_reports_mark_estimates() -> None:
    analysis = analyze(_walk(), step_length_m=0.6)
    (report,) = analysis.bouts
    assert report.distance_is_estimate
    assert report.distance_m == pytest.approx(report.bout.steps * 0.6)


def test_nothing_to_analyse_is_a_clear_error() -> None:
    with pytest.raises(RecordingError, match="neither acceleration nor a GPS track"):
        summarize_session(Recording("empty", "test"))
