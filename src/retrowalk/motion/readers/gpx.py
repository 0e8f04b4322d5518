"""GPX 1.0/1.1 tracks, parsed with ``gpxpy``: a GPS track only (no steps)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import gpxpy
import gpxpy.gpx
import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.readers.phyphox import gps_track
from retrowalk.motion.readers.table import read_text
from retrowalk.motion.recording import Recording


def read_gpx(path: Path) -> Recording:
    """All track points of a GPX file that carry a time, as one GPS track."""
    try:
        doc = gpxpy.parse(read_text(path))
    except gpxpy.gpx.GPXException as exc:
        raise RecordingFormatError(path, f"the GPX is malformed ({exc})") from None
    points = [
        p
        for track in doc.tracks
        for segment in track.segments
        for p in segment.points
        if p.time is not None
    ]
    if not points:
        raise RecordingFormatError(path, "the GPX has no track points with a <time>")
    origin = min(p.time for p in points if p.time is not None)
    t = np.array([(p.time - origin).total_seconds() for p in points if p.time is not None])
    lat = np.array([p.latitude for p in points], dtype=np.float64)
    lon = np.array([p.longitude for p in points], dtype=np.float64)
    ele = np.array(
        [p.elevation if p.elevation is not None else np.nan for p in points], dtype=np.float64
    )
    track = gps_track(t, lat, lon, None if np.all(np.isnan(ele)) else ele, None)
    return Recording(
        source=path.name,
        source_format="gpx",
        gps=track,
        start_utc=origin.astimezone(UTC) if origin.tzinfo else origin.replace(tzinfo=UTC),
        device=doc.creator,
    )
