"""phyphox CSV exports: a zip with one ``<set>.csv`` per export set plus ``meta/``, or one bare CSV.

Column names come verbatim from the experiment (``"Time (s)"``, ``"Acceleration x (m/s^2)"``,
``"Linear Acceleration x (m/s^2)"``, ``"Gyroscope x (rad/s)"``, ``"Latitude (°)"`` …). The
separator (comma, tab, semicolon) and decimal mark (point or comma) vary with the export
variant and are sniffed. ``meta/time.csv`` maps experiment time to wall-clock time.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.readers.blocks import (
    TextBlock,
    iter_blocks,
    open_bytes,
    open_member,
    split_first_lines,
)
from retrowalk.motion.readers.source import (
    GyroCollector,
    GyroOpener,
    RawBlock,
    RecordingSource,
    collect,
)
from retrowalk.motion.readers.table import (
    Dialect,
    parse_block,
    read_zip_member,
    sniff_dialect,
    split_header,
)
from retrowalk.motion.recording import FloatArray, GpsTrack, Recording
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
class _Layout:
    """What the columns of one export set hold."""

    columns: list[str]
    dialect: Dialect
    acc: dict[str, int] = field(default_factory=dict)
    linear: bool = False
    acc_unit: str = "m/s2"
    gyro: dict[str, int] = field(default_factory=dict)
    gps: dict[str, int] = field(default_factory=dict)

    def time_for(self, source: str, first: int, what: str) -> int:
        """The set's ``Time (s)`` column for the columns starting at ``first``."""
        t_col = _time_column_for(self.columns, first)
        if t_col is None:
            raise RecordingFormatError(source, f"no 'Time (s)' column before the {what} columns")
        return t_col


@dataclass
class _Found:
    """GPS and angular rate gathered while the sets are read."""

    gyro: GyroCollector
    gps: list[FloatArray] = field(default_factory=list)
    gps_kinds: tuple[bool, bool] = (False, False)


def looks_like_phyphox_header(header: str) -> bool:
    """A header with phyphox's quoted ``"Time (s)"`` first column."""
    return header.lstrip("\ufeff").startswith('"Time (s)"')


def _time_column_for(columns: list[str], first: int) -> int | None:
    """The last ``Time (s)`` column before ``first`` (each buffer has its own time column)."""
    for i in range(first, -1, -1):
        if _TIME.match(columns[i]):
            return i
    return None


def _layout(header: str, first_data_line: str | None) -> _Layout:
    dialect = sniff_dialect(header, first_data_line)
    layout = _Layout(split_header(header, dialect.separator), dialect)
    for i, name in enumerate(layout.columns):
        if m := _ACC.match(name):
            layout.acc[m.group(2).lower()] = i
            layout.linear = m.group(1) is not None
            layout.acc_unit = "g" if m.group(3).lower() == "g" else "m/s2"
        elif m := _GYRO.match(name):
            layout.gyro[m.group(1).lower()] = i
        else:
            for key, pattern in _GPS.items():
                if pattern.match(name):
                    layout.gps[key] = i
    if len(layout.acc) != 3:
        layout.acc = {}
    if len(layout.gyro) != 3:
        layout.gyro = {}
    if not ("lat" in layout.gps and "lon" in layout.gps):
        layout.gps = {}
    return layout


