"""The errors of the use cases: each one sentence a person can read.

``ServiceError`` is a ``ValueError`` so adapters that already show bad input as a sentence
(the CLI root: exit 2; the web layer: a 4xx) need no special case. Clinical errors
(:class:`retrowalk.clinical.errors.ClinicalError`) pass through the services unchanged.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError


class ServiceError(ValueError):
    """Base of every error a use case raises on purpose."""


class NotFound(ServiceError):  # noqa: N818 - the names the web layer codes against
    """The record asked for does not exist (web: 404)."""


class AccessDenied(ServiceError):  # noqa: N818
    """The actor may not see or change this record (web: 403)."""


class Conflict(ServiceError):  # noqa: N818
    """The request contradicts what is stored, e.g. an email already in use (web: 409)."""


class InvalidRequest(ServiceError):  # noqa: N818
    """An input is outside what the use case accepts: names the field and what is allowed."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


M = TypeVar("M", bound=BaseModel)


def _describe(error: ValidationError) -> tuple[str, str | None]:
    parts: list[str] = []
    first_field: str | None = None
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "input"
        first_field = first_field or field
        given = item.get("input")
        shown = "" if isinstance(given, dict) else f" (got {given!r})"
        parts.append(f"{field}: {item['msg']}{shown}")
    return "; ".join(parts) + ".", first_field


def parse(model: type[M], data: M | object) -> M:
    """``data`` as a ``model`` (already one, or a mapping), else :class:`InvalidRequest`."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        message, field = _describe(exc)
        raise InvalidRequest(message, field=field) from None
