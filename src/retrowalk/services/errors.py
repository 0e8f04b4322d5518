"""The errors of the use cases: each one sentence a person can read.

``ServiceError`` is a ``ValueError`` so adapters that already show bad input as a sentence
(the CLI root: exit 2; the web layer: a 4xx) need no special case. Clinical errors
(:class:`retrowalk.clinical.errors.ClinicalError`) pass through the services unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError


class ServiceError(ValueError):
    """Base of every error a use case raises on purpose."""


class NotFound(ServiceError):  # noqa: N818 - the names the web layer codes against
    """The record asked for does not exist (web: 404)."""


class AccessDenied(ServiceError):  # noqa: N818
    """The actor may not see or change this record (web: 403)."""


class HiddenRecord(NotFound, AccessDenied):
    """A record the actor may not reach, answered exactly as one that does not exist (web:
    404, the same words): the answer never confirms that an id is in use. It is still an
    :class:`AccessDenied` for the code that asks why."""


class Conflict(ServiceError):  # noqa: N818
    """The request contradicts what is stored, e.g. an email already in use (web: 409)."""


class KeyReused(Conflict):
    """A one-time ``client_key`` sent again with other values than the record it stored
    (web: 409). Answering "already saved" would tell the sender that these values were kept,
    when the first ones were; nothing new is stored, and the sentence says how to save them
    (:mod:`retrowalk.services.key_digest`)."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"This form was sent before, and this {what} was already saved under this key with "
            "other values; nothing new was saved. To save these values, open the form again "
            "(a program sends them with a new client_key)."
        )
        self.what = what


class CheckinNotOpen(Conflict):
    """A next-morning check-in sent on the session's own local date (web: 409).

    RULES §3 decides on how the knee feels the morning AFTER: a same-day report would
    decide the next session on the wrong evidence, so it is refused, never stored.
    """


class CheckinAlreadyGiven(Conflict):
    """The session's morning check-in is already stored (a second tap, another tab): the
    first one's decision stands, and the walker is shown it rather than a refusal."""


class NotReadyToWalk(Conflict):
    """A session logged (or an exercise ticked) before the walker may start (no screening, a
    red flag, no plan yet, or a clearance still awaited); the sentence says what must happen
    first (web: 409)."""


class ProblemKind(StrEnum):
    """What is wrong with one field, as data every adapter words in its own way."""

    MISSING = "missing"
    UNKNOWN_FIELD = "unknown_field"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NOT_WHOLE_NUMBER = "not_whole_number"
    NOT_NUMBER = "not_number"
    NOT_ORDINARY_NUMBER = "not_ordinary_number"
    NOT_YES_NO = "not_yes_no"
    NOT_ONE_OF = "not_one_of"
    NOT_DATE = "not_date"
    NOT_TEXT = "not_text"
    NOT_LIST = "not_list"
    NOT_OBJECT = "not_object"
    NOT_DATE_TIME = "not_date_time"
    RULE = "rule"
    """A rule of the use case or of the clinical core; ``message`` says which."""


class FieldProblem(BaseModel):
    """One wrong input: which field (dotted path into the input), what kind of problem, its
    limits (``ge``/``le``/``gt``/``lt``/``min_length``/``max_length``/``expected``), the value
    given (when it is short enough to show) and the services' own wording of it."""

    model_config = ConfigDict(frozen=True)

    field: str
    kind: ProblemKind
    limits: dict[str, Any] = {}
    given: Any = None
    message: str

    def sentence(self, name: str | None = None) -> str:
        """``field: message (got …)``, the field shown as ``name`` (a flag, a label) if given."""
        shown = ""
        if self.given is not None and not isinstance(self.given, dict | list):
            text = repr(self.given)
            shown = f" (got {text[:60]}{'…' if len(text) > 60 else ''})"
        return f"{name or self.field}: {self.message}{shown}"


