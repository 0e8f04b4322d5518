"""Sensor Logger exports (tszheichoi): a zip of per-sensor CSVs, or the JSON export.

Every sensor file has ``time`` (UNIX epoch, nanoseconds, UTC) and ``seconds_elapsed``, then
its own columns, read by header name (``x,y,z`` for motion sensors, which the app writes in
the order ``z,y,x``). ``Accelerometer`` has gravity removed; Android also writes
``TotalAcceleration`` (with gravity); on iOS gravity is in ``Gravity``. Unless the recording
was made with "Standardise Units & Frames" (Metadata ``standardisation``), iOS acceleration
has the opposite sign on every axis to Android; it is converted to the Android convention.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.readers.common import clean_acceleration, clean_series
from retrowalk.motion.readers.phyphox import gps_track
from retrowalk.motion.readers.table import (
    Dialect,
    parse_numeric_block,
    read_text,
    read_zip_member,
    split_header,
)
from retrowalk.motion.recording import FloatArray, Recording, SensorSeries
from retrowalk.motion.timebase import numeric_to_seconds

Columns = dict[str, FloatArray]
_WANTED = ("Accelerometer", "TotalAcceleration", "Gravity", "Gyroscope", "Location")


def _csv_columns(source: str, text: str) -> Columns:
    lines = text.splitlines()
    if not lines:
        raise RecordingFormatError(source, "the file is empty")
    columns = split_header(lines[0], ",")
    if "time" not in columns:
        raise RecordingFormatError(source, "the header has no 'time' column", line=1)
    data = parse_numeric_block(
        source, lines[1:], first_line_number=2, columns=columns, dialect=Dialect(",", ".")
    )
    return {name: data[:, i] for i, name in enumerate(columns)}


def _metadata_csv(text: str) -> dict[str, str]:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return {}
    header = split_header(lines[0], ",")
    values = split_header(lines[1], ",")
    return {k.strip().lower(): v.strip() for k, v in zip(header, values, strict=False)}


def read_sensor_logger(path: Path) -> Recording:
    """A Sensor Logger zip (per-sensor CSVs) or JSON export."""
    if zipfile.is_zipfile(path):
        return _read_zip(path)
    return _read_json(path)


def is_sensor_logger_zip(names: list[str]) -> bool:
    """A zip whose members include Sensor Logger's per-sensor files."""
    bases = {n.rsplit("/", 1)[-1] for n in names}
    sensor_files = {"TotalAcceleration.csv", "Accelerometer.csv", "Gravity.csv"}
    return "Metadata.csv" in bases or bool(bases & sensor_files)


def _read_zip(path: Path) -> Recording:
    sensors: dict[str, Columns] = {}
    metadata: dict[str, str] = {}
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise RecordingFormatError(path, f"the zip archive is damaged ({exc})") from None
    with archive:
        for name in archive.namelist():
            base = name.rsplit("/", 1)[-1]
            stem = base.removesuffix(".csv")
            if stem == "Metadata":
                metadata = _metadata_csv(read_zip_member(path, archive, name))
            elif stem in _WANTED:
                source = f"{path.name}/{name}"
                sensors[stem] = _csv_columns(source, read_zip_member(path, archive, name))
    return _build(path, sensors, metadata)


def _read_json(path: Path) -> Recording:
    try:
        records = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise RecordingFormatError(
            path, f"the JSON is malformed ({exc.msg})", line=exc.lineno
        ) from None
    except RecursionError:
        raise RecordingFormatError(path, "the JSON nests too deeply to be read") from None
    except ValueError:  # a number with thousands of digits
        raise RecordingFormatError(path, "the JSON holds a number too long to read") from None
    if not isinstance(records, list):
        raise RecordingFormatError(path, "expected a JSON array of sensor records")
    rows: dict[str, list[dict[str, object]]] = {}
    metadata: dict[str, str] = {}
    for record in records:
        if not isinstance(record, dict) or "sensor" not in record:
            raise RecordingFormatError(path, "every JSON record needs a 'sensor' field")
        sensor = str(record["sensor"])
        if sensor == "Metadata":
            metadata = {str(k).lower(): str(v) for k, v in record.items()}
        elif sensor in _WANTED:
            rows.setdefault(sensor, []).append(record)
    sensors: dict[str, Columns] = {}
    for sensor, items in rows.items():
        names = [k for k in items[0] if k != "sensor"]
        columns: Columns = {}
        for name in names:
            values = np.empty(len(items), dtype=np.float64)
            for i, item in enumerate(items):
                try:
                    values[i] = float(str(item[name]))
                except (KeyError, ValueError):
                    raise RecordingFormatError(
                        path,
                        f"{sensor} record {i + 1} has no number in {name!r}",
                        column=name,
                    ) from None
            columns[name] = values
        sensors[sensor] = columns
    return _build(path, sensors, metadata)


