"""phyphox CSV exports: a zip with one ``<set>.csv`` per export set plus ``meta/``, or one bare CSV.

Column names come verbatim from the experiment (``"Time (s)"``, ``"Acceleration x (m/s^2)"``,
``"Linear Acceleration x (m/s^2)"``, ``"Gyroscope x (rad/s)"``, ``"Latitude (°)"`` …). The
separator (comma, tab, semicolon) and decimal mark (point or comma) vary with the export
variant and are sniffed. ``meta/time.csv`` maps experiment time to wall-clock time.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.readers.common import clean_acceleration, clean_series
from retrowalk.motion.readers.table import (
    parse_numeric_block,
    read_text,
    read_zip_member,
    sniff_dialect,
    split_header,
)
from retrowalk.motion.recording import FloatArray, GpsTrack, Recording, SensorSeries
from retrowalk.motion.timebase import sort_and_dedup, to_m_s2

_TIME = re.compile(r"^time \(s\)$", re.IGNORECASE)
_ACC = re.compile(r"^(linear )?acceleration ([xyz]) \((m/s\^2|g)\)$", re.IGNORECASE)
_GYRO = re.compile(r"^gyroscope ([xyz]) \(rad/s\)$", re.IGNORECASE)
_GPS = {
    "lat": re.compile(r"^latitude \(°\)$", re.IGNORECASE),
    "lon": re.compile(r"^longitude \(°\)$", re.IGNORECASE),
    "alt": re.compile(r"^altitude \(m\)$", re.IGNORECASE),
    "speed": re.compile(r"^speed \(m/s\)$", re.IGNORECASE),
}


@dataclass
class _Parts:
    acc: SensorSeries | None = None
    acc_with_gravity: bool = True
    gyro: SensorSeries | None = None
    gps: GpsTrack | None = None


def looks_like_phyphox_header(header: str) -> bool:
    """A header with phyphox's quoted ``"Time (s)"`` first column."""
    return header.lstrip("\ufeff").startswith('"Time (s)"')


def _time_column_for(columns: list[str], first: int) -> int | None:
    """The last ``Time (s)`` column before ``first`` (each buffer has its own time column)."""
    for i in range(first, -1, -1):
        if _TIME.match(columns[i]):
            return i
    return None


def _read_set(source: str, text: str, parts: _Parts) -> None:
    lines = text.splitlines()
    if not lines:
        raise RecordingFormatError(source, "the file is empty")
    dialect = sniff_dialect(lines[0], lines[1] if len(lines) > 1 else None)
    columns = split_header(lines[0], dialect.separator)
    data = parse_numeric_block(
        source, lines[1:], first_line_number=2, columns=columns, dialect=dialect, allow_empty=True
    )

    acc_cols: dict[str, int] = {}
    linear = False
    acc_unit = "m/s2"
    gyro_cols: dict[str, int] = {}
    gps_cols: dict[str, int] = {}
    for i, name in enumerate(columns):
        if m := _ACC.match(name):
            acc_cols[m.group(2).lower()] = i
            linear = m.group(1) is not None
            acc_unit = "g" if m.group(3).lower() == "g" else "m/s2"
        elif m := _GYRO.match(name):
            gyro_cols[m.group(1).lower()] = i
        else:
            for key, pattern in _GPS.items():
                if pattern.match(name):
                    gps_cols[key] = i

    def series(cols: dict[str, int], what: str) -> tuple[FloatArray, FloatArray]:
        order = [cols[a] for a in "xyz"]
        t_col = _time_column_for(columns, min(order))
        if t_col is None:
            raise RecordingFormatError(source, f"no 'Time (s)' column before the {what} columns")
        return data[:, t_col], data[:, order]

    if len(acc_cols) == 3 and (parts.acc is None or (not parts.acc_with_gravity and not linear)):
        t, xyz = series(acc_cols, "acceleration")
        parts.acc = clean_acceleration(source, "acceleration", t, to_m_s2(xyz, acc_unit))
        parts.acc_with_gravity = not linear
    if len(gyro_cols) == 3 and parts.gyro is None:
        t, xyz = series(gyro_cols, "gyroscope")
        parts.gyro = clean_series(source, "gyroscope", t, xyz)
    if "lat" in gps_cols and "lon" in gps_cols and parts.gps is None:
        t_col = _time_column_for(columns, gps_cols["lat"])
        if t_col is None:
            raise RecordingFormatError(source, "no 'Time (s)' column before the GPS columns")
        parts.gps = gps_track(
            data[:, t_col],
            data[:, gps_cols["lat"]],
            data[:, gps_cols["lon"]],
            data[:, gps_cols["alt"]] if "alt" in gps_cols else None,
            data[:, gps_cols["speed"]] if "speed" in gps_cols else None,
        )