class InvalidRequest(ServiceError):  # noqa: N818
    """An input is outside what the use case accepts: names the field and what is allowed.

    ``problems`` holds the same as data (one :class:`FieldProblem` per wrong field), which
    the web forms, the JSON API and the CLI each render in their own words; ``field`` is the
    first problem's field. Raised with a sentence and a ``field``, it is one RULE problem.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        problems: Sequence[FieldProblem] = (),
    ) -> None:
        if not problems and field is not None and message is not None:
            prefix = f"{field}: "
            text = message[len(prefix) :] if message.startswith(prefix) else message
            problems = (FieldProblem(field=field, kind=ProblemKind.RULE, message=text),)
        self.problems: tuple[FieldProblem, ...] = tuple(problems)
        self.field = field if field is not None else next((p.field for p in problems), None)
        if message is None:
            message = "; ".join(p.sentence() for p in self.problems) + "." if problems else ""
        super().__init__(message)


M = TypeVar("M", bound=BaseModel)


SURROGATE_MESSAGE = (
    "must be text: it holds a broken character (a lone UTF-16 surrogate such as \\ud800, "
    "which is half of a character); type or paste the text again"
)
"""Said of text with half a character (JSON's ``\\ud800`` can carry one)."""

OBJECT_MESSAGE = (
    'must be a JSON object: names with their values in curly brackets, like {"name": value}'
)
"""Said of a list, a number or text where named values were expected (found by the
outside-in test: pydantic's "Input should be a valid dictionary or object to extract fields
from" reached the API)."""

_OBJECT_TEMPLATE = OBJECT_MESSAGE.replace("{", "{{").replace("}", "}}")  # for str.format

DATE_TIME_MESSAGE = "must be a date and time with its time zone, like 2026-03-01T09:30:00+00:00"

_KINDS: dict[str, tuple[ProblemKind, str]] = {
    "missing": (ProblemKind.MISSING, "is required"),
    "extra_forbidden": (ProblemKind.UNKNOWN_FIELD, "is not a known field"),
    "less_than_equal": (ProblemKind.TOO_LARGE, "must be at most {le}"),
    "less_than": (ProblemKind.TOO_LARGE, "must be less than {lt}"),
    "greater_than_equal": (ProblemKind.TOO_SMALL, "must be at least {ge}"),
    "greater_than": (ProblemKind.TOO_SMALL, "must be more than {gt}"),
    "string_too_short": (ProblemKind.TOO_SHORT, "must be at least {min_length} characters long"),
    "string_pattern_mismatch": (ProblemKind.RULE, "holds characters that are not allowed"),
    "string_too_long": (ProblemKind.TOO_LONG, "must be at most {max_length} characters long"),
    "too_short": (ProblemKind.TOO_SHORT, "must have at least {min_length} items"),
    "too_long": (ProblemKind.TOO_LONG, "must have at most {max_length} items"),
    "int_parsing": (ProblemKind.NOT_WHOLE_NUMBER, "must be a whole number"),
    "int_from_float": (ProblemKind.NOT_WHOLE_NUMBER, "must be a whole number"),
    "int_type": (ProblemKind.NOT_WHOLE_NUMBER, "must be a whole number"),
    "float_parsing": (ProblemKind.NOT_NUMBER, "must be a number"),
    "float_type": (ProblemKind.NOT_NUMBER, "must be a number"),
    "finite_number": (ProblemKind.NOT_ORDINARY_NUMBER, "must be an ordinary (finite) number"),
    "bool_parsing": (ProblemKind.NOT_YES_NO, "must be true or false"),
    "bool_type": (ProblemKind.NOT_YES_NO, "must be true or false"),
    "literal_error": (ProblemKind.NOT_ONE_OF, "must be one of {expected}"),
    "enum": (ProblemKind.NOT_ONE_OF, "must be one of {expected}"),
    "date_parsing": (ProblemKind.NOT_DATE, "must be a date like 2026-03-01"),
    "date_from_datetime_parsing": (ProblemKind.NOT_DATE, "must be a date like 2026-03-01"),
    "date_type": (ProblemKind.NOT_DATE, "must be a date like 2026-03-01"),
    "string_type": (ProblemKind.NOT_TEXT, "must be text"),
    "json_invalid": (ProblemKind.RULE, "is not valid JSON: send one JSON object"),
    "string_unicode": (ProblemKind.NOT_TEXT, SURROGATE_MESSAGE),
    "list_type": (ProblemKind.NOT_LIST, "must be a list, [] for none"),
    "tuple_type": (ProblemKind.NOT_LIST, "must be a list, [] for none"),
    "set_type": (ProblemKind.NOT_LIST, "must be a list, [] for none"),
    "frozen_set_type": (ProblemKind.NOT_LIST, "must be a list, [] for none"),
    "dict_type": (ProblemKind.NOT_OBJECT, _OBJECT_TEMPLATE),
    "model_type": (ProblemKind.NOT_OBJECT, _OBJECT_TEMPLATE),
    "model_attributes_type": (ProblemKind.NOT_OBJECT, _OBJECT_TEMPLATE),
    "datetime_parsing": (ProblemKind.NOT_DATE_TIME, DATE_TIME_MESSAGE),
    "datetime_from_date_parsing": (ProblemKind.NOT_DATE_TIME, DATE_TIME_MESSAGE),
    "datetime_type": (ProblemKind.NOT_DATE_TIME, DATE_TIME_MESSAGE),
    "timezone_aware": (ProblemKind.NOT_DATE_TIME, DATE_TIME_MESSAGE),
    "int_parsing_size": (ProblemKind.TOO_LARGE, "is too large a number"),
}
"""Pydantic's error types as problem kinds, worded for a person ("must be at most 10", not
"Input should be less than or equal to 10"); the limits come from the model, never from here."""

CLIENT_KEY_PATTERN = r"^[A-Za-z0-9_.:-]+$"
"""A ``client_key``: what a program or a page makes up to make a resubmission harmless."""

PATTERN_WORDS: dict[str, str] = {
    CLIENT_KEY_PATTERN: (
        "may hold only the letters A to Z (small or capital), the digits 0 to 9 and the signs "
        "_ . : - (no spaces)"
    ),
    r"^[a-z_.]*$": "may hold only the small letters a to z, _ and .",
    r"^[a-z][a-z0-9_]*$": (
        "must start with a small letter a to z, then only small letters, digits 0 to 9 and _"
    ),
}
"""A text field's pattern in words: a person never reads a regular expression."""

LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})
"""FastAPI's first location part (where in the request), not part of the field's name."""


