"""GPX 1.0/1.1 tracks, parsed incrementally (``xml.etree.ElementTree.iterparse``).

Only track points with a ``<time>`` are used: a GPS track without steps. Each point is
dropped from the tree once read, so a day-long track never sits in memory as XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.gps import GpsTotals
from retrowalk.motion.readers.blocks import open_bytes
from retrowalk.motion.readers.phyphox import gps_track
from retrowalk.motion.readers.source import RawBlock, RecordingSource, collect
from retrowalk.motion.recording import Recording
from retrowalk.motion.timebase import parse_iso

_FOLD_EVERY = 256


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _GpxContent:
    def __init__(self, keep_track: bool) -> None:
        self.keep_track = keep_track
        self.rows: list[tuple[float, float, float, float]] = []
        self.totals = GpsTotals()
        self.origin: datetime | None = None
        self.creator: str | None = None

    def point(self, element: ET.Element) -> None:
        when = ele = None
        for child in element:
            name = _local(child.tag)
            if name == "time" and child.text:
                when = child.text
            elif name == "ele" and child.text:
                ele = child.text
        if when is None:
            return
        try:
            lat = float(element.attrib["lat"])
            lon = float(element.attrib["lon"])
            stamp = parse_iso(when)
            elevation = float(ele) if ele is not None else np.nan
        except (KeyError, ValueError, OverflowError) as exc:
            raise RecordingFormatError("GPX", f"a track point is malformed ({exc})") from None
        if self.origin is None:
            self.origin = stamp
        t = (stamp - self.origin).total_seconds()
        self.rows.append((t, lat, lon, elevation))
        if not self.keep_track and len(self.rows) >= _FOLD_EVERY:
            self.fold()

    def fold(self) -> None:
        if self.rows:
            rows = np.asarray(self.rows, dtype=np.float64)
            self.totals.add(rows[:, 0], rows[:, 1], rows[:, 2])
            self.rows = []


def _read(path: Path, content: _GpxContent) -> None:
    try:
        with open_bytes(path) as raw:
            stack: list[ET.Element] = []
            for event, element in ET.iterparse(raw, events=("start", "end")):
                if event == "start":
                    if not stack:
                        if _local(element.tag) != "gpx":
                            raise RecordingFormatError(path, "the GPX is malformed (no <gpx>)")
                        content.creator = element.attrib.get("creator")
                    stack.append(element)
                    continue
                stack.pop()
                if _local(element.tag) == "trkpt":
                    try:
                        content.point(element)
                    except RecordingFormatError as exc:
                        raise RecordingFormatError(path, f"the GPX is malformed ({exc})") from None
                    if stack and len(stack[-1]) > _FOLD_EVERY:
                        del stack[-1][:]  # points already read: keep the tree small
    except ET.ParseError as exc:
        raise RecordingFormatError(path, f"the GPX is malformed ({exc})") from None
    if content.origin is None:
        raise RecordingFormatError(path, "the GPX has no track points with a <time>")


def source_gpx(path: Path, want_gyro: bool = False, keep_track: bool = True) -> RecordingSource:
    """A GPX file as a source without acceleration (its track, or only its totals)."""
    del want_gyro
    content = _GpxContent(keep_track)

    def blocks() -> Iterator[RawBlock]:
        _read(path, content)
        if not keep_track:
            content.fold()
        yield from ()

    def metadata() -> Recording:
        origin = content.origin
        assert origin is not None
        track = None
        if keep_track:
            rows = np.asarray(content.rows, dtype=np.float64)
            ele = rows[:, 3]
            track = gps_track(
                rows[:, 0], rows[:, 1], rows[:, 2], None if np.all(np.isnan(ele)) else ele, None
            )
        return Recording(
            source=path.name,
            source_format="gpx",
            gps=track,
            start_utc=origin.astimezone(UTC),
            device=content.creator,
        )

    return RecordingSource(
        path.name,
        blocks(),
        metadata,
        has_acceleration=False,
        gps_totals=None if keep_track else content.totals,
    )


def read_gpx(path: Path) -> Recording:
    """All track points of a GPX file that carry a time, as one GPS track."""
    return collect(source_gpx(path))