def _read_set(
    source: str,
    layout: _Layout,
    blocks: Iterator[TextBlock],
    found: _Found,
    *,
    acc: bool,
    gps: bool,
) -> Iterator[RawBlock]:
    """Read a set's blocks: yield its acceleration (when ``acc``), gather GPS and gyro."""
    acc_order = [layout.acc[a] for a in "xyz"] if acc and layout.acc else []
    acc_t = layout.time_for(source, min(acc_order), "acceleration") if acc_order else -1
    gyro_order = [layout.gyro[a] for a in "xyz"] if found.gyro.wanted and layout.gyro else []
    gyro_t = layout.time_for(source, min(gyro_order), "gyroscope") if gyro_order else -1
    gps_cols = layout.gps if gps else {}
    gps_t = layout.time_for(source, gps_cols["lat"], "GPS") if gps_cols else -1
    if gps_cols:
        found.gps_kinds = ("alt" in gps_cols, "speed" in gps_cols)
    for block in blocks:
        data = parse_block(
            source,
            block,
            columns=layout.columns,
            dialect=layout.dialect,
            allow_empty=True,
        )
        if gyro_order:
            found.gyro.add(data[:, gyro_t], data[:, gyro_order])
        if gps_cols:
            keys = ["lat", "lon"] + [k for k in ("alt", "speed") if k in gps_cols]
            fixes = data[:, [gps_t] + [gps_cols[k] for k in keys]]
            found.gps.append(fixes[np.isfinite(fixes[:, 0])])
        if acc_order:
            yield data[:, acc_t], to_m_s2(data[:, acc_order], layout.acc_unit)


def _gyro_rows(source: str, layout: _Layout, blocks: Iterator[TextBlock]) -> Iterator[RawBlock]:
    """A set's angular rate alone, block by block (the streamed gyroscope)."""
    order = [layout.gyro[a] for a in "xyz"]
    t_col = layout.time_for(source, min(order), "gyroscope")
    for block in blocks:
        data = parse_block(
            source,
            block,
            columns=layout.columns,
            dialect=layout.dialect,
            allow_empty=True,
        )
        yield data[:, t_col], data[:, order]


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


def _gps_from(found: _Found) -> GpsTrack | None:
    if not found.gps:
        return None
    fixes = np.concatenate(found.gps)
    has_alt, has_speed = found.gps_kinds
    alt = fixes[:, 3] if has_alt else None
    speed = fixes[:, 3 + int(has_alt)] if has_speed else None
    return gps_track(fixes[:, 0], fixes[:, 1], fixes[:, 2], alt, speed)


def _source(
    path: Path,
    blocks: Iterator[RawBlock],
    found: _Found,
    linear: bool,
    has_acc: bool,
    meta: Callable[[], tuple[datetime | None, str | None]],
    gyro: GyroOpener | None,
) -> RecordingSource:
    def metadata() -> Recording:
        gps = _gps_from(found)
        if not has_acc and gps is None:
            raise RecordingFormatError(
                path,
                "no acceleration columns ('Acceleration x (m/s^2)' …) or GPS columns were found; "
                "for other column names use the generic CSV format with a column mapping",
            )
        start, device = meta()
        return Recording(
            source=path.name,
            source_format="phyphox",
            acc_includes_gravity=not linear,
            gyro_rad_s=found.gyro.series(path.name, "gyroscope"),
            gps=gps,
            start_utc=start,
            device=device,
        )

    return RecordingSource(
        path.name,
        blocks,
        metadata,
        has_acceleration=has_acc,
        acc_includes_gravity=not linear,
        gyro=gyro,
        gyro_what="gyroscope",
    )


def source_phyphox(path: Path, want_gyro: bool = False) -> RecordingSource:
    """A phyphox export (the zip with all its sets, or one bare CSV), block by block."""
    if zipfile.is_zipfile(path):
        return _source_zip(path, want_gyro)
    found = _Found(GyroCollector(want_gyro))
    with open_bytes(path) as raw:
        lines, _ = split_first_lines(iter_blocks(path, raw, 1 << 16), 2)
    if not lines:
        raise RecordingFormatError(path.name, "the file is empty")
    layout = _layout(lines[0], lines[1] if len(lines) > 1 else None)
    if not layout.acc and not layout.gps:
        raise RecordingFormatError(
            path,
            "no acceleration columns ('Acceleration x (m/s^2)' …) or GPS columns were found; "
            "for other column names use the generic CSV format with a column mapping",
        )

    def blocks() -> Iterator[RawBlock]:
        with open_bytes(path) as raw:
            _, rest = split_first_lines(iter_blocks(path, raw), 1)
            yield from _read_set(path.name, layout, rest, found, acc=True, gps=True)

    def gyro() -> Iterator[RawBlock]:
        with open_bytes(path) as raw:  # the same file once more, for its gyroscope columns
            _, rest = split_first_lines(iter_blocks(path, raw), 1)
            yield from _gyro_rows(path.name, layout, rest)

    return _source(
        path,
        blocks(),
        found,
        layout.linear,
        bool(layout.acc),
        lambda: (None, None),
        gyro if layout.gyro else None,
    )


