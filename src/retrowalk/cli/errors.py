"""Which errors the CLI shows as one sentence (exit code 2) instead of a traceback.

Each package defines its own base error type for bad input; they are gathered here so the
clinical and motion packages need not import anything from the rest of retrowalk. The imports
sit inside the function because they are only needed once something has gone wrong (and the
motion package pulls in SciPy).
"""

from __future__ import annotations

from typing import Any

EXIT_BAD_INPUT = 2
"""The exit code of every refusal of bad input (a sentence, or with ``--json`` its JSON)."""


def user_error_types() -> tuple[type[BaseException], ...]:
    """Every error type whose message is written for the person at the terminal."""
    from retrowalk.clinical.errors import ClinicalError
    from retrowalk.motion.errors import RecordingError
    from retrowalk.services.errors import ServiceError
    from retrowalk.store.backup import BackupError
    from retrowalk.store.engine import DatabaseOpenError
    from retrowalk.store.json_files import JsonFileError
    from retrowalk.store.transfer import TransferError

    return (
        ClinicalError,
        RecordingError,
        ServiceError,
        DatabaseOpenError,
        JsonFileError,
        TransferError,
        BackupError,
    )


def error_json(exc: BaseException) -> dict[str, Any]:
    """A refusal in the JSON API's error shape (``web.errors.ErrorBody``, which the CLI may
    not import): ``{"detail": "<sentence>"}``, with ``"problems"`` (one entry per wrong
    field, the services' field names) when there are any. Printed by ``--json`` commands
    instead of the sentence alone."""
    from retrowalk.clinical.errors import InvalidInputError
    from retrowalk.services.errors import FieldProblem, InvalidRequest, ProblemKind

    problems: tuple[FieldProblem, ...] = ()
    if isinstance(exc, InvalidRequest):
        problems = exc.problems
    elif isinstance(exc, InvalidInputError):
        given = exc.value if isinstance(exc.value, str | int | float | bool) else None
        problems = (
            FieldProblem(
                field=exc.field,
                kind=ProblemKind.RULE,
                given=given,
                message=f"expected {exc.allowed}",
            ),
        )
    body: dict[str, Any] = {"detail": str(exc) or exc.__class__.__name__}
    if problems:
        body["problems"] = [p.model_dump(mode="json") for p in problems]
    return body
