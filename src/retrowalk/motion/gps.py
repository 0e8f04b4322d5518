"""Distance along a GPS track (great-circle, haversine on a spherical Earth)."""

from __future__ import annotations

import numpy as np

from retrowalk.motion.recording import FloatArray

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG); the spherical model is accurate to well under 1 % for walks."""


def track_distance_m(lat_deg: FloatArray, lon_deg: FloatArray) -> float:
    """Sum of great-circle distances between consecutive fixes, in metres."""
    if lat_deg.size < 2:
        return 0.0
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    dlat = np.diff(lat)
    dlon = np.diff(lon)
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(dlon / 2) ** 2
    return float(np.sum(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))))


class GpsTotals:
    """Distance and time of a GPS track folded fix by fix, so a long track is never held.

    Fixes are taken in file order; one that is not later than the previous one is skipped.
    """

    def __init__(self) -> None:
        self.fixes = 0
        self.first_t_s: float | None = None
        self.last_t_s: float | None = None
        self.distance_m = 0.0
        self._last: tuple[float, float] | None = None

    def add(self, t_s: FloatArray, lat_deg: FloatArray, lon_deg: FloatArray) -> None:
        """Add fixes (arrays of equal length); rows without a position are ignored."""
        ok = np.isfinite(t_s) & np.isfinite(lat_deg) & np.isfinite(lon_deg)
        t, lat, lon = t_s[ok], lat_deg[ok], lon_deg[ok]
        if t.size == 0:
            return
        later = np.ones(t.size, dtype=bool)
        previous = -np.inf if self.last_t_s is None else self.last_t_s
        running = np.maximum.accumulate(np.concatenate(([previous], t)))[:-1]
        later = t > running
        t, lat, lon = t[later], lat[later], lon[later]
        if t.size == 0:
            return
        if self._last is not None:
            lat = np.concatenate(([self._last[0]], lat))
            lon = np.concatenate(([self._last[1]], lon))
        self.distance_m += track_distance_m(lat, lon)
        self._last = (float(lat[-1]), float(lon[-1]))
        if self.first_t_s is None:
            self.first_t_s = float(t[0])
        self.last_t_s = float(t[-1])
        self.fixes += int(t.size)

    @property
    def duration_s(self) -> float:
        """Time from the first to the last fix."""
        if self.first_t_s is None or self.last_t_s is None:
            return 0.0
        return self.last_t_s - self.first_t_s