def read_phyphox(path: Path) -> Recording:
    """A phyphox export: the zip (all sets) or one bare CSV."""
    return collect(source_phyphox(path, want_gyro=True))


def _header_lines(path: Path, archive: zipfile.ZipFile, name: str) -> list[str]:
    with open_member(path, archive, name) as member:
        lines, _ = split_first_lines(iter_blocks(f"{path.name}/{name}", member, 1 << 16), 2)
    return lines


def _source_zip(path: Path, want_gyro: bool) -> RecordingSource:
    try:
        archive = zipfile.ZipFile(path)
        names = sorted(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise RecordingFormatError(path, f"the zip archive is damaged ({exc})") from None
    found = _Found(GyroCollector(want_gyro))
    meta: dict[str, str] = {}
    layouts: dict[str, _Layout] = {}
    with archive:
        for name in names:
            base = name.rsplit("/", 1)[-1].lower()
            if not base.endswith(".csv"):
                continue
            if "meta/" in name.lower() and base in ("time.csv", "device.csv"):
                meta[base] = read_zip_member(path, archive, name)
                continue
            lines = _header_lines(path, archive, name)
            if not lines:
                raise RecordingFormatError(f"{path.name}/{name}", "the file is empty")
            layouts[name] = _layout(lines[0], lines[1] if len(lines) > 1 else None)
    with_acc = [n for n, lay in layouts.items() if lay.acc]
    acc_name = next((n for n in with_acc if not layouts[n].linear), None) or next(
        iter(with_acc), None
    )
    gps_name = next((n for n, lay in layouts.items() if lay.gps), None)
    gyro_name = next((n for n, lay in layouts.items() if lay.gyro), None)
    collected = gyro_name if want_gyro else None
    others = [n for n in dict.fromkeys([gps_name, collected]) if n is not None and n != acc_name]

    def member_blocks(archive: zipfile.ZipFile, name: str) -> Iterator[RawBlock]:
        source = f"{path.name}/{name}"
        with open_member(path, archive, name) as member:
            _, rest = split_first_lines(iter_blocks(source, member), 1)
            yield from _read_set(
                source, layouts[name], rest, found, acc=name == acc_name, gps=name == gps_name
            )

    def blocks() -> Iterator[RawBlock]:
        with zipfile.ZipFile(path) as archive:
            for name in others:
                for _ in member_blocks(archive, name):
                    pass
            if acc_name is not None:
                yield from member_blocks(archive, acc_name)

    def start_and_device() -> tuple[datetime | None, str | None]:
        start = None
        if "time.csv" in meta:
            start = _start_from_time_csv(f"{path.name}/meta/time.csv", meta["time.csv"])
        device = _device_from_csv(meta["device.csv"]) if "device.csv" in meta else None
        return start, device

    def gyro(name: str) -> Iterator[RawBlock]:
        source = f"{path.name}/{name}"
        with zipfile.ZipFile(path) as archive, open_member(path, archive, name) as member:
            _, rest = split_first_lines(iter_blocks(source, member), 1)
            yield from _gyro_rows(source, layouts[name], rest)

    linear = acc_name is not None and layouts[acc_name].linear
    opener = None if gyro_name is None else lambda: gyro(gyro_name)
    return _source(path, blocks(), found, linear, acc_name is not None, start_and_device, opener)
