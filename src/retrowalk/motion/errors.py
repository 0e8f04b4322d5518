"""Named errors of :mod:`retrowalk.motion`.

A recording that cannot be read or analysed raises one of these, with one sentence a person
can read: which file, which line or column, and what was expected. The CLI shows that sentence
and exits with code 2; it never shows a traceback for a bad file.
"""

from __future__ import annotations

from pathlib import Path


class RecordingError(ValueError):
    """Base of every error raised for a recording that cannot be read or analysed."""


def _sentence(text: str) -> str:
    """End a message with a full stop unless it already ends a sentence."""
    return text if text.endswith((".", "?", "!")) else text + "."


class RecordingFormatError(RecordingError):
    """A file's content does not match the format it was read as.

    ``line`` is 1-based (as an editor shows it) and ``column`` names the column, when known.
    """

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        self.column = column
        where = [path.name if isinstance(path, Path) else path]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(_sentence(f"Cannot read {', '.join(where)}: {problem}"))


class UnknownFormatError(RecordingError):
    """The file's format could not be recognised (or is not one retrowalk reads)."""

    def __init__(self, path: Path | str, detail: str) -> None:
        self.path = Path(path)
        super().__init__(
            _sentence(f"Cannot tell what kind of recording {self.path.name} is: {detail}")
        )


class InvalidParameterError(RecordingError):
    """A parameter given to the analysis is outside what it accepts."""

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: {value!r} is not allowed; expected {allowed}.")