def _xyz(source: str, sensor: str, cols: Columns) -> FloatArray:
    missing = [a for a in "xyz" if a not in cols]
    if missing:
        raise RecordingFormatError(source, f"{sensor} lacks the column(s) {', '.join(missing)}")
    return np.column_stack([cols["x"], cols["y"], cols["z"]])


def _build(path: Path, sensors: dict[str, Columns], metadata: dict[str, str]) -> Recording:
    source = path.name
    motion = [s for s in ("TotalAcceleration", "Accelerometer") if s in sensors]
    if not motion and "Location" not in sensors:
        raise RecordingFormatError(
            path, "no TotalAcceleration, Accelerometer or Location data was found"
        )
    firsts = [cols["time"][0] for cols in sensors.values() if cols["time"].size]
    if not firsts:
        raise RecordingFormatError(path, "every sensor file is empty")
    origin_ns = min(firsts)

    def seconds(cols: Columns) -> FloatArray:
        stamps = numeric_to_seconds(np.concatenate(([origin_ns], cols["time"])), "ns")
        return stamps.t_s[1:]

    platform = metadata.get("platform", "").lower()
    standardised = metadata.get("standardisation", "").lower() == "true"
    sign = -1.0 if platform == "ios" and not standardised else 1.0

    acc: SensorSeries | None = None
    with_gravity = True
    if "TotalAcceleration" in sensors:
        cols = sensors["TotalAcceleration"]
        acc = clean_acceleration(
            source,
            "TotalAcceleration",
            seconds(cols),
            sign * _xyz(source, "TotalAcceleration", cols),
        )
    elif "Accelerometer" in sensors:
        cols = sensors["Accelerometer"]
        t = seconds(cols)
        linear = sign * _xyz(source, "Accelerometer", cols)
        if "Gravity" in sensors:
            g_cols = sensors["Gravity"]
            g_series = clean_series(
                source, "Gravity", seconds(g_cols), sign * _xyz(source, "Gravity", g_cols)
            )
            gravity = np.column_stack(
                [np.interp(t, g_series.t_s, g_series.xyz[:, k]) for k in range(3)]
            )
            acc = clean_acceleration(source, "Accelerometer + Gravity", t, linear + gravity)
        else:
            acc = clean_acceleration(source, "Accelerometer", t, linear)
            with_gravity = False
    gyro = None
    if "Gyroscope" in sensors:
        cols = sensors["Gyroscope"]
        gyro = clean_series(source, "Gyroscope", seconds(cols), _xyz(source, "Gyroscope", cols))
    gps = None
    if "Location" in sensors:
        cols = sensors["Location"]
        if "latitude" not in cols or "longitude" not in cols:
            raise RecordingFormatError(path, "Location lacks latitude/longitude columns")
        speed = cols.get("speed")
        if speed is not None:
            speed = np.where(speed < 0, np.nan, speed)  # negative means invalid (UNITS.md)
        gps = gps_track(
            seconds(cols), cols["latitude"], cols["longitude"], cols.get("altitude"), speed
        )
    start = numeric_to_seconds(np.array([origin_ns, origin_ns]), "ns").origin_utc
    return Recording(
        source=source,
        source_format="sensor-logger",
        acc_m_s2=acc,
        acc_includes_gravity=with_gravity,
        gyro_rad_s=gyro,
        gps=gps,
        start_utc=start,
        device=metadata.get("device name") or None,
        metadata={
            k: v
            for k, v in metadata.items()
            if k in ("platform", "standardisation", "version", "appversion")
        },
    )
