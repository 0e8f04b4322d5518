"""Reading and analysing a longer file needs no more memory: every format is streamed."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from benchmarks.motion_files import ACC_FORMATS, GPS_FORMATS, write_format

from retrowalk.motion.readers import blocks
from retrowalk.motion.streaming import analyze_file
from tests.motion.synth import walking

START_UNIX_S = 1_773_446_400.0
RATE_HZ = 50.0


def _day(minutes: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Two-minute cycles of a minute's walking and a minute's rest, as 2-minute chunks."""
    t, xyz = walking(100.0, 60.0, RATE_HZ, rest_after_s=60.0, seed=5)
    for cycle in range(minutes // 2):
        yield START_UNIX_S + cycle * 120.0 + t, xyz


def _gyro(minutes: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """A gyroscope of its own: 40 Hz, starting 0.3 s after the acceleration, a slow sway."""
    t = np.arange(0.0, 120.0, 1 / 40)
    sway = 0.05 * np.column_stack([np.sin(t), np.cos(t), np.sin(0.5 * t)])
    for cycle in range(minutes // 2):
        yield START_UNIX_S + 0.3 + cycle * 120.0 + t, sway


def _gyro_in_rows(minutes: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """A gyroscope in the acceleration's own rows (a generic CSV): a slow sway at its times."""
    for t, _ in _day(minutes):
        rel = t - t[0]
        yield t, 0.05 * np.column_stack([np.sin(rel), np.cos(rel), np.sin(0.5 * rel)])


def _peak_bytes(path: Path) -> tuple[int, int | None, bool]:
    tracemalloc.start()
    try:
        analysis = analyze_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    steps = analysis.steps if analysis.has_acceleration else None
    return peak, steps, analysis.has_angular_rate


@pytest.mark.parametrize("fmt", ACC_FORMATS + GPS_FORMATS)
def test_a_four_times_longer_file_needs_no_more_memory(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 1 << 16)  # many blocks even in a short file
    peaks = []
    for minutes in (10, 40):
        path = write_format(
            fmt, tmp_path / str(minutes), lambda m=minutes: _day(m), minutes * 60.0, START_UNIX_S
        )
        peak, steps, _ = _peak_bytes(path)
        if fmt in ACC_FORMATS:
            assert steps is not None
            assert abs(steps - 100 * minutes / 2) <= 0.03 * 100 * minutes / 2
        peaks.append(peak)
    short, long = peaks
    assert long < 1.25 * short, f"{fmt}: {short / 2**20:.2f} MiB → {long / 2**20:.2f} MiB"


@pytest.mark.parametrize("fmt", ["phyphox", "sensor-logger"])
def test_a_gyroscope_in_a_file_of_its_own_needs_no_more_memory_either(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 1 << 16)
    peaks = []
    for minutes in (10, 40):
        path = write_format(
            fmt,
            tmp_path / str(minutes),
            lambda m=minutes: _day(m),
            minutes * 60.0,
            START_UNIX_S,
            gyro=lambda m=minutes: _gyro(m),
        )
        peak, steps, angular_rate = _peak_bytes(path)
        assert angular_rate
        assert steps is not None
        assert abs(steps - 100 * minutes / 2) <= 0.03 * 100 * minutes / 2
        peaks.append(peak)
    short, long = peaks
    assert long < 1.25 * short, f"{fmt}: {short / 2**20:.2f} MiB → {long / 2**20:.2f} MiB"


def test_a_gyroscope_in_the_rows_of_a_csv_needs_no_more_memory_either(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 1 << 16)
    peaks = []
    for minutes in (10, 40):
        path = write_format(
            "csv",
            tmp_path / str(minutes),
            lambda m=minutes: _day(m),
            minutes * 60.0,
            START_UNIX_S,
            gyro=lambda m=minutes: _gyro_in_rows(m),
        )
        peak, steps, angular_rate = _peak_bytes(path)
        assert angular_rate
        assert steps is not None
        assert abs(steps - 100 * minutes / 2) <= 0.03 * 100 * minutes / 2
        peaks.append(peak)
    short, long = peaks
    assert long < 1.25 * short, f"csv: {short / 2**20:.2f} MiB → {long / 2**20:.2f} MiB"
