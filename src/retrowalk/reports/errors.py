"""The one error the reports raise: input they cannot turn into a report, said in a sentence."""

from __future__ import annotations

from retrowalk.services.errors import InvalidRequest


class ReportInputError(InvalidRequest):
    """The records given cannot make a report (another walker's record mixed in, a period
    outside the history, a malformed stored answer). The message says what and why; it is
    the services' bad-input error, so the web answers 422 and the CLI exits 2 with it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
