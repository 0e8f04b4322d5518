"""Garmin FIT activity files, decoded frame by frame with ``fitdecode``.

A FIT activity holds ``record`` messages (``timestamp``, ``position_lat``/``position_long``
in semicircles, ``enhanced_speed``/``speed`` in m/s, ``enhanced_altitude``/``altitude``) and a
``session`` summary. Watches rarely store raw acceleration, so a FIT recording carries a GPS
track and, where the watch counted them, its own steps.

**Strides, not steps.** In the FIT profile that ``fitdecode`` ships (``fitdecode.profile``),
``session.total_cycles`` is called ``total_strides`` (units "strides") when the sport is
running or walking, and ``avg_cadence`` is ``avg_running_cadence`` in "strides/min". The same
profile's ``monitoring.cycles`` (units "cycles", scale 2) has the subfield ``steps`` on the
same raw value: one cycle (stride) is two steps. So steps = 2 × ``total_strides`` and
cadence in steps/min = 2 × (``avg_cadence`` + ``avg_fractional_cadence``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import fitdecode
import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.gps import GpsTotals
from retrowalk.motion.readers.phyphox import gps_track
from retrowalk.motion.readers.source import RawBlock, RecordingSource, collect
from retrowalk.motion.recording import DeviceSteps, Recording

SEMICIRCLE_TO_DEG = 180.0 / 2**31
"""FIT stores positions in semicircles: degrees = value × 180 / 2³¹ (FIT profile)."""
STEPS_PER_STRIDE = 2
"""FIT profile: ``monitoring.cycles`` (scale 2) and its ``steps`` subfield share one value."""
_FOOT_SPORTS = ("walking", "running", "hiking")
_FOLD_EVERY = 256


def _value(message: fitdecode.FitDataMessage, *names: str) -> object:
    for name in names:
        if message.has_field(name):
            value = message.get_value(name)
            if value is not None:
                return value
    return None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class _FitContent:
    """What a FIT file holds, gathered frame by frame."""

    def __init__(self, keep_track: bool) -> None:
        self.keep_track = keep_track
        self.rows: list[tuple[float, float, float, float, float]] = []
        self.totals = GpsTotals()
        self.origin: float | None = None
        self.device: str | None = None
        self.strides = 0
        self.cadence_weighted = 0.0
        self.timer_s = 0.0
        self.sessions = 0

    def record(self, frame: fitdecode.FitDataMessage) -> None:
        stamp = _value(frame, "timestamp")
        lat = _number(_value(frame, "position_lat"))
        lon = _number(_value(frame, "position_long"))
        if not isinstance(stamp, datetime) or lat is None or lon is None:
            return
        unix = stamp.replace(tzinfo=stamp.tzinfo or UTC).timestamp()
        if self.origin is None:
            self.origin = unix
        t = unix - self.origin
        lat_deg, lon_deg = lat * SEMICIRCLE_TO_DEG, lon * SEMICIRCLE_TO_DEG
        alt = _number(_value(frame, "enhanced_altitude", "altitude"))
        speed = _number(_value(frame, "enhanced_speed", "speed"))
        nan = float("nan")
        self.rows.append(
            (t, lat_deg, lon_deg, nan if alt is None else alt, nan if speed is None else speed)
        )
        if not self.keep_track and len(self.rows) >= _FOLD_EVERY:
            self.fold()

    def fold(self) -> None:
        """Add the rows held so far to the totals and forget them (streaming)."""
        if self.rows:
            rows = np.asarray(self.rows, dtype=np.float64)
            self.totals.add(rows[:, 0], rows[:, 1], rows[:, 2])
            self.rows = []

    def session(self, frame: fitdecode.FitDataMessage) -> None:
        sport = str(_value(frame, "sport") or "")
        strides = _number(_value(frame, "total_strides", "total_cycles"))
        if sport not in _FOOT_SPORTS or strides is None:
            return
        self.sessions += 1
        self.strides += int(strides)
        timer = _number(_value(frame, "total_timer_time")) or 0.0
        cadence = _number(_value(frame, "avg_running_cadence", "avg_cadence"))
        fraction = _number(_value(frame, "avg_fractional_cadence")) or 0.0
        if cadence is not None and timer > 0:
            self.cadence_weighted += (cadence + fraction) * timer
            self.timer_s += timer

    def steps(self) -> DeviceSteps | None:
        if not self.sessions:
            return None
        cadence = (
            STEPS_PER_STRIDE * self.cadence_weighted / self.timer_s if self.timer_s > 0 else None
        )
        return DeviceSteps(
            steps=STEPS_PER_STRIDE * self.strides,
            cadence_spm=cadence,
            duration_s=self.timer_s or None,
            source="FIT session total_strides × 2 (the FIT profile's strides are two steps)",
        )


def _read(path: Path, content: _FitContent) -> None:
    try:
        with fitdecode.FitReader(
            str(path),
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.RAISE,
        ) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "record":
                    content.record(frame)
                elif frame.name == "session":
                    content.session(frame)
                elif frame.name == "file_id" and content.device is None:
                    maker = _value(frame, "manufacturer")
                    product = _value(frame, "garmin_product", "product")
                    parts = [str(p) for p in (maker, product) if p is not None]
                    content.device = " ".join(parts) or None
    except fitdecode.FitHeaderError as exc:
        raise RecordingFormatError(path, f"this is not a FIT file ({exc})") from None
    except fitdecode.FitCRCError:
        raise RecordingFormatError(path, "the FIT checksum is wrong: the file is damaged") from None
    except fitdecode.FitEOFError:
        raise RecordingFormatError(path, "the FIT file ends too early: it is truncated") from None
    except (fitdecode.FitError, OSError) as exc:
        raise RecordingFormatError(path, f"the FIT data cannot be decoded ({exc})") from None
    if content.origin is None:
        raise RecordingFormatError(path, "the FIT file has no record messages with a position")


def source_fit(path: Path, want_gyro: bool = False, keep_track: bool = True) -> RecordingSource:
    """A FIT activity as a source without acceleration (its track, or only its totals)."""
    del want_gyro
    content = _FitContent(keep_track)

    def blocks() -> Iterator[RawBlock]:
        _read(path, content)
        if not keep_track:
            content.fold()
        yield from ()

    def metadata() -> Recording:
        track = None
        if keep_track:
            rows = np.asarray(content.rows, dtype=np.float64)
            alts, speeds = rows[:, 3], rows[:, 4]
            track = gps_track(
                rows[:, 0],
                rows[:, 1],
                rows[:, 2],
                None if np.all(np.isnan(alts)) else alts,
                None if np.all(np.isnan(speeds)) else speeds,
            )
        assert content.origin is not None
        return Recording(
            source=path.name,
            source_format="fit",
            gps=track,
            start_utc=datetime.fromtimestamp(content.origin, tz=UTC),
            device=content.device,
            device_steps=content.steps(),
        )

    return RecordingSource(
        path.name,
        blocks(),
        metadata,
        has_acceleration=False,
        gps_totals=None if keep_track else content.totals,
    )


def read_fit(path: Path) -> Recording:
    """The GPS track, device and (where stored) the watch's own steps of a FIT activity."""
    return collect(source_fit(path))
