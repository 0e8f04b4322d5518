"""Reading a JSON file a person hands retrowalk, safely: every way it can be wrong is one
sentence, never a traceback.

A file may be missing, a folder, a device that never ends (``/dev/zero``), too large,
binary, UTF-16 (as Windows Notepad saves), nested thousands of levels deep, or hold a number
with thousands of digits; each gets its own plain reason. Only regular files are read, and
never more than ``max_bytes`` of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_JSON_BYTES = 10 * 1024 * 1024
"""An answers or KOOS file is a few kilobytes; 10 MB is far beyond any real one."""

_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


class JsonFileError(ValueError):
    """A JSON file that cannot be read; ``reason`` says why, without the path."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path} {reason}.")


def _size_words(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def read_json_bytes(path: Path, max_bytes: int = MAX_JSON_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, else :class:`JsonFileError`."""
    try:
        if path.is_dir():
            raise JsonFileError(path, "is a folder, not a JSON file")
        if not path.exists():
            raise JsonFileError(path, "does not exist")
        if not path.is_file():
            raise JsonFileError(path, "is not a regular file (a device or a pipe); give a file")
        if path.stat().st_size > max_bytes:
            raise JsonFileError(path, f"is larger than {_size_words(max_bytes)}")
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise JsonFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise JsonFileError(path, f"is larger than {_size_words(max_bytes)}")
    return raw


def decode_json_text(path: Path, raw: bytes) -> str:
    """UTF-8 text (a UTF-8 byte-order mark is allowed), else a reason in words."""
    for bom, name in _BOMS.items():
        if raw.startswith(bom):
            raise JsonFileError(path, f"is {name} text; save it as UTF-8 and try again")
    if b"\x00" in raw:
        raise JsonFileError(path, "is not text (it looks like a binary file), so not JSON")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise JsonFileError(
            path, f"is not UTF-8 text (line {line}), so it cannot be a JSON file"
        ) from None


def parse_json_text(
    path: Path, text: str, object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None
) -> Any:
    """The JSON value of ``text``, else a reason in words (nesting, digits, syntax)."""
    if not text.strip():
        raise JsonFileError(path, "is empty; expected JSON")
    try:
        return json.loads(text, object_pairs_hook=object_pairs_hook)
    except json.JSONDecodeError as exc:
        raise JsonFileError(
            path, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise JsonFileError(path, "nests lists or objects too deeply to be read") from None
    except ValueError as exc:
        if "digits" in str(exc):
            raise JsonFileError(path, "holds a number with too many digits") from None
        raise


def read_json_file(
    path: Path,
    max_bytes: int = MAX_JSON_BYTES,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
) -> Any:
    """Read, decode and parse a JSON file; every problem is a :class:`JsonFileError`."""
    raw = read_json_bytes(path, max_bytes)
    return parse_json_text(path, decode_json_text(path, raw), object_pairs_hook)
