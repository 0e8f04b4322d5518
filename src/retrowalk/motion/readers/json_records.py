"""Sensor Logger's JSON export read one sensor at a time, in blocks, in bounded memory.

The export is one array of flat records, ``{"sensor": "Accelerometer", "time": "…", …}``,
every value a string, grouped by sensor. A block of whole records of one sensor is turned
into delimited text (keys and quotes stripped) and parsed by NumPy at once; anything else —
a block where sensors change, a value that is not a number, odd spacing or escapes — is
decoded record by record with :mod:`json`, so an error still names the record and the field.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.readers import blocks
from retrowalk.motion.readers.blocks import open_bytes
from retrowalk.motion.recording import FloatArray

_KEY = re.compile(r'"[^"\\]*"\s*:\s*')
_BETWEEN = re.compile(r"\}\s*,\s*\{")
_SENSOR = re.compile(r'"sensor"\s*:\s*"([^"\\]*)"')
_DECODER = json.JSONDecoder()


def _texts(path: Path) -> Iterator[str]:
    """The file as decoded text pieces of about a block each (a JSON export has few lines)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    with open_bytes(path) as raw:
        while True:
            try:
                chunk = raw.read(blocks.BLOCK_BYTES)
            except (OSError, EOFError) as exc:
                raise RecordingFormatError(
                    path, f"the compressed data is damaged ({exc})"
                ) from None
            try:
                text = decoder.decode(chunk, not chunk)
            except UnicodeDecodeError:
                raise RecordingFormatError(path, "the file is not UTF-8 text") from None
            if text:
                yield text
            if not chunk:
                return


def _records(path: Path) -> Iterator[tuple[str, bool]]:
    """Text pieces of the array, each ending after a record's ``}``, in file order."""
    pending = ""
    started = False
    for piece in _texts(path):
        text = pending + piece
        if not started:
            stripped = text.lstrip()
            if not stripped:
                continue
            if not stripped.startswith("["):
                raise RecordingFormatError(path, "expected a JSON array of sensor records")
            text = stripped[1:]
            started = True
        cut = text.rfind("}")
        if cut < 0:
            pending = text
            continue
        pending = text[cut + 1 :]
        yield text[: cut + 1], True
    if not started:
        raise RecordingFormatError(path, "expected a JSON array of sensor records")
    rest = pending.strip().lstrip(",").strip()
    if rest != "]":
        raise RecordingFormatError(path, "the JSON is malformed (it does not end with ']')")


class _Counter:
    """Records seen so far of the sensor being read (errors name a record by it)."""

    def __init__(self) -> None:
        self.seen = 0


def _slow(
    path: Path, text: str, sensor: str, fields: Sequence[str], counter: _Counter
) -> FloatArray:
    rows: list[list[float]] = []
    position = 0
    end = len(text)
    while position < end:
        while position < end and text[position] in " \t\r\n,":
            position += 1
        if position >= end:
            break
        try:
            record, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise RecordingFormatError(path, f"the JSON is malformed ({exc.msg})") from None
        except RecursionError:
            raise RecordingFormatError(path, "the JSON nests too deeply to be read") from None
        except ValueError:
            raise RecordingFormatError(path, "the JSON holds a number too long to read") from None
        if not isinstance(record, dict) or "sensor" not in record:
            raise RecordingFormatError(path, "every JSON record needs a 'sensor' field")
        if str(record["sensor"]) != sensor:
            continue
        counter.seen += 1
        row: list[float] = []
        for name in fields:
            try:
                row.append(float(str(record[name])))
            except (KeyError, ValueError):
                raise RecordingFormatError(
                    path, f"{sensor} record {counter.seen} has no number in {name!r}", column=name
                ) from None
        rows.append(row)
    return np.asarray(rows, dtype=np.float64).reshape(-1, len(fields))


def _fast(text: str, sensor: str, fields: Sequence[str], counter: _Counter) -> FloatArray | None:
    """The block parsed at once, or ``None`` when it is not plain records of one sensor."""
    records = text.count('"sensor"')
    if records == 0 or len(_SENSOR.findall(text)) != records:
        return None
    if text.count(f'"sensor":"{sensor}"') + text.count(f'"sensor": "{sensor}"') != records:
        return None
    start = text.find("{")
    try:
        first, _ = _DECODER.raw_decode(text, start)
    except (json.JSONDecodeError, RecursionError, ValueError):
        return None
    if not isinstance(first, dict) or not all(isinstance(v, str) for v in first.values()):
        return None
    keys = list(first)
    if any(name not in keys for name in fields) or "\\" in text:
        return None
    body = _BETWEEN.sub("\n", _KEY.sub("", text[start:])).replace('"', "")
    body = body.strip().lstrip("{").rstrip("}")
    try:
        data = np.loadtxt(
            io.StringIO(body),
            delimiter=",",
            dtype=np.float64,
            ndmin=2,
            usecols=[keys.index(name) for name in fields],
        )
    except ValueError:
        return None
    if data.shape[0] != records:
        return None
    counter.seen += records
    return data


def sensor_blocks(path: Path, sensor: str, fields: Sequence[str]) -> Iterator[FloatArray]:
    """Blocks of ``fields`` (as numbers) of every record of ``sensor``, in file order."""
    counter = _Counter()
    for text, _ in _records(path):
        if sensor not in text:
            continue
        data = _fast(text, sensor, fields, counter)
        if data is None:
            data = _slow(path, text, sensor, fields, counter)
        if data.shape[0]:
            yield data


def _record_at(path: Path, text: str, at: int) -> dict[str, object]:
    start = text.rfind("{", 0, at)
    try:
        record, _ = _DECODER.raw_decode(text, max(start, 0))
    except (json.JSONDecodeError, RecursionError, ValueError):
        raise RecordingFormatError(path, "the JSON is malformed") from None
    if not isinstance(record, dict):
        raise RecordingFormatError(path, "every JSON record needs a 'sensor' field")
    return record


def survey(path: Path) -> dict[str, dict[str, object]]:
    """The first record of every sensor in the export (one pass, cheap checks per block)."""
    first: dict[str, dict[str, object]] = {}
    for text, _ in _records(path):
        total = text.count('"sensor"')
        known = sum(text.count(f'"sensor":"{n}"') + text.count(f'"sensor": "{n}"') for n in first)
        if total == known:
            continue
        for match in _SENSOR.finditer(text):
            name = match.group(1)
            if name not in first:
                first[name] = _record_at(path, text, match.start())
                if len(first) > 64:
                    raise RecordingFormatError(path, "the JSON holds more than 64 kinds of sensor")
    return first
