"""Two-file exports (acceleration, and a gyroscope in a file of its own) of a real IPOL trial.

The IPOL lower-back trials are the only recordings here with a gyroscope and turns; written as
a phyphox or Sensor Logger zip, they test what a phone export with a gyroscope gives.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from benchmarks.motion_files import write_format

from retrowalk.motion.readers.datasets import read_ipol
from retrowalk.motion.recording import FloatArray, Recording

START_UNIX_S = 1_773_446_400.0
Series = tuple[FloatArray, FloatArray]


def ipol_motion(trial: Path) -> tuple[Recording, Series, Series]:
    """A trial, its acceleration and its angular rate, as ``(t_s, xyz)``."""
    recording = read_ipol(trial)
    assert recording.acc_m_s2 is not None
    assert recording.gyro_rad_s is not None
    acc, gyro = recording.acc_m_s2, recording.gyro_rad_s
    return recording, (acc.t_s, acc.xyz), (gyro.t_s, gyro.xyz)


def resampled(series: Series, rate_hz: float, start_s: float, stop_s: float) -> Series:
    """``series`` interpolated at ``rate_hz`` from ``start_s`` to ``stop_s``: another device's
    sampling of the same motion."""
    t = np.arange(start_s, stop_s, 1.0 / rate_hz)
    xyz = np.column_stack([np.interp(t, series[0], series[1][:, a]) for a in range(3)])
    return t, xyz


def write_export(fmt: str, folder: Path, acc: Series, gyro: Series | None) -> Path:
    """A phyphox or Sensor Logger zip of ``acc`` and, in its own file, ``gyro``."""

    def acc_chunks() -> list[Series]:
        return [(START_UNIX_S + acc[0], acc[1])]

    def gyro_chunks() -> list[Series]:
        assert gyro is not None
        return [(START_UNIX_S + gyro[0], gyro[1])]

    duration_s = float(acc[0][-1] - acc[0][0])
    return write_format(
        fmt, folder, acc_chunks, duration_s, START_UNIX_S, None if gyro is None else gyro_chunks
    )
