"""Readers: every supported export to one :class:`~retrowalk.motion.recording.Recording`.

:func:`read_recording` picks the reader from the file's content (or the format the caller
names). Each reader raises :class:`~retrowalk.motion.errors.RecordingError` with one sentence
(file, line, column) for a file it cannot read.
"""

from __future__ import annotations

import csv
import gzip
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from retrowalk.motion.errors import (
    InvalidParameterError,
    RecordingError,
    RecordingFormatError,
    UnknownFormatError,
)
from retrowalk.motion.readers.datasets import (
    is_oxford_folder,
    read_ipol,
    read_oxford,
    source_ipol,
    source_oxford,
)
from retrowalk.motion.readers.fit import read_fit, source_fit
from retrowalk.motion.readers.generic_csv import (
    ColumnMapping,
    read_generic_csv,
    source_generic_csv,
)
from retrowalk.motion.readers.gpx import read_gpx, source_gpx
from retrowalk.motion.readers.guided_json import (
    looks_like_guided_json,
    read_guided_json,
    source_guided_json,
)
from retrowalk.motion.readers.phyphox import (
    looks_like_phyphox_header,
    read_phyphox,
    source_phyphox,
)
from retrowalk.motion.readers.sensor_logger import (
    is_sensor_logger_zip,
    read_sensor_logger,
    source_sensor_logger,
)
from retrowalk.motion.readers.source import RawBlock, RecordingSource
from retrowalk.motion.recording import Recording

FORMATS = (
    "auto",
    "phyphox",
    "sensor-logger",
    "fit",
    "gpx",
    "csv",
    "oxford",
    "ipol",
    "retrowalk-json",
)

_READERS: dict[str, Callable[[Path], Recording]] = {
    "phyphox": read_phyphox,
    "sensor-logger": read_sensor_logger,
    "fit": read_fit,
    "gpx": read_gpx,
    "oxford": read_oxford,
    "ipol": read_ipol,
    "retrowalk-json": read_guided_json,
}


