"""Any delimited text file with a time column and three acceleration columns.

The caller names the columns (a :class:`ColumnMapping`); without one, common names are
tried (``time``/``timestamp``, ``x``/``acc_x``/``ax`` …). Timestamps may be seconds,
milliseconds, microseconds, nanoseconds or ISO-8601; acceleration may be in g or m/s².
Three more columns may hold a gyroscope (``gyro_x (rad/s)`` …; the unit must be stated:
:mod:`~retrowalk.motion.readers.gyro_columns`); they share the acceleration's rows and are
read in the same pass.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from retrowalk.motion.errors import InvalidParameterError, RecordingFormatError
from retrowalk.motion.readers.blocks import TextBlock, iter_blocks, open_bytes, split_first_lines
from retrowalk.motion.readers.gyro_columns import GYRO_UNITS, GyroColumns, find_gyro_columns
from retrowalk.motion.readers.source import (
    GyroCollector,
    RawBlock,
    RecordingSource,
    collect,
    joint_rows,
)
from retrowalk.motion.readers.table import Dialect, sniff_dialect
from retrowalk.motion.recording import STANDARD_GRAVITY_M_S2, FloatArray, Recording
from retrowalk.motion.timebase import (
    SECONDS_PER_UNIT,
    TIME_UNITS,
    epoch_unit,
    guess_numeric_unit,
    looks_like_g,
    parse_iso,
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
    gyro: tuple[str, str, str] | None = None
    """The gyroscope's x, y, z columns; ``None``: recognised by name, where there are any."""
    gyro_unit: str = "auto"
    """``rad/s`` or ``deg/s`` where the header does not say; ``auto``: the header says."""

    def validate(self) -> None:
        """Raise :class:`InvalidParameterError` for an unknown unit."""
        if self.time_unit not in TIME_UNITS:
            raise InvalidParameterError("time_unit", self.time_unit, ", ".join(TIME_UNITS))
        if self.acc_unit not in ACC_UNITS:
            raise InvalidParameterError("acc_unit", self.acc_unit, ", ".join(ACC_UNITS))
        if self.gyro_unit not in GYRO_UNITS:
            raise InvalidParameterError("gyro_unit", self.gyro_unit, ", ".join(GYRO_UNITS))


def parse_column_mapping(text: str) -> ColumnMapping:
    """``"time=ts,x=ax,y=ay,z=az[,time_unit=ms][,acc_unit=g]"`` to a :class:`ColumnMapping`,
    with ``[,gyro_x=…,gyro_y=…,gyro_z=…][,gyro_unit=rad/s|deg/s]`` for a gyroscope."""
    pairs: dict[str, str] = {}
    for item in text.split(","):
        if "=" not in item:
            raise InvalidParameterError(
                "columns", text, "key=column pairs such as time=ts,x=ax,y=ay,z=az"
            )
        key, value = (s.strip() for s in item.split("=", 1))
        pairs[key] = value
    gyro_keys = ("gyro_x", "gyro_y", "gyro_z")
    allowed = {"time", "x", "y", "z", "time_unit", "acc_unit", *gyro_keys, "gyro_unit"}
    unknown = set(pairs) - allowed
    if unknown:
        raise InvalidParameterError("columns", sorted(unknown), f"keys among {sorted(allowed)}")
    missing = [k for k in ("time", "x", "y", "z") if k not in pairs]
    if missing:
        raise InvalidParameterError("columns", text, f"also {', '.join(missing)}=<column name>")
    gyro_given = [k for k in gyro_keys if k in pairs]
    if gyro_given and len(gyro_given) < 3:
        lacking = ", ".join(k for k in gyro_keys if k not in pairs)
        raise InvalidParameterError("columns", text, f"also {lacking}=<column name>, or none")
    mapping = ColumnMapping(
        time=pairs["time"],
        x=pairs["x"],
        y=pairs["y"],
        z=pairs["z"],
        time_unit=pairs.get("time_unit", "auto"),
        acc_unit=pairs.get("acc_unit", "auto"),
        gyro=(pairs["gyro_x"], pairs["gyro_y"], pairs["gyro_z"]) if gyro_given else None,
        gyro_unit=pairs.get("gyro_unit", "auto"),
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
    )  # the gyroscope, where there is one, is found by find_gyro_columns


