"""Small helpers every reader shares: building clean sensor series from raw columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.recording import FloatArray, SensorSeries
from retrowalk.motion.timebase import sort_and_dedup

MAX_PLAUSIBLE_ACC_M_S2 = 2000.0
"""About 200 g: beyond the range of any phone, watch or body-worn IMU accelerometer
(phones ±16 g, the IPOL XSens ±16 g). A larger value means a wrong unit or a corrupt file."""


def clean_series(
    source: Path | str,
    what: str,
    t_s: FloatArray,
    xyz: FloatArray,
    max_abs: float | None = None,
) -> SensorSeries:
    """Drop incomplete rows, sort by time and drop repeated times; refuse an empty result.

    With ``max_abs``, a value beyond it is refused (not clipped), naming its time.
    """
    complete = np.isfinite(t_s) & np.all(np.isfinite(xyz), axis=1)
    t, (values,) = sort_and_dedup(t_s[complete], xyz[complete])
    if t.size < 2:
        raise RecordingFormatError(source, f"the {what} has fewer than two complete samples")
    if max_abs is not None:
        beyond = np.flatnonzero(np.any(np.abs(values) > max_abs, axis=1))
        if beyond.size:
            i = int(beyond[0])
            raise RecordingFormatError(
                source,
                f"the {what} reaches {float(np.max(np.abs(values[i]))):.3g} at {t[i]:.3f} s, "
                f"beyond any motion sensor (±{max_abs:g}); check the unit",
            )
    return SensorSeries(t_s=t, xyz=values)
