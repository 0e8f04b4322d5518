"""Step detection on evenly sampled acceleration that includes gravity.

Orientation independence: the signal is the acceleration *magnitude*, which does not change
when the phone turns in a pocket, hand or bag. Gravity (the constant part) and jitter are
removed by a band-pass around walking step frequencies; each step is one peak
(``scipy.signal.find_peaks``) that stands out from its surroundings by a prominence scaled to
the local signal level, where that level shows movement at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, find_peaks, sosfiltfilt

from retrowalk.motion.errors import InvalidParameterError
from retrowalk.motion.recording import FloatArray


@dataclass(frozen=True)
class StepParams:
    """Tunable parameters of step detection. How they were chosen: docs/motion.md."""

    band_low_hz: float = 0.6
    """Lowest step frequency kept (36 steps/min): slow, careful backward walking."""
    band_high_hz: float = 3.0
    """Highest step frequency kept (180 steps/min)."""
    filter_order: int = 4
    min_step_interval_s: float = 0.3
    """Two steps closer than this are one step (200 steps/min)."""
    level_window_s: float = 2.0
    """Window of the moving RMS that sets the local signal level."""
    relative_prominence: float = 0.6
    """A step peak must stand out by this fraction of the local RMS level."""
    min_level_m_s2: float = 0.4
    """Below this moving RMS (m/s²) the device is taken to be still: no steps."""
    prominence_window_s: float = 2.0
    """Prominence is measured within this window, so it stays local (and streamable)."""

    def validate(self) -> None:
        """Raise :class:`InvalidParameterError` for a setting that cannot work."""
        if not 0 < self.band_low_hz < self.band_high_hz:
            raise InvalidParameterError(
                "band_low_hz/band_high_hz",
                (self.band_low_hz, self.band_high_hz),
                "0 < low < high",
            )
        positive = {
            "min_step_interval_s": self.min_step_interval_s,
            "level_window_s": self.level_window_s,
            "relative_prominence": self.relative_prominence,
            "min_level_m_s2": self.min_level_m_s2,
            "prominence_window_s": self.prominence_window_s,
        }
        for name, value in positive.items():
            if not np.isfinite(value) or value <= 0:
                raise InvalidParameterError(name, value, "a number above 0")

    @property
    def context_s(self) -> float:
        """How far (s) a sample's result depends on its neighbours; streaming pads by more."""
        settle_s = 8.0 / self.band_low_hz
        return settle_s + self.level_window_s + self.prominence_window_s


DEFAULT_STEP_PARAMS = StepParams()


@lru_cache(maxsize=16)
def _band_pass(low_hz: float, high_hz: float, order: int, rate_hz: float) -> NDArray[np.float64]:
    sos: NDArray[np.float64] = butter(
        order, [low_hz, high_hz], btype="bandpass", fs=rate_hz, output="sos"
    )
    return sos


def step_signal(xyz: FloatArray, rate_hz: float, params: StepParams) -> FloatArray:
    """The band-passed acceleration magnitude in which each step is one peak."""
    magnitude = np.linalg.norm(xyz, axis=1)
    sos = _band_pass(params.band_low_hz, params.band_high_hz, params.filter_order, rate_hz)
    if magnitude.size <= 3 * (2 * sos.shape[0] + 1):
        return np.zeros_like(magnitude)
    filtered: FloatArray = sosfiltfilt(sos, magnitude)
    return filtered


def local_level(signal: FloatArray, rate_hz: float, params: StepParams) -> FloatArray:
    """Moving RMS of the step signal (m/s²) over ``level_window_s``."""
    size = max(1, round(params.level_window_s * rate_hz))
    mean_square: FloatArray = uniform_filter1d(signal * signal, size=size, mode="nearest")
    return np.sqrt(np.maximum(mean_square, 0.0))


def detect_step_indices(
    xyz: FloatArray, rate_hz: float, params: StepParams = DEFAULT_STEP_PARAMS
) -> NDArray[np.intp]:
    """Sample indices of steps in evenly sampled, gravity-including acceleration (m/s²)."""
    if xyz.shape[0] < 3:
        return np.empty(0, dtype=np.intp)
    signal = step_signal(xyz, rate_hz, params)
    level = local_level(signal, rate_hz, params)
    moving = level >= params.min_level_m_s2
    peaks, _ = find_peaks(
        signal,
        distance=max(1, round(params.min_step_interval_s * rate_hz)),
        prominence=params.relative_prominence * level,
        wlen=max(3, round(params.prominence_window_s * rate_hz) | 1),
    )
    kept: NDArray[np.intp] = peaks[moving[peaks]].astype(np.intp)
    return kept