_EXACT_FLOAT = 2**53
"""Integers beyond this lose digits as float64 (epoch nanoseconds): read them as int64."""


@dataclass
class _Clock:
    """How the time column becomes seconds; settled on the first block of the file."""

    kind: str = ""  # "iso", "int" or "float"
    unit: str = "s"
    first_int: int = 0
    first_float: float = 0.0
    first_iso: np.datetime64 | None = None
    origin_utc: datetime | None = None
    acc_scale: float | None = None
    settled: bool = field(default=False)


@dataclass(frozen=True)
class _Columns:
    path: Path
    dialect: Dialect
    header: list[str]
    mapping: ColumnMapping
    index: dict[str, int]
    gyro: GyroColumns | None = None

    @property
    def values(self) -> list[int]:
        """The acceleration's x, y, z columns, then the gyroscope's where there is one."""
        acc = [self.index[a] for a in ("x", "y", "z")]
        return acc + ([] if self.gyro is None else list(self.gyro.index))

    @property
    def value_names(self) -> list[str]:
        acc = [self.mapping.x, self.mapping.y, self.mapping.z]
        return acc + ([] if self.gyro is None else list(self.gyro.names))


def _slow_rows(
    cols: _Columns, block: TextBlock
) -> tuple[list[str], list[int], NDArray[np.float64]]:
    """Row by row, naming the first bad line and column: times as text, their lines, and the
    acceleration's x/y/z (and the gyroscope's)."""
    times: list[str] = []
    numbers: list[int] = []
    values: list[list[float]] = []
    widest = max([*cols.index.values(), *cols.values])
    lines = block.text.splitlines()
    for offset, row in enumerate(csv.reader(lines, delimiter=cols.dialect.separator)):
        number = block.first_line + offset
        if not row or not any(f.strip() for f in row):
            continue
        if len(row) <= widest:
            raise RecordingFormatError(
                cols.path, f"the row has {len(row)} fields, fewer than the header", line=number
            )
        numbers_in_row: list[float] = []
        for column, name in zip(cols.values, cols.value_names, strict=True):
            raw = row[column].strip()
            if cols.dialect.decimal == ",":
                raw = raw.replace(",", ".")
            try:
                numbers_in_row.append(float(raw))
            except ValueError:
                raise RecordingFormatError(
                    cols.path, f"{raw!r} is not a number", line=number, column=name
                ) from None
        times.append(row[cols.index["time"]].strip())
        numbers.append(number)
        values.append(numbers_in_row)
    width = len(cols.values)
    return times, numbers, np.asarray(values, dtype=np.float64).reshape(-1, width)


def _fast_rows(cols: _Columns, block: TextBlock, clock: _Clock) -> tuple[object, FloatArray]:
    """NumPy's parser on the whole block: times (numbers, or text for ISO) and the values
    (the acceleration's x/y/z, then the gyroscope's)."""
    text = block.text.replace(",", ".") if cols.dialect.decimal == "," else block.text
    sep = cols.dialect.separator
    xyz = np.loadtxt(
        io.StringIO(text),
        delimiter=sep,
        dtype=np.float64,
        ndmin=2,
        usecols=cols.values,
        quotechar='"',
    )
    t_col = cols.index["time"]
    times: object
    if clock.kind == "iso":
        times = np.loadtxt(
            io.StringIO(block.text), delimiter=sep, dtype=str, ndmin=1, usecols=t_col, quotechar='"'
        )
    elif clock.kind == "int":
        times = np.loadtxt(
            io.StringIO(text), delimiter=sep, dtype=np.int64, ndmin=1, usecols=t_col, quotechar='"'
        )
    else:
        times = np.loadtxt(
            io.StringIO(text),
            delimiter=sep,
            dtype=np.float64,
            ndmin=1,
            usecols=t_col,
            quotechar='"',
        )
    return times, xyz


