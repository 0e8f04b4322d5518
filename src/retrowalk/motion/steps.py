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
    relative_prominence: float = 0.7
    """A step peak must stand out by this fraction of the local RMS level. 0.7 (0.6 until
    issue 14): fewer jolts between steps counted on Oxford and fewer push-off peaks at the
    lower back, at the cost of a few weak final steps that the closing-step rule recovers
    (docs/motion.md, how the parameters were chosen)."""
    min_level_m_s2: float = 0.4
    """Below this moving RMS (m/s²) the device is taken to be still: no steps."""
    prominence_window_s: float = 2.0
    """Prominence is measured within this window, so it stays local (and streamable)."""
    candidate_min_level_m_s2: float = 0.1
    """Peaks too weak to be steps are still offered to the bout builder as a possible
    *closing step* (:class:`~retrowalk.motion.bouts.BoutParams`) where the moving RMS is at
    least this (m/s²) — below it the device is still and a peak is sensor noise — and where
    the step signal is above zero (a foot contact pushes the body up). This does not tell a
    closing step from the band-pass's ringing after the last step, which can peak there too
    (docs/motion.md: the rule counts the expected closing step rather than detecting it)."""

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
            "candidate_min_level_m_s2": self.candidate_min_level_m_s2,
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


def detect_peaks(
    xyz: FloatArray, rate_hz: float, params: StepParams = DEFAULT_STEP_PARAMS
) -> tuple[NDArray[np.intp], NDArray[np.bool_], FloatArray]:
    """Sample indices of the peaks of the step signal, in time order, which are steps, and
    each peak's prominence (m/s²).

    A peak is a step where the device moves (moving RMS ≥ ``min_level_m_s2``) and the peak
    stands out by ``relative_prominence`` × that level. The other peaks where the RMS is at
    least ``candidate_min_level_m_s2`` and the signal above zero come back too, flagged
    ``False``: the bout builder may count one of them as the closing step of gait
    termination, and ignores the rest. The prominence lets the bout builder tell a step as
    weak as a closing step from the bout's walking steps
    (:attr:`~retrowalk.motion.bouts.BoutParams.settled_tail`).
    """
    if xyz.shape[0] < 3:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=bool), np.empty(0)
    signal = step_signal(xyz, rate_hz, params)
    level = local_level(signal, rate_hz, params)
    peaks, properties = find_peaks(
        signal,
        distance=max(1, round(params.min_step_interval_s * rate_hz)),
        prominence=0.0,
        wlen=max(3, round(params.prominence_window_s * rate_hz) | 1),
    )
    at = level[peaks]
    is_step = (at >= params.min_level_m_s2) & (
        properties["prominences"] >= params.relative_prominence * at
    )
    keep = is_step | ((at >= params.candidate_min_level_m_s2) & (signal[peaks] > 0))
    indices: NDArray[np.intp] = peaks[keep].astype(np.intp)
    flags: NDArray[np.bool_] = is_step[keep]
    prominences: FloatArray = np.asarray(properties["prominences"][keep], dtype=np.float64)
    return indices, flags, prominences


def detect_step_indices(
    xyz: FloatArray, rate_hz: float, params: StepParams = DEFAULT_STEP_PARAMS
) -> NDArray[np.intp]:
    """Sample indices of steps in evenly sampled, gravity-including acceleration (m/s²)."""
    indices, is_step, _ = detect_peaks(xyz, rate_hz, params)
    kept: NDArray[np.intp] = indices[is_step]
    return kept
