"""The one in-memory type every reader produces: :class:`Recording`.

Whatever the source (phone app, watch, data set), a recording ends up as timestamps in
seconds, acceleration in m/s², optional angular rate in rad/s and an optional GPS track, with
the device and where it was worn. The analysis only ever sees this type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

STANDARD_GRAVITY_M_S2 = 9.80665
"""Standard gravity (the SI definition), used to convert g to m/s²."""


@dataclass(frozen=True)
class SensorSeries:
    """Samples of a 3-axis sensor: ``t_s`` (n,) strictly increasing, ``xyz`` (n, 3)."""

    t_s: FloatArray
    xyz: FloatArray

    def __post_init__(self) -> None:
        if self.t_s.ndim != 1 or self.xyz.shape != (self.t_s.shape[0], 3):
            raise ValueError(
                f"a sensor series needs n timestamps and n×3 values, got {self.t_s.shape} "
                f"and {self.xyz.shape}"
            )
        if self.t_s.size > 1 and not bool(np.all(np.diff(self.t_s) > 0)):
            raise ValueError("sensor timestamps must be strictly increasing (sort and dedup first)")

    @property
    def duration_s(self) -> float:
        """Time from the first to the last sample."""
        return float(self.t_s[-1] - self.t_s[0]) if self.t_s.size else 0.0

    @property
    def median_rate_hz(self) -> float:
        """The typical sampling rate (median of 1/Δt); 0 with fewer than two samples."""
        if self.t_s.size < 2:
            return 0.0
        return float(1.0 / np.median(np.diff(self.t_s)))


@dataclass(frozen=True)
class GpsTrack:
    """GPS fixes: time (s), latitude and longitude (degrees), optional altitude and speed."""

    t_s: FloatArray
    lat_deg: FloatArray
    lon_deg: FloatArray
    altitude_m: FloatArray | None = None
    speed_m_s: FloatArray | None = None

    def __post_init__(self) -> None:
        n = self.t_s.shape[0]
        for name in ("lat_deg", "lon_deg", "altitude_m", "speed_m_s"):
            arr = getattr(self, name)
            if arr is not None and arr.shape != (n,):
                raise ValueError(f"GPS {name} has shape {arr.shape}, expected ({n},)")
        if n > 1 and not bool(np.all(np.diff(self.t_s) > 0)):
            raise ValueError("GPS timestamps must be strictly increasing (sort and dedup first)")


@dataclass(frozen=True)
class DeviceSteps:
    """Steps a watch counted itself (a FIT session), as opposed to steps retrowalk detects.

    ``source`` names where they come from, e.g. ``"FIT session total_strides × 2"``.
    """

    steps: int
    cadence_spm: float | None
    duration_s: float | None
    source: str


@dataclass(frozen=True)
class Recording:
    """One recording from one device.

    Times are seconds since ``start_utc`` when the source says when it started, else since
    the first sample. ``acc_includes_gravity`` says whether gravity is in ``acc_m_s2``
    (the step analysis needs it to stay orientation-independent). A GPS-only source (a GPX
    track, most FIT files) has ``acc_m_s2`` set to ``None``.
    """

    source: str
    source_format: str
    acc_m_s2: SensorSeries | None = None
    acc_includes_gravity: bool = True
    gyro_rad_s: SensorSeries | None = None
    gps: GpsTrack | None = None
    start_utc: datetime | None = None
    device: str | None = None
    placement: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    device_steps: DeviceSteps | None = None
    """Steps the device counted and stored (FIT watches), when the file holds them."""

    @property
    def duration_s(self) -> float:
        """Span of the longest channel, in seconds."""
        spans = [0.0]
        if self.acc_m_s2 is not None:
            spans.append(self.acc_m_s2.duration_s)
        if self.gps is not None and self.gps.t_s.size > 1:
            spans.append(float(self.gps.t_s[-1] - self.gps.t_s[0]))
        return max(spans)


_PLACEMENTS = {
    "inhand": "in_hand",
    "hand": "in_hand",
    "frontpocket": "front_pocket",
    "backpocket": "back_pocket",
    "armband": "armband",
    "neckpouch": "neck_pouch",
    "purse": "purse",
    "bag": "bag",
    "swingingarm": "swinging_arm",
    "lowerback": "lower_back",
    "wrist": "wrist",
}


def normalise_placement(raw: str) -> str:
    """One spelling per placement: ``ArmBand``/``Armband`` → ``armband``, and so on.

    Case, spaces, hyphens and underscores are ignored; an unknown placement is kept, in
    lower case with underscores, rather than guessed.
    """
    key = re.sub(r"[\s_\-]+", "", raw).lower()
    if key in _PLACEMENTS:
        return _PLACEMENTS[key]
    return re.sub(r"[\s\-]+", "_", raw.strip()).lower()
