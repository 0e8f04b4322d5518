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
