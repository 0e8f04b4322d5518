"""Sensor Logger exports (tszheichoi): a zip of per-sensor CSVs, or the JSON export.

Every sensor file has ``time`` (UNIX epoch, nanoseconds, UTC) and ``seconds_elapsed``, then
its own columns, read by header name (``x,y,z`` for motion sensors, which the app writes in
the order ``z,y,x``). ``Accelerometer`` has gravity removed; Android also writes
``TotalAcceleration`` (with gravity); on iOS gravity is in ``Gravity``. Unless the recording
was made with "Standardise Units & Frames" (Metadata ``standardisation``), iOS acceleration
has the opposite sign on every axis to Android; it is converted to the Android convention.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.readers import json_records
from retrowalk.motion.readers.blocks import iter_blocks, open_member, split_first_lines
from retrowalk.motion.readers.phyphox import gps_track
from retrowalk.motion.readers.source import GyroCollector, RawBlock, RecordingSource, collect
from retrowalk.motion.readers.table import (
    Dialect,
    parse_block,
    read_zip_member,
    split_header,
)
from retrowalk.motion.recording import FloatArray, GpsTrack, Recording

_WANTED = ("Accelerometer", "TotalAcceleration", "Gravity", "Gyroscope", "Location")
_XYZ = ("x", "y", "z")
_LOCATION = ("latitude", "longitude", "altitude", "speed")

Fields = Callable[[tuple[str, ...]], Iterator[FloatArray]]
"""Blocks of the named fields of one sensor, as numbers (``time`` first)."""


@dataclass(frozen=True)
class _Sensor:
    """One sensor of an export: its fields and a way to read them in blocks."""

    name: str
    fields: list[str]
    first_time_ns: float | None
    read: Fields


def _metadata_csv(text: str) -> dict[str, str]:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return {}
    header = split_header(lines[0], ",")
    values = split_header(lines[1], ",")
    return {k.strip().lower(): v.strip() for k, v in zip(header, values, strict=False)}


def is_sensor_logger_zip(names: list[str]) -> bool:
    """A zip whose members include Sensor Logger's per-sensor files."""
    bases = {n.rsplit("/", 1)[-1] for n in names}
    sensor_files = {"TotalAcceleration.csv", "Accelerometer.csv", "Gravity.csv"}
    return "Metadata.csv" in bases or bool(bases & sensor_files)


def _zip_sensor(path: Path, name: str, member: str) -> _Sensor:
    source = f"{path.name}/{member}"
    with zipfile.ZipFile(path) as archive, open_member(path, archive, member) as raw:
        lines, _ = split_first_lines(iter_blocks(source, raw, 1 << 16), 2)
    if not lines:
        raise RecordingFormatError(source, "the file is empty")
    columns = split_header(lines[0], ",")
    if "time" not in columns:
        raise RecordingFormatError(source, "the header has no 'time' column", line=1)
    first_time = None
    if len(lines) > 1:
        cells = split_header(lines[1], ",")
        try:
            first_time = float(cells[columns.index("time")])
        except (IndexError, ValueError):
            first_time = None

    def read(fields: tuple[str, ...]) -> Iterator[FloatArray]:
        wanted = [columns.index(f) for f in fields]
        with zipfile.ZipFile(path) as archive, open_member(path, archive, member) as raw:
            _, rest = split_first_lines(iter_blocks(source, raw), 1)
            for block in rest:
                data = parse_block(
                    source,
                    block,
                    columns=columns,
                    dialect=Dialect(",", "."),
                )
                yield data[:, wanted]

    return _Sensor(name, columns, first_time, read)


def _json_sensor(path: Path, name: str, record: dict[str, object]) -> _Sensor:
    fields = [str(k) for k in record if k != "sensor"]
    try:
        first_time = float(str(record.get("time")))
    except ValueError:
        first_time = None

    def read(wanted: tuple[str, ...]) -> Iterator[FloatArray]:
        return json_records.sensor_blocks(path, name, wanted)

    return _Sensor(name, fields, first_time, read)


def _zip_sensors(path: Path) -> tuple[dict[str, _Sensor], dict[str, str]]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            metadata: dict[str, str] = {}
            members: dict[str, str] = {}
            for name in names:
                stem = name.rsplit("/", 1)[-1].removesuffix(".csv")
                if stem == "Metadata":
                    metadata = _metadata_csv(read_zip_member(path, archive, name))
                elif stem in _WANTED:
                    members[stem] = name
    except zipfile.BadZipFile as exc:
        raise RecordingFormatError(path, f"the zip archive is damaged ({exc})") from None
    return {s: _zip_sensor(path, s, m) for s, m in members.items()}, metadata


def _json_sensors(path: Path) -> tuple[dict[str, _Sensor], dict[str, str]]:
    first = json_records.survey(path)
    metadata: dict[str, str] = {}
    if "Metadata" in first:
        metadata = {str(k).lower(): str(v) for k, v in first["Metadata"].items()}
    sensors = {n: _json_sensor(path, n, r) for n, r in first.items() if n in _WANTED}
    return sensors, metadata


def _xyz_blocks(source: str, sensor: _Sensor) -> Iterator[FloatArray]:
    missing = [a for a in _XYZ if a not in sensor.fields]
    if missing:
        raise RecordingFormatError(
            source, f"{sensor.name} lacks the column(s) {', '.join(missing)}"
        )
    return sensor.read(("time", *_XYZ))


