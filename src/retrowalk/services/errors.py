"""The errors of the use cases: each one sentence a person can read.

``ServiceError`` is a ``ValueError`` so adapters that already show bad input as a sentence
(the CLI root: exit 2; the web layer: a 4xx) need no special case. Clinical errors
(:class:`retrowalk.clinical.errors.ClinicalError`) pass through the services unchanged.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError


class ServiceError(ValueError):
    """Base of every error a use case raises on purpose."""


class NotFound(ServiceError):  # noqa: N818 - the names the web layer codes against
    """The record asked for does not exist (web: 404)."""


class AccessDenied(ServiceError):  # noqa: N818
    """The actor may not see or change this record (web: 403)."""


class Conflict(ServiceError):  # noqa: N818
    """The request contradicts what is stored, e.g. an email already in use (web: 409)."""


class CheckinNotOpen(Conflict):
    """A next-morning check-in sent on the session's own local date (web: 409).

    RULES §3 decides on how the knee feels the morning AFTER: a same-day report would
    decide the next session on the wrong evidence, so it is refused, never stored.
    """


class NotReadyToWalk(Conflict):
    """A session logged before the walker may start (no screening, a red flag, no plan yet,
    or a clearance still awaited); the sentence says what must happen first (web: 409)."""


class InvalidRequest(ServiceError):  # noqa: N818
    """An input is outside what the use case accepts: names the field and what is allowed."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


M = TypeVar("M", bound=BaseModel)


_PLAIN: dict[str, str] = {
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
    "string_too_short": "must be at least {min_length} characters long",
    "string_too_long": "must be at most {max_length} characters long",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "bool_parsing": "must be true or false",
    "missing": "is required",
}
"""Pydantic's error types, worded for a person ("must be at most 10", not "Input should be
less than or equal to 10"); the limits come from the model, never from here."""


def _plain(item: Any) -> str:
    template = _PLAIN.get(item["type"])
    if template is not None:
        try:
            ctx = {
                key: f"{value:g}" if isinstance(value, float) else value
                for key, value in item.get("ctx", {}).items()
            }
            return template.format(**ctx)
        except KeyError:
            pass
    # Pydantic prefixes a validator's own sentence with "Value error, ": not needed here.
    return str(item["msg"]).removeprefix("Value error, ")


def _describe(error: ValidationError) -> tuple[str, str | None]:
    parts: list[str] = []
    first_field: str | None = None
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "input"
        first_field = first_field or field
        given = item.get("input")
        shown = "" if isinstance(given, dict) else f" (got {given!r})"
        parts.append(f"{field}: {_plain(item)}{shown}")
    return "; ".join(parts) + ".", first_field


def invalid_from(error: ValidationError) -> InvalidRequest:
    """A model's validation error as the services' own: which field, what is allowed."""
    message, field = _describe(error)
    return InvalidRequest(message, field=field)


def parse(model: type[M], data: M | object) -> M:
    """``data`` as a ``model`` (already one, or a mapping), else :class:`InvalidRequest`."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        message, field = _describe(exc)
        raise InvalidRequest(message, field=field) from None
