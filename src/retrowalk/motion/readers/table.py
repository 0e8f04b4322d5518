"""Reading delimited numeric text fast, and saying exactly where it is broken when it is.

The fast path is :func:`numpy.loadtxt` on a whole block of lines; only when it fails is the
block walked row by row to find the first bad line and column, so a 24-hour file stays quick
and a broken one still gets a precise sentence.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.readers.blocks import TextBlock
from retrowalk.motion.recording import FloatArray


def read_text(path: Path) -> str:
    """A text file's content (transparently gunzipped); a byte-order mark is dropped."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RecordingFormatError(path, f"the file cannot be opened ({exc.strerror})") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise RecordingFormatError(path, f"the gzip data is damaged ({exc})") from None
    return decode(path, raw)


def decode(path: Path | str, raw: bytes) -> str:
    """UTF-8 text (with or without BOM); other bytes get a clear error."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RecordingFormatError(path, "the file is not UTF-8 text", line=line) from None


def read_zip_member(path: Path, archive: zipfile.ZipFile, name: str) -> str:
    """One member of a zip archive as text."""
    try:
        return decode(f"{path.name}/{name}", archive.read(name))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise RecordingFormatError(path, f"the zip member {name!r} is damaged ({exc})") from None


@dataclass(frozen=True)
class Dialect:
    """Field separator and decimal mark of a delimited text file."""

    separator: str
    decimal: str


def sniff_dialect(header: str, first_data_line: str | None) -> Dialect:
    """Separator from the header (tab, semicolon or comma); decimal comma from the data.

    A comma can only be the decimal mark when it is not the separator, and when the data
    holds commas.
    """
    counts = {sep: header.count(sep) for sep in ("\t", ";", ",")}
    separator = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","
    decimal = "."
    if separator != "," and first_data_line is not None and "," in first_data_line:
        decimal = ","
    return Dialect(separator=separator, decimal=decimal)


def split_header(header: str, separator: str) -> list[str]:
    """Column names of a header line, quotes removed."""
    return [name.strip() for name in next(csv.reader([header], delimiter=separator))]


def parse_numeric_text(
    source: Path | str,
    text: str,
    *,
    first_line_number: int,
    columns: Sequence[str],
    dialect: Dialect,
    allow_empty: bool = False,
) -> FloatArray:
    """Numeric rows (no header), whole lines of text, to an (n, len(columns)) array.

    ``first_line_number`` is the 1-based line number of the text's first line in the file,
    so an error names the line as an editor shows it. Empty fields become NaN only when
    ``allow_empty`` (exports whose columns have different lengths); anything else that is
    not a number is an error naming the line and column.
    """
    width = len(columns)
    if not text.strip():
        return np.empty((0, width), dtype=np.float64)
    fast = text.replace(",", ".") if dialect.decimal == "," else text
    try:
        data = np.loadtxt(
            io.StringIO(fast),
            delimiter=dialect.separator,
            dtype=np.float64,
            ndmin=2,
            quotechar='"',
        )
        if data.shape[1] == width:
            return data
    except ValueError:
        pass
    return _parse_slowly(
        source, text.splitlines(), first_line_number, columns, dialect, allow_empty
    )


def _parse_slowly(
    source: Path | str,
    lines: Sequence[str],
    first_line_number: int,
    columns: Sequence[str],
    dialect: Dialect,
    allow_empty: bool,
) -> FloatArray:
    rows: list[list[float]] = []
    width = len(columns)
    for offset, line in enumerate(lines):
        if not line.strip():
            continue
        number = first_line_number + offset
        fields = next(csv.reader([line], delimiter=dialect.separator))
        if len(fields) != width and not (allow_empty and len(fields) < width):
            raise RecordingFormatError(
                source,
                f"expected {width} fields ({', '.join(columns)}) but found {len(fields)}",
                line=number,
            )
        fields = fields + [""] * (width - len(fields))
        row: list[float] = []
        for name, field in zip(columns, fields, strict=True):
            text = field.strip()
            if dialect.decimal == ",":
                text = text.replace(",", ".")
            if not text and allow_empty:
                row.append(float("nan"))
                continue
            try:
                row.append(float(text))
            except ValueError:
                raise RecordingFormatError(
                    source, f"{field!r} is not a number", line=number, column=name
                ) from None
        rows.append(row)
    return np.asarray(rows, dtype=np.float64).reshape(-1, width)


def parse_block(
    source: Path | str,
    block: TextBlock,
    *,
    columns: Sequence[str],
    dialect: Dialect,
    allow_empty: bool = False,
) -> FloatArray:
    """:func:`parse_numeric_text` of one streamed block, its lines numbered as in the file."""
    return parse_numeric_text(
        source,
        block.text,
        first_line_number=block.first_line,
        columns=columns,
        dialect=dialect,
        allow_empty=allow_empty,
    )
