"""Readers: every supported export to one :class:`~retrowalk.motion.recording.Recording`.

:func:`read_recording` picks the reader from the file's content (or the format the caller
names). Each reader raises :class:`~retrowalk.motion.errors.RecordingError` with one sentence
(file, line, column) for a file it cannot read.
"""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Callable
from pathlib import Path

from retrowalk.motion.errors import (
    InvalidParameterError,
    RecordingError,
    RecordingFormatError,
    UnknownFormatError,
)
from retrowalk.motion.readers.datasets import is_oxford_folder, read_ipol, read_oxford
from retrowalk.motion.readers.fit import read_fit
from retrowalk.motion.readers.generic_csv import ColumnMapping, read_generic_csv
from retrowalk.motion.readers.gpx import read_gpx
from retrowalk.motion.readers.phyphox import looks_like_phyphox_header, read_phyphox
from retrowalk.motion.readers.sensor_logger import is_sensor_logger_zip, read_sensor_logger
from retrowalk.motion.recording import Recording

FORMATS = ("auto", "phyphox", "sensor-logger", "fit", "gpx", "csv", "oxford", "ipol")

_READERS: dict[str, Callable[[Path], Recording]] = {
    "phyphox": read_phyphox,
    "sensor-logger": read_sensor_logger,
    "fit": read_fit,
    "gpx": read_gpx,
    "oxford": read_oxford,
    "ipol": read_ipol,
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


def read_recording(
    path: Path, fmt: str = "auto", columns: ColumnMapping | None = None
) -> Recording:
    """Read any supported recording; ``fmt`` overrides detection, ``columns`` maps a CSV."""
    if fmt not in FORMATS:
        raise InvalidParameterError("format", fmt, ", ".join(FORMATS))
    if not path.exists():
        raise RecordingFormatError(path, "there is no such file or folder")
    if not path.is_file() and not path.is_dir():  # e.g. /dev/zero: it would never end
        raise RecordingFormatError(path, NOT_A_FILE)
    if columns is not None and fmt not in ("auto", "csv"):
        raise InvalidParameterError("columns", "a column mapping", "only with the csv format")
    chosen = "csv" if columns is not None else detect_format(path) if fmt == "auto" else fmt
    try:
        if chosen == "csv":
            return read_generic_csv(path, columns)
        return _READERS[chosen](path)
    except (RecordingFormatError, UnknownFormatError, InvalidParameterError):
        raise
    except RecordingError as exc:  # a content problem found below the reader: name the file
        raise RecordingFormatError(path, str(exc)) from None


__all__ = ["FORMATS", "ColumnMapping", "detect_format", "read_recording"]