def _with_gravity(
    source: str, linear: Iterator[FloatArray], gravity: Iterator[FloatArray]
) -> Iterator[FloatArray]:
    """Accelerometer + Gravity interpolated at the accelerometer's times, both streamed."""
    held = np.empty((0, 4))
    exhausted = False
    for block in linear:
        t_last = float(np.nanmax(block[:, 0])) if block.size else -np.inf
        while not exhausted and (held.shape[0] == 0 or held[-1, 0] < t_last):
            more = next(gravity, None)
            if more is None:
                exhausted = True
                break
            more = more[np.isfinite(more).all(axis=1)]
            held = np.concatenate((held, more))
            order = np.argsort(held[:, 0], kind="stable")
            held = held[order]
            keep = np.concatenate(([True], np.diff(held[:, 0]) > 0))
            held = held[keep]
        if held.shape[0] == 0:
            raise RecordingFormatError(source, "the Gravity has fewer than two complete samples")
        total = block.copy()
        for k in range(3):
            total[:, 1 + k] += np.interp(block[:, 0], held[:, 0], held[:, 1 + k])
        t_first = float(np.nanmin(block[:, 0])) if block.size else np.inf
        before = max(0, int(np.searchsorted(held[:, 0], t_first)) - 1)
        held = held[before:]
        yield total


def _build(
    path: Path, sensors: dict[str, _Sensor], metadata: dict[str, str], want_gyro: bool
) -> RecordingSource:
    source = path.name
    motion = [s for s in ("TotalAcceleration", "Accelerometer") if s in sensors]
    if not motion and "Location" not in sensors:
        raise RecordingFormatError(
            path, "no TotalAcceleration, Accelerometer or Location data was found"
        )
    firsts = [s.first_time_ns for s in sensors.values() if s.first_time_ns is not None]
    if not firsts:
        raise RecordingFormatError(path, "every sensor file is empty")
    origin_ns = min(firsts)
    platform = metadata.get("platform", "").lower()
    standardised = metadata.get("standardisation", "").lower() == "true"
    sign = -1.0 if platform == "ios" and not standardised else 1.0
    gyro = GyroCollector(want_gyro)

    what = "acceleration"
    with_gravity = True
    raw: Iterator[FloatArray] | None = None
    if "TotalAcceleration" in sensors:
        what = "TotalAcceleration"
        raw = _xyz_blocks(source, sensors["TotalAcceleration"])
    elif "Accelerometer" in sensors:
        what = "Accelerometer"
        raw = _xyz_blocks(source, sensors["Accelerometer"])
        if "Gravity" in sensors:
            what = "Accelerometer + Gravity"
            raw = _with_gravity(source, raw, _xyz_blocks(source, sensors["Gravity"]))
        else:
            with_gravity = False

    def seconds(t_ns: FloatArray) -> FloatArray:
        return (t_ns - origin_ns) * 1e-9

    def gyro_blocks() -> Iterator[RawBlock]:
        """``Gyroscope`` (rad/s) on the acceleration's clock, read as a stream of its own."""
        for data in _xyz_blocks(source, sensors["Gyroscope"]):
            yield seconds(data[:, 0]), data[:, 1:4]

    def blocks() -> Iterator[RawBlock]:
        if want_gyro and "Gyroscope" in sensors:
            for t_s, xyz in gyro_blocks():
                gyro.add(t_s, xyz)
        if raw is not None:
            for data in raw:
                yield seconds(data[:, 0]), sign * data[:, 1:4]

    def location() -> GpsTrack | None:
        if "Location" not in sensors:
            return None
        sensor = sensors["Location"]
        if "latitude" not in sensor.fields or "longitude" not in sensor.fields:
            raise RecordingFormatError(path, "Location lacks latitude/longitude columns")
        extra = tuple(f for f in _LOCATION[2:] if f in sensor.fields)
        parts = list(sensor.read(("time", "latitude", "longitude", *extra)))
        data = np.concatenate(parts) if parts else np.empty((0, 3 + len(extra)))
        alt = data[:, 3 + extra.index("altitude")] if "altitude" in extra else None
        speed = data[:, 3 + extra.index("speed")] if "speed" in extra else None
        if speed is not None:
            speed = np.where(speed < 0, np.nan, speed)  # negative means invalid (UNITS.md)
        return gps_track(seconds(data[:, 0]), data[:, 1], data[:, 2], alt, speed)

    def recording() -> Recording:
        return Recording(
            source=source,
            source_format="sensor-logger",
            acc_includes_gravity=with_gravity,
            gyro_rad_s=gyro.series(source, "Gyroscope"),
            gps=location(),
            start_utc=datetime.fromtimestamp(origin_ns * 1e-9, tz=UTC),
            device=metadata.get("device name") or None,
            metadata={
                k: v
                for k, v in metadata.items()
                if k in ("platform", "standardisation", "version", "appversion")
            },
        )

    return RecordingSource(
        source,
        blocks(),
        recording,
        what=what,
        has_acceleration=raw is not None,
        acc_includes_gravity=with_gravity,
        gyro=gyro_blocks if "Gyroscope" in sensors else None,
        gyro_what="Gyroscope",
    )


def source_sensor_logger(path: Path, want_gyro: bool = False) -> RecordingSource:
    """A Sensor Logger zip (per-sensor CSVs) or JSON export, block by block."""
    if zipfile.is_zipfile(path):
        sensors, metadata = _zip_sensors(path)
    else:
        sensors, metadata = _json_sensors(path)
    return _build(path, sensors, metadata, want_gyro)


def read_sensor_logger(path: Path) -> Recording:
    """A Sensor Logger zip (per-sensor CSVs) or JSON export."""
    return collect(source_sensor_logger(path, want_gyro=True))
