"""The one error the reports raise: input they cannot turn into a report, said in a sentence."""

from __future__ import annotations


class ReportInputError(ValueError):
    """The records given cannot make a report (another walker's record mixed in, a period
    outside the history, a malformed stored answer). The message says what and why; the web
    and the CLI show it as it is (a 4xx, exit 2), never a traceback."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