def gps_track(
    t_s: FloatArray,
    lat: FloatArray,
    lon: FloatArray,
    alt: FloatArray | None,
    speed: FloatArray | None,
) -> GpsTrack | None:
    """A clean GPS track (fixes without position dropped, sorted, deduplicated)."""
    ok = np.isfinite(t_s) & np.isfinite(lat) & np.isfinite(lon)
    extras = [a[ok] for a in (alt, speed) if a is not None]
    t, cols = sort_and_dedup(t_s[ok], lat[ok], lon[ok], *extras)
    if t.size == 0:
        return None
    rest = list(cols[2:])
    alt_out = rest.pop(0) if alt is not None else None
    speed_out = rest.pop(0) if speed is not None else None
    return GpsTrack(t, cols[0], cols[1], alt_out, speed_out)


def _start_from_time_csv(source: str, text: str) -> datetime | None:
    """The wall-clock time of experiment time 0, from ``meta/time.csv``'s START event."""
    lines = text.splitlines()
    if len(lines) < 2:
        return None
    dialect = sniff_dialect(lines[0], lines[1])
    header = [h.lower() for h in split_header(lines[0], dialect.separator)]
    if "event" not in header or "system time" not in header or "experiment time" not in header:
        return None
    for number, line in enumerate(lines[1:], start=2):
        fields = split_header(line, dialect.separator)
        if len(fields) != len(header) or fields[header.index("event")].upper() != "START":
            continue
        try:
            system_s = float(fields[header.index("system time")].replace(dialect.decimal, "."))
            experiment_s = float(
                fields[header.index("experiment time")].replace(dialect.decimal, ".")
            )
        except ValueError:
            raise RecordingFormatError(
                source, "the START time is not a number", line=number, column="system time"
            ) from None
        return datetime.fromtimestamp(system_s - experiment_s, tz=UTC)
    return None


def _device_from_csv(text: str) -> str | None:
    lines = text.splitlines()
    if len(lines) < 2:
        return None
    dialect = sniff_dialect(lines[0], None)
    props = {}
    for line in lines[1:]:
        fields = split_header(line, dialect.separator)
        if len(fields) == 2:
            props[fields[0].replace(" ", "").lower()] = fields[1]
    # property names vary by app version ("deviceModel", "device model"): compare loosely
    parts = [props.get("devicebrand", ""), props.get("devicemodel", "")]
    name = " ".join(p for p in parts if p).strip()
    return name or None


def _finish(path: Path, parts: _Parts, start: datetime | None, device: str | None) -> Recording:
    if parts.acc is None and parts.gps is None:
        raise RecordingFormatError(
            path,
            "no acceleration columns ('Acceleration x (m/s^2)' …) or GPS columns were found; "
            "for other column names use the generic CSV format with a column mapping",
        )
    return Recording(
        source=path.name,
        source_format="phyphox",
        acc_m_s2=parts.acc,
        acc_includes_gravity=parts.acc_with_gravity,
        gyro_rad_s=parts.gyro,
        gps=parts.gps,
        start_utc=start,
        device=device,
    )


def read_phyphox(path: Path) -> Recording:
    """A phyphox export: the zip (all sets) or one bare CSV."""
    if zipfile.is_zipfile(path):
        return _read_zip(path)
    parts = _Parts()
    _read_set(path.name, read_text(path), parts)
    return _finish(path, parts, None, None)


def _read_zip(path: Path) -> Recording:
    parts = _Parts()
    start = None
    device = None
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise RecordingFormatError(path, f"the zip archive is damaged ({exc})") from None
    with archive:
        names = archive.namelist()
        for name in sorted(names):
            base = name.rsplit("/", 1)[-1].lower()
            if not base.endswith(".csv"):
                continue
            text = read_zip_member(path, archive, name)
            if base == "time.csv" and "meta/" in name.lower():
                start = _start_from_time_csv(f"{path.name}/{name}", text)
            elif base == "device.csv" and "meta/" in name.lower():
                device = _device_from_csv(text)
            else:
                _read_set(f"{path.name}/{name}", text, parts)
    return _finish(path, parts, start, device)
