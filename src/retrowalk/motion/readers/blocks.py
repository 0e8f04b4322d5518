"""Text files read in blocks of whole lines, so a day-long export never sits in memory at once.

A block is a few megabytes of complete lines with the 1-based number of its first line, so a
parse error deep in the file still names the line an editor would show. Bytes are decoded
incrementally (UTF-8, a byte-order mark dropped); gzip is opened transparently.
"""

from __future__ import annotations

import codecs
import gzip
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from retrowalk.motion.errors import RecordingFormatError

BLOCK_BYTES = 4 << 20
"""Bytes read at a time: large enough for numpy to parse fast, small beside any memory."""


@dataclass(frozen=True)
class TextBlock:
    """Complete lines of a text file; ``first_line`` is the 1-based number of the first."""

    first_line: int
    text: str

    @property
    def lines(self) -> int:
        """How many lines the block holds (the last one ends with a newline or the file)."""
        return self.text.count("\n") + (0 if self.text.endswith("\n") else 1)


@contextmanager
def open_bytes(path: Path) -> Iterator[IO[bytes]]:
    """The file's bytes, gunzipped when it starts with the gzip magic number."""
    try:
        handle: IO[bytes] = path.open("rb")
    except OSError as exc:
        raise RecordingFormatError(path, f"the file cannot be opened ({exc.strerror})") from None
    with handle:
        if handle.read(2) == b"\x1f\x8b":
            handle.seek(0)
            with gzip.GzipFile(fileobj=handle, mode="rb") as unzipped:
                yield unzipped  # type: ignore[misc]
        else:
            handle.seek(0)
            yield handle


@contextmanager
def open_member(path: Path, archive: zipfile.ZipFile, name: str) -> Iterator[IO[bytes]]:
    """One member of a zip archive, decompressed as it is read."""
    try:
        member = archive.open(name)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise RecordingFormatError(path, f"the zip member {name!r} is damaged ({exc})") from None
    with member:
        yield member


def iter_blocks(
    source: Path | str, raw: IO[bytes], block_bytes: int | None = None
) -> Iterator[TextBlock]:
    """Blocks of whole lines of ``raw``; damaged compressed data or non-UTF-8 text is refused.

    ``block_bytes`` defaults to :data:`BLOCK_BYTES` as it is when the reading starts.
    """
    block_bytes = BLOCK_BYTES if block_bytes is None else block_bytes
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending = ""
    line = 1
    while True:
        try:
            chunk = raw.read(block_bytes)
        except (OSError, EOFError, zipfile.BadZipFile) as exc:
            raise RecordingFormatError(source, f"the compressed data is damaged ({exc})") from None
        final = not chunk
        try:
            text = pending + decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            bad_line = line + pending.count("\n") + chunk[: exc.start].count(b"\n")
            raise RecordingFormatError(
                source, "the file is not UTF-8 text", line=bad_line
            ) from None
        if final:
            body, pending = text, ""
        else:
            cut = text.rfind("\n")
            if cut < 0:
                pending = text
                continue
            body, pending = text[: cut + 1], text[cut + 1 :]
        if body:
            yield TextBlock(line, body)
            line += body.count("\n")
        if final:
            return


def split_first_lines(
    blocks: Iterator[TextBlock], count: int
) -> tuple[list[str], Iterator[TextBlock]]:
    """The first ``count`` lines of a block stream, and the stream of what follows them."""
    first: list[str] = []
    rest: TextBlock | None = None
    for block in blocks:
        text = block.text
        number = block.first_line
        while len(first) < count and text:
            head, newline, text = text.partition("\n")
            first.append(head.rstrip("\r"))
            number += 1 if newline else 0
        if text:
            rest = TextBlock(number, text)
            break
        if len(first) >= count:
            break

    def remainder() -> Iterator[TextBlock]:
        if rest is not None:
            yield rest
        yield from blocks

    return first, remainder()