def _settle_kind(cols: _Columns, clock: _Clock, first_time: str) -> None:
    """Whether times are ISO text, exact integers or numbers, from the first data row."""
    unit = cols.mapping.time_unit
    text = first_time.replace(",", ".") if cols.dialect.decimal == "," else first_time
    if unit == "iso":
        clock.kind = "iso"
    else:
        try:
            value = float(text)
            clock.kind = "float"
            if text.lstrip("-").isdigit() and len(text) <= 18 and abs(value) >= _EXACT_FLOAT:
                clock.kind = "int"
        except ValueError:
            if unit != "auto":
                raise RecordingFormatError(
                    cols.path, f"{first_time!r} is not a time", line=2, column=cols.mapping.time
                ) from None
            clock.kind = "iso"


def _settle_acc(cols: _Columns, clock: _Clock, xyz: FloatArray) -> None:
    """The acceleration unit (g or m/s²), from the first block when it is to be guessed."""
    acc_unit = cols.mapping.acc_unit
    if acc_unit == "auto" and not cols.mapping.includes_gravity:
        raise InvalidParameterError(
            "acceleration unit", "auto", "g or m/s2 for acceleration without gravity"
        )
    if acc_unit == "auto":
        acc_unit = "g" if looks_like_g(xyz) else "m/s2"
    clock.acc_scale = STANDARD_GRAVITY_M_S2 if acc_unit == "g" else 1.0


def _iso_seconds(
    cols: _Columns, clock: _Clock, texts: list[str] | NDArray[np.str_], lines: list[int] | None
) -> FloatArray:
    strings = np.asarray(texts, dtype=str)
    stamps: NDArray[np.datetime64] | None = None
    if strings.size and bool(np.all(np.char.endswith(strings, "Z"))):
        strings = np.char.rstrip(strings, "Z")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            stamps = strings.astype("datetime64[ns]")
    except (ValueError, Warning, OverflowError):
        stamps = None
    if stamps is None:
        parsed = []
        for i, raw in enumerate(texts):
            try:
                parsed.append(np.datetime64(parse_iso(str(raw)).replace(tzinfo=None), "ns"))
            except (ValueError, OverflowError):
                line = lines[i] if lines is not None else None
                raise RecordingFormatError(
                    cols.path,
                    f"{raw!r} is not an ISO-8601 time",
                    line=line,
                    column=cols.mapping.time,
                ) from None
        stamps = np.asarray(parsed, dtype="datetime64[ns]")
    if clock.first_iso is None:
        clock.first_iso = stamps[0]
        clock.origin_utc = parse_iso(str(stamps[0]))
    seconds: FloatArray = (stamps - clock.first_iso).astype(np.float64) * 1e-9
    return seconds


def _numeric_seconds(
    cols: _Columns, clock: _Clock, times: NDArray[np.float64] | NDArray[np.int64]
) -> FloatArray:
    if not clock.settled:
        as_float = times.astype(np.float64)
        unit = cols.mapping.time_unit
        clock.unit = guess_numeric_unit(as_float) if unit == "auto" else unit
        if clock.kind == "int":
            clock.first_int = int(times[0])
        clock.first_float = float(times[0])
        if epoch_unit(clock.first_float) == clock.unit:
            scale = SECONDS_PER_UNIT[clock.unit]
            clock.origin_utc = datetime.fromtimestamp(clock.first_float * scale, tz=UTC)
    scale = SECONDS_PER_UNIT[clock.unit]
    if clock.kind == "int":
        rel: FloatArray = (times - clock.first_int).astype(np.float64) * scale
        return rel
    return (times.astype(np.float64) - clock.first_float) * scale