def _shown(value: Any) -> Any:
    return f"{value:g}" if isinstance(value, float) else value


SECRET_FIELDS = ("password", "token", "secret")
"""A field whose name holds one of these words is never echoed back (a mistyped password
in a 422 would land in logs, proxies and the browser's history)."""


def _is_secret(loc: list[str]) -> bool:
    return any(word in part.lower() for part in loc for word in SECRET_FIELDS)


NAMED_FIELD = re.compile(r"^(?P<field>[a-z][a-z0-9_]*): (?P<sentence>.+)$", re.S)
"""A model validator's sentence about one field: ``"distance_m: must be 0 when …"``."""


def _printable(text: str) -> str:
    """``text`` as it can be sent back: half a character (a lone surrogate) as ``\\ud800``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


WHOLE_BODY = "body"
"""The field named when the request as a whole is wrong (a list sent for an object): the
request's body, not pydantic's "input"."""


def problem_of(item: Mapping[str, Any]) -> FieldProblem:
    """One pydantic (or FastAPI) error dict as a :class:`FieldProblem`."""
    loc = [str(p) for p in item.get("loc", ())]
    if item.get("type") == "json_invalid":
        # FastAPI's location is the character offset ("1: JSON decode error"): name the body.
        loc = ["body"]
    elif loc and loc[0] in LOCATIONS:
        loc = loc[1:]
    ctx = {k: v for k, v in (item.get("ctx") or {}).items() if k != "error"}
    kind, template = _KINDS.get(str(item.get("type")), (ProblemKind.RULE, ""))
    if item.get("type") == "string_pattern_mismatch":
        template = PATTERN_WORDS.get(
            str(ctx.get("pattern")), "holds characters that are not allowed"
        )
    elif item.get("type") == "string_too_short" and ctx.get("min_length") == 1:
        template = "must not be empty"
    elif item.get("type") == "too_short" and ctx.get("min_length") == 1:
        template = "must not be empty: list at least one"
    elif item.get("type") == "too_long" and ctx.get("max_length") == 1:
        template = "must have at most 1 item"
    try:
        message = template.format(**{k: _shown(v) for k, v in ctx.items()}) if template else ""
    except (KeyError, IndexError):
        message = ""
    if not message:
        # A validator's own sentence; pydantic prefixes it with "Value error, ". A model's
        # validator names the field it is about as "field: sentence" (it has no location).
        message = str(item.get("msg", "is not allowed")).removeprefix("Value error, ")
        named = NAMED_FIELD.match(message)
        if named is not None:
            loc.append(named["field"])
            message = named["sentence"]
    given = item.get("input")
    if (
        _is_secret(loc)
        or kind is ProblemKind.MISSING
        or isinstance(given, dict | list | tuple | bytes)
    ):
        given = None
    elif isinstance(given, str) and len(given) > 200:
        given = _printable(given[:200]) + "…"
    elif isinstance(given, str):
        given = _printable(given)
    elif not isinstance(given, str | int | float | bool | None):
        given = None
    limits = {k: v for k, v in ctx.items() if isinstance(v, str | int | float | bool)}
    return FieldProblem(
        field=".".join(loc) or WHOLE_BODY, kind=kind, limits=limits, given=given, message=message
    )


def problems_from(errors: Iterable[Mapping[str, Any]]) -> tuple[FieldProblem, ...]:
    """Every error of a pydantic ``ValidationError.errors()`` (or FastAPI's) as data, less
    the echo of an item's error: pydantic reports a tuple whose item was refused as also "at
    least 1 item after validation, not 0", and the list was not empty (found by the outside-in
    test: a bad ``done_as`` also said "exercises: must not be empty")."""
    items = list(errors)
    return tuple(problem_of(item) for item in items if not _echo_of_an_item(item, items))


def _echo_of_an_item(item: Mapping[str, Any], items: list[Mapping[str, Any]]) -> bool:
    """A "too short" whose sent list was not empty, where an item of it was refused."""
    if item.get("type") != "too_short" or not item.get("input"):
        return False
    if not isinstance(item.get("input"), list | tuple):
        return False
    loc = tuple(item.get("loc", ()))
    return any(
        len(tuple(other.get("loc", ()))) > len(loc)
        and tuple(other.get("loc", ()))[: len(loc)] == loc
        for other in items
    )


def invalid_from(error: ValidationError) -> InvalidRequest:
    """A model's validation error as the services' own: which field, what is allowed."""
    return InvalidRequest(problems=problems_from(error.errors()))


def parse(model: type[M], data: M | object) -> M:
    """``data`` as a ``model`` (already one, or a mapping), else :class:`InvalidRequest`."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_from(exc) from None
