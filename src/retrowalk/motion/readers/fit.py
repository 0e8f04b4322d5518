"""Garmin FIT activity files, decoded with ``fitdecode``.

A FIT activity holds ``record`` messages (``timestamp``, ``position_lat``/``position_long``
in semicircles, ``enhanced_speed``/``speed`` in m/s, ``enhanced_altitude``/``altitude``).
Watches rarely store raw acceleration in it, so a FIT recording usually carries a GPS track
only: distance and speed are measured, steps are not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import fitdecode
import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.readers.phyphox import gps_track
from retrowalk.motion.recording import Recording

SEMICIRCLE_TO_DEG = 180.0 / 2**31
"""FIT stores positions in semicircles: degrees = value × 180 / 2³¹ (FIT profile)."""


def _value(message: fitdecode.FitDataMessage, *names: str) -> object:
    for name in names:
        if message.has_field(name):
            value = message.get_value(name)
            if value is not None:
                return value
    return None


def read_fit(path: Path) -> Recording:
    """The GPS track (and device) of a FIT activity file."""
    times: list[float] = []
    lats: list[float] = []
    lons: list[float] = []
    alts: list[float] = []
    speeds: list[float] = []
    device: str | None = None
    try:
        with fitdecode.FitReader(
            str(path),
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.RAISE,
        ) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "file_id" and device is None:
                    maker = _value(frame, "manufacturer")
                    product = _value(frame, "garmin_product", "product")
                    device = " ".join(str(p) for p in (maker, product) if p is not None) or None
                if frame.name != "record":
                    continue
                stamp = _value(frame, "timestamp")
                lat = _value(frame, "position_lat")
                lon = _value(frame, "position_long")
                if not isinstance(stamp, datetime) or lat is None or lon is None:
                    continue
                alt = _value(frame, "enhanced_altitude", "altitude")
                speed = _value(frame, "enhanced_speed", "speed")
                times.append(stamp.replace(tzinfo=stamp.tzinfo or UTC).timestamp())
                lats.append(float(lat) * SEMICIRCLE_TO_DEG)  # type: ignore[arg-type]
                lons.append(float(lon) * SEMICIRCLE_TO_DEG)  # type: ignore[arg-type]
                alts.append(float(alt) if isinstance(alt, int | float) else np.nan)
                speeds.append(float(speed) if isinstance(speed, int | float) else np.nan)
    except fitdecode.FitHeaderError as exc:
        raise RecordingFormatError(path, f"this is not a FIT file ({exc})") from None
    except fitdecode.FitCRCError:
        raise RecordingFormatError(path, "the FIT checksum is wrong: the file is damaged") from None
    except fitdecode.FitEOFError:
        raise RecordingFormatError(path, "the FIT file ends too early: it is truncated") from None
    except (fitdecode.FitError, OSError) as exc:
        raise RecordingFormatError(path, f"the FIT data cannot be decoded ({exc})") from None
    if not times:
        raise RecordingFormatError(path, "the FIT file has no record messages with a position")
    origin = times[0]
    t = np.asarray(times, dtype=np.float64) - origin
    track = gps_track(
        t,
        np.asarray(lats),
        np.asarray(lons),
        np.asarray(alts) if not np.all(np.isnan(alts)) else None,
        np.asarray(speeds) if not np.all(np.isnan(speeds)) else None,
    )
    return Recording(
        source=path.name,
        source_format="fit",
        gps=track,
        start_utc=datetime.fromtimestamp(origin, tz=UTC),
        device=device,
    )
