"""Any delimited text file with a time column and three acceleration columns.

The caller names the columns (a :class:`ColumnMapping`); without one, common names are
tried (``time``/``timestamp``, ``x``/``acc_x``/``ax`` …). Timestamps may be seconds,
milliseconds, microseconds, nanoseconds or ISO-8601; acceleration may be in g or m/s².
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrowalk.motion.errors import InvalidParameterError, RecordingFormatError
from retrowalk.motion.readers.common import clean_acceleration
from retrowalk.motion.readers.table import read_text, sniff_dialect
from retrowalk.motion.recording import Recording
from retrowalk.motion.timebase import (
    TIME_UNITS,
    Timestamps,
    numeric_to_seconds,
    parse_iso,
    to_m_s2,
)

ACC_UNITS = ("auto", "m/s2", "g")
_TIME_NAMES = ("time", "timestamp", "t", "time_s", "time (s)", "seconds_elapsed", "datetime")
_AXIS_NAMES = {
    axis: (axis, f"acc_{axis}", f"a{axis}", f"accel_{axis}", f"acceleration_{axis}", f"acc{axis}")
    for axis in "xyz"
}


@dataclass(frozen=True)
class ColumnMapping:
    """Which columns hold what, and in which units."""

    time: str
    x: str
    y: str
    z: str
    time_unit: str = "auto"
    acc_unit: str = "auto"
    includes_gravity: bool = True

    def validate(self) -> None:
        """Raise :class:`InvalidParameterError` for an unknown unit."""
        if self.time_unit not in TIME_UNITS:
            raise InvalidParameterError("time_unit", self.time_unit, ", ".join(TIME_UNITS))
        if self.acc_unit not in ACC_UNITS:
            raise InvalidParameterError("acc_unit", self.acc_unit, ", ".join(ACC_UNITS))


def parse_column_mapping(text: str) -> ColumnMapping:
    """``"time=ts,x=ax,y=ay,z=az[,time_unit=ms][,acc_unit=g]"`` to a :class:`ColumnMapping`."""
    pairs: dict[str, str] = {}
    for item in text.split(","):
        if "=" not in item:
            raise InvalidParameterError(
                "columns", text, "key=column pairs such as time=ts,x=ax,y=ay,z=az"
            )
        key, value = (s.strip() for s in item.split("=", 1))
        pairs[key] = value
    allowed = {"time", "x", "y", "z", "time_unit", "acc_unit"}
    unknown = set(pairs) - allowed
    if unknown:
        raise InvalidParameterError("columns", sorted(unknown), f"keys among {sorted(allowed)}")
    missing = [k for k in ("time", "x", "y", "z") if k not in pairs]
    if missing:
        raise InvalidParameterError("columns", text, f"also {', '.join(missing)}=<column name>")
    mapping = ColumnMapping(
        time=pairs["time"],
        x=pairs["x"],
        y=pairs["y"],
        z=pairs["z"],
        time_unit=pairs.get("time_unit", "auto"),
        acc_unit=pairs.get("acc_unit", "auto"),
    )
    mapping.validate()
    return mapping


def guess_mapping(path: Path, header: list[str]) -> ColumnMapping:
    """Find the time and x/y/z columns by common names (case-insensitive)."""
    lowered = {h.strip().lower(): h for h in header}

    def pick(candidates: tuple[str, ...], what: str) -> str:
        for name in candidates:
            if name in lowered:
                return lowered[name]
        raise RecordingFormatError(
            path,
            f"no {what} column among {', '.join(header)}; name the columns with "
            "--columns time=…,x=…,y=…,z=…",
            line=1,
        )

    return ColumnMapping(
        time=pick(_TIME_NAMES, "time"),
        x=pick(_AXIS_NAMES["x"], "x acceleration"),
        y=pick(_AXIS_NAMES["y"], "y acceleration"),
        z=pick(_AXIS_NAMES["z"], "z acceleration"),
    )


def read_generic_csv(path: Path, mapping: ColumnMapping | None = None) -> Recording:
    """A delimited file with a time column and x/y/z acceleration columns."""
    text = read_text(path)
    lines = text.splitlines()
    if len(lines) < 2:
        raise RecordingFormatError(path, "expected a header line and at least one sample")
    dialect = sniff_dialect(lines[0], lines[1])
    rows = csv.reader(io.StringIO(text), delimiter=dialect.separator)
    header = [h.strip() for h in next(rows)]
    if mapping is None:
        mapping = guess_mapping(path, header)
    mapping.validate()
    index: dict[str, int] = {}
    for role in ("time", "x", "y", "z"):
        name = getattr(mapping, role)
        if name not in header:
            raise RecordingFormatError(
                path, f"there is no column {name!r} (columns: {', '.join(header)})", line=1
            )
        index[role] = header.index(name)

    times: list[str] = []
    values: list[tuple[float, float, float]] = []
    for number, fields in enumerate(rows, start=2):
        if not fields or not any(f.strip() for f in fields):
            continue
        if len(fields) <= max(index.values()):
            raise RecordingFormatError(
                path, f"the row has {len(fields)} fields, fewer than the header", line=number
            )
        triple: list[float] = []
        for role in ("x", "y", "z"):
            raw = fields[index[role]].strip()
            if dialect.decimal == ",":
                raw = raw.replace(",", ".")
            try:
                triple.append(float(raw))
            except ValueError:
                raise RecordingFormatError(
                    path, f"{raw!r} is not a number", line=number, column=getattr(mapping, role)
                ) from None
        times.append(fields[index["time"]].strip())
        values.append((triple[0], triple[1], triple[2]))
    if len(values) < 2:
        raise RecordingFormatError(path, "there are fewer than two samples")
    stamps = _timestamps(path, times, mapping, dialect.decimal)
    xyz = to_m_s2(
        np.asarray(values, dtype=np.float64),
        mapping.acc_unit,
        includes_gravity=mapping.includes_gravity,
    )
    acc = clean_acceleration(path, "acceleration", stamps.t_s, xyz)
    return Recording(
        source=path.name,
        source_format="csv",
        acc_m_s2=acc,
        acc_includes_gravity=mapping.includes_gravity,
        start_utc=stamps.origin_utc,
    )


def _timestamps(path: Path, texts: list[str], mapping: ColumnMapping, decimal: str) -> Timestamps:
    """Numeric (s/ms/us/ns, guessed when "auto") or ISO-8601 times; errors name the line."""
    unit = mapping.time_unit
    if unit == "auto":
        first = texts[0].replace(",", ".") if decimal == "," else texts[0]
        try:
            float(first)
        except ValueError:
            unit = "iso"
    if unit == "iso":
        stamps = []
        for offset, raw in enumerate(texts):
            try:
                stamps.append(parse_iso(raw))
            except ValueError:
                raise RecordingFormatError(
                    path, f"{raw!r} is not an ISO-8601 time", line=offset + 2, column=mapping.time
                ) from None
        origin = stamps[0]
        rel = np.array([(s - origin).total_seconds() for s in stamps], dtype=np.float64)
        return Timestamps(t_s=rel, origin_utc=origin)
    if all(t.lstrip("-").isdigit() and len(t) <= 18 for t in texts):
        # whole numbers (typically epoch ns/ms): keep them exact as int64
        return numeric_to_seconds(np.asarray([int(t) for t in texts], dtype=np.int64), unit)
    numbers = np.empty(len(texts), dtype=np.float64)
    for offset, raw in enumerate(texts):
        try:
            numbers[offset] = float(raw.replace(",", ".") if decimal == "," else raw)
        except ValueError:
            raise RecordingFormatError(
                path, f"{raw!r} is not a time", line=offset + 2, column=mapping.time
            ) from None
    return numeric_to_seconds(numbers, unit)