_SOURCES: dict[str, Callable[[Path], RecordingSource]] = {
    "phyphox": source_phyphox,
    "sensor-logger": source_sensor_logger,
    "oxford": source_oxford,
    "ipol": source_ipol,
    "retrowalk-json": source_guided_json,
}


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as handle:
            raw = handle.read(size)
        if raw[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as handle:
                raw = handle.read(size)
    except (OSError, EOFError) as exc:
        raise RecordingFormatError(path, f"the file cannot be read ({exc})") from None
    return raw


def _zip_kind(path: Path, names: list[str]) -> str | None:
    """phyphox (quoted "Time (s)" headers) or Sensor Logger (``time,`` headers, Metadata.csv)."""
    if any(n.rsplit("/", 1)[-1] == "Metadata.csv" for n in names):
        return "sensor-logger"
    csvs = [n for n in names if n.lower().endswith(".csv") and "meta/" not in n.lower()]
    if not csvs:
        return None
    with zipfile.ZipFile(path) as archive, archive.open(csvs[0]) as member:
        first = member.readline(4096).decode("utf-8", errors="replace")
    if looks_like_phyphox_header(first):
        return "phyphox"
    if first.lstrip("\ufeff").startswith("time,") and is_sensor_logger_zip(names):
        return "sensor-logger"
    return None


NOT_A_FILE = "it is not a regular file (a device or a pipe); give a recording file"


def detect_format(path: Path) -> str:
    """The format of ``path`` judged from its content (and, for FIT/GPX, its name)."""
    if path.is_dir():
        if is_oxford_folder(path):
            return "oxford"
        raise UnknownFormatError(path, "a folder is only read as an Oxford recording folder")
    if not path.is_file():
        raise RecordingFormatError(path, NOT_A_FILE)
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile as exc:
            raise RecordingFormatError(path, f"the zip archive is damaged ({exc})") from None
        kind = _zip_kind(path, names)
        if kind is not None:
            return kind
        raise UnknownFormatError(path, "the zip holds neither phyphox nor Sensor Logger CSVs")
    head = _head(path)
    if len(head) >= 12 and head[8:12] == b".FIT":
        return "fit"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    if text.startswith("<?xml") or text.startswith("<gpx"):
        if "<gpx" in text:
            return "gpx"
        raise UnknownFormatError(path, "it is XML but not GPX")
    if text.startswith("["):
        return "sensor-logger"
    if text.startswith("{"):
        if looks_like_guided_json(text):
            return "retrowalk-json"
        raise UnknownFormatError(
            path,
            "it is a JSON object but not a retrowalk guided-session recording "
            "(Sensor Logger's JSON export is an array)",
        )
    first = text.splitlines()[0] if text else ""
    if first.lower().startswith("acquisition frequency"):
        return "ipol"
    if looks_like_phyphox_header(first):
        return "phyphox"
    name = path.name.lower()
    if name.startswith("accelerometer.csv") and first.count(",") == 4:
        return "oxford"
    if not text:
        raise RecordingFormatError(path, "the file is empty")
    return "csv"


def _choose(path: Path, fmt: str, columns: ColumnMapping | None) -> str:
    if fmt not in FORMATS:
        raise InvalidParameterError("format", fmt, ", ".join(FORMATS))
    if not path.exists():
        raise RecordingFormatError(path, "there is no such file or folder")
    if not path.is_file() and not path.is_dir():  # e.g. /dev/zero: it would never end
        raise RecordingFormatError(path, NOT_A_FILE)
    if columns is not None and fmt not in ("auto", "csv"):
        raise InvalidParameterError("columns", "a column mapping", "only with the csv format")
    return "csv" if columns is not None else detect_format(path) if fmt == "auto" else fmt


def _named(path: Path, exc: RecordingError | csv.Error) -> RecordingError:
    """A content problem found below the reader, as an error that names the file.

    ``csv.Error`` (a field over the csv module's size limit, a stray quote) is the table's
    content too: it never escapes as another kind of error."""
    if isinstance(exc, csv.Error):
        return RecordingFormatError(path, f"the table is not readable as CSV ({exc})")
    if isinstance(exc, RecordingFormatError | UnknownFormatError | InvalidParameterError):
        return exc
    return RecordingFormatError(path, str(exc))


def _named_blocks(path: Path, blocks: Iterator[RawBlock]) -> Iterator[RawBlock]:
    try:
        yield from blocks
    except (RecordingError, csv.Error) as exc:
        raise _named(path, exc) from None


def open_recording(
    path: Path, fmt: str = "auto", columns: ColumnMapping | None = None
) -> RecordingSource:
    """A recording as a stream of acceleration blocks, for analysis in bounded memory.

    Like :func:`read_recording`, but nothing is held whole: the acceleration arrives in
    blocks (see :func:`retrowalk.motion.readers.source.iter_clean`), the angular rate, where
    the recording has one, in blocks of its own (``source.gyro()``; phyphox, Sensor Logger,
    IPOL and guided-session recordings), and a GPS-only file gives its totals
    (:class:`~retrowalk.motion.gps.GpsTotals`) instead of its track. Errors may also arise
    while the blocks are read.
    """
    chosen = _choose(path, fmt, columns)
    try:
        if chosen == "csv":
            source = source_generic_csv(path, columns)
        elif chosen in ("fit", "gpx"):
            opener = source_fit if chosen == "fit" else source_gpx
            source = opener(path, keep_track=False)
        else:
            source = _SOURCES[chosen](path)
    except (RecordingError, csv.Error) as exc:
        raise _named(path, exc) from None
    source.blocks = _named_blocks(path, source.blocks)
    open_gyro = source.gyro
    if open_gyro is not None:
        gyro_opener = open_gyro

        def named_gyro() -> Iterator[RawBlock]:
            try:
                blocks = gyro_opener()
            except (RecordingError, csv.Error) as exc:
                raise _named(path, exc) from None
            return _named_blocks(path, blocks)

        source.gyro = named_gyro
    metadata = source.metadata

    def named_metadata() -> Recording:
        try:
            return metadata()
        except (RecordingError, csv.Error) as exc:
            raise _named(path, exc) from None

    source.metadata = named_metadata
    return source


def read_recording(
    path: Path, fmt: str = "auto", columns: ColumnMapping | None = None
) -> Recording:
    """Read any supported recording; ``fmt`` overrides detection, ``columns`` maps a CSV."""
    chosen = _choose(path, fmt, columns)
    try:
        if chosen == "csv":
            return read_generic_csv(path, columns)
        return _READERS[chosen](path)
    except (RecordingError, csv.Error) as exc:
        raise _named(path, exc) from None


__all__ = [
    "FORMATS",
    "ColumnMapping",
    "RecordingSource",
    "detect_format",
    "open_recording",
    "read_recording",
]