def _texts_to_numbers(
    cols: _Columns, clock: _Clock, texts: list[str], lines: list[int]
) -> NDArray[np.float64] | NDArray[np.int64]:
    try:
        if clock.kind == "int":
            return np.asarray([int(t) for t in texts], dtype=np.int64)
    except (ValueError, OverflowError):
        clock.kind = "float" if not clock.settled else clock.kind
    out = np.empty(len(texts), dtype=np.float64)
    for i, raw in enumerate(texts):
        try:
            out[i] = float(raw.replace(",", ".") if cols.dialect.decimal == "," else raw)
        except ValueError:
            raise RecordingFormatError(
                cols.path, f"{raw!r} is not a time", line=lines[i], column=cols.mapping.time
            ) from None
    return out


def _blocks(
    cols: _Columns, blocks: Iterator[TextBlock], clock: _Clock, gyro: GyroCollector
) -> Iterator[RawBlock]:
    """The acceleration's blocks; the gyroscope's rows, where there is one, go to ``gyro``."""
    for block in blocks:
        if not block.text.strip():
            continue
        times: object
        lines: list[int] | None = None
        xyz: FloatArray | None
        try:
            times, xyz = _fast_rows(cols, block, clock)
        except (ValueError, OverflowError):
            times, xyz = None, None
        if xyz is None:
            texts, lines, xyz = _slow_rows(cols, block)
            if not texts:
                continue
            times = texts if clock.kind == "iso" else _texts_to_numbers(cols, clock, texts, lines)
        if xyz.shape[0] == 0:
            continue
        acc = xyz[:, :3]
        if clock.acc_scale is None:
            _settle_acc(cols, clock, acc)
        if clock.kind == "iso":
            t_s = _iso_seconds(cols, clock, times, lines)  # type: ignore[arg-type]
        else:
            t_s = _numeric_seconds(cols, clock, times)  # type: ignore[arg-type]
        clock.settled = True
        assert clock.acc_scale is not None
        if cols.gyro is not None:
            rate = xyz[:, 3:] * cols.gyro.scale if cols.gyro.scale != 1.0 else xyz[:, 3:]
            t_s = joint_rows(t_s, acc, rate)
            gyro.add(t_s, rate)
        yield t_s, acc * clock.acc_scale if clock.acc_scale != 1.0 else acc
    gyro.end()


def source_generic_csv(
    path: Path, mapping: ColumnMapping | None = None, want_gyro: bool = False
) -> RecordingSource:
    """A delimited file with a time column and x/y/z acceleration columns (and a gyroscope's,
    where there is one), block by block."""
    with open_bytes(path) as raw:
        lines, _ = split_first_lines(iter_blocks(path, raw, 1 << 16), 2)
    if len(lines) < 2:
        raise RecordingFormatError(path, "expected a header line and at least one sample")
    dialect = sniff_dialect(lines[0], lines[1])
    header = [h.strip() for h in next(csv.reader([lines[0]], delimiter=dialect.separator))]
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
    found = find_gyro_columns(path, header, mapping.gyro, mapping.gyro_unit)
    cols = _Columns(path, dialect, header, mapping, index, found)
    gyro = GyroCollector(want_gyro)
    clock = _Clock()
    first_row = next(csv.reader([lines[1]], delimiter=dialect.separator), [])
    if len(first_row) > index["time"]:
        _settle_kind(cols, clock, first_row[index["time"]].strip())
    else:
        clock.kind = "float"

    def blocks() -> Iterator[RawBlock]:
        with open_bytes(path) as raw:
            _, rest = split_first_lines(iter_blocks(path, raw), 1)
            yield from _blocks(cols, rest, clock, gyro)

    def metadata() -> Recording:
        return Recording(
            source=path.name,
            source_format="csv",
            acc_includes_gravity=mapping.includes_gravity,
            gyro_rad_s=gyro.series(path.name, "gyroscope"),
            start_utc=clock.origin_utc,
        )

    return RecordingSource(
        path.name,
        blocks(),
        metadata,
        gyro_rows=None if found is None else gyro,
        gyro_what="gyroscope",
    )


def read_generic_csv(path: Path, mapping: ColumnMapping | None = None) -> Recording:
    """A delimited file with a time column and x/y/z acceleration columns (and a gyroscope's,
    where there is one)."""
    return collect(source_generic_csv(path, mapping, want_gyro=True))
