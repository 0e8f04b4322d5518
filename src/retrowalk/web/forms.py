"""Reading HTML form fields into the services' pydantic models, with per-field messages.

Pages read ``request.form()`` themselves (instead of FastAPI ``Form`` parameters) so that a
wrong value re-renders the form with a sentence next to the field, never a JSON 422. Empty
boxes mean "not given" (None); yes/no radios become real booleans.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from retrowalk.services.errors import FieldProblem, ProblemKind, problems_from
from retrowalk.services.numbers import (
    THOUSANDS_MESSAGE,
    YES_WORDS,
    NumberTextError,
    from_typed,
    scalar_of,
)
from retrowalk.web.errors import FormError, describe_problems, problems_for

__all__ = ["FormError", "field_errors", "validate"]

M = TypeVar("M", bound=BaseModel)


def field_errors(exc: BaseException) -> dict[str, str]:
    """Field name → the sentence shown next to its box, for a form's or a service's error."""
    if isinstance(exc, FormError):
        return exc.fields
    fields: dict[str, str] = {}
    for problem in problems_for(exc):
        key = problem.field.split(".")[0]
        fields.setdefault(key, field_message(problem, problem.given))
    return fields


FORM_KEY_FIELD = "client_key"
"""The hidden field of a form's one-time key (as the services' ``client_key``)."""


def new_form_key() -> str:
    """A random one-time key for one rendering of a form (128 bits, letters and digits)."""
    return secrets.token_hex(16)


def form_key(form: FormData) -> str | None:
    """The one-time key the form was sent with, or None (a form made by hand without one is
    stored as before: one sending, one record)."""
    return optional(form, FORM_KEY_FIELD)


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def optional(form: FormData, name: str) -> str | None:
    """The field's text, or None when the box was left empty."""
    value = text(form, name)
    return value or None


def yes_no(form: FormData, name: str) -> bool | None:
    """``yes`` → True, ``no`` → False, anything else (nothing chosen) → None."""
    value = text(form, name).lower()
    if value == "yes":
        return True
    if value == "no":
        return False
    return None


def checked(form: FormData, name: str) -> bool:
    """A checkbox: ticked when the browser sent it with a yes value (``on``, the default, or
    the box's own ``1``/``yes``/``true``); absent, or sent as ``0``/``no``/``false``, is not
    ticked (a hand-made ``none_of_these=0`` must not count as ticked)."""
    value = form.get(name)
    return isinstance(value, str) and value.strip().lower() in YES_WORDS


def validate(model: type[M], data: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> M:
    """``data`` as ``model``, else :class:`FormError` naming each wrong field.

    The text of a number box is read by the one number grammar (:mod:`retrowalk.services.
    numbers`: digits 0-9, a decimal point or comma) before the model, which itself takes
    numbers and yes/no only as such (the JSON API's strict types). With ``labels`` (field name
    → the question as the page shows it) the summary names the questions in the page's own
    words, so a person never reads ``pain_peak_nprs`` or pydantic's "Input should be a valid
    integer"; without them it is the API's sentence.
    """
    values, problems = from_text(model, data)
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        named = {p.field for p in problems}
        problems += tuple(p for p in problems_from(exc.errors()) if p.field not in named)
    raise form_error(problems, data, labels, ranges_of(model))


def form_error(
    problems: tuple[FieldProblem, ...],
    data: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    ranges: Mapping[str, tuple[bool, str]] | None = None,
) -> FormError:
    """The :class:`FormError` for ``problems`` found in the form ``data``; ``ranges`` (field →
    (whole, "from 1 to 30")) words a wrong number with all that its box allows."""
    fields: dict[str, str] = {}
    for problem in problems:
        key = problem.field.split(".")[0] if problem.field not in ("input", "body") else "form"
        if key not in fields:
            given = data.get(key, NOT_A_FIELD)
            fields[key] = _in_range(problem, given, (ranges or {}).get(key)) or field_message(
                problem, given
            )
    if labels is None:
        return FormError(describe_problems(problems), fields)
    return FormError(summary(fields, labels), fields)


def from_text(
    model: type[BaseModel], data: Mapping[str, Any]
) -> tuple[dict[str, Any], tuple[FieldProblem, ...]]:
    """The form's text in ``model``'s number and yes/no fields as numbers and booleans, and a
    problem for each box whose text is not one (it stays text there)."""
    values = dict(data)
    problems: list[FieldProblem] = []
    for name, info in model.model_fields.items():
        given = data.get(name)
        kind = scalar_of(info.annotation)
        if not isinstance(given, str) or kind is None:
            continue
        try:
            values[name] = from_typed(kind, given)
        except NumberTextError as exc:
            problems.append(FieldProblem(field=name, kind=exc.kind, given=given, message=str(exc)))
    return values, tuple(problems)


_BOUND_WORDS = ("ge", "gt", "le", "lt")


def _in_range(problem: FieldProblem, given: object, span: tuple[bool, str] | None) -> str | None:
    """A wrong number in a box with a range, said with the whole range (found by the
    outside-in test: "Minutes: please write a whole number … like 12" said no range, and
    "at most 30" not that minutes are whole); None for other problems."""
    if span is None or given in (None, "") or given is NOT_A_FIELD:
        return None
    whole, allowed = span
    if problem.kind is ProblemKind.NOT_WHOLE_NUMBER:
        return f"Please write a whole number with the digits 0 to 9, {allowed} (no decimals)."
    if problem.kind in (ProblemKind.TOO_SMALL, ProblemKind.TOO_LARGE):
        return f"Please write {'a whole number' if whole else 'a number'} {allowed}."
    return None


def _bounds(annotation: Any, found: dict[str, object]) -> None:
    """The ge/gt/le/lt of a field's (optional, annotated) type, into ``found``."""
    for meta in getattr(annotation, "__metadata__", ()):
        for item in (meta, *getattr(meta, "metadata", ())):
            for key in _BOUND_WORDS:
                if getattr(item, key, None) is not None:
                    found.setdefault(key, getattr(item, key))
    for arg in get_args(annotation):
        if arg is not type(None):
            _bounds(arg, found)


def range_words(bounds: Mapping[str, object]) -> str | None:
    """``from 1 to 30`` (``more than 0 and at most 1.5``); None unless the box has a lower
    and an upper bound."""
    low = next((k for k in ("ge", "gt") if k in bounds), None)
    high = next((k for k in ("le", "lt") if k in bounds), None)
    if low is None or high is None:
        return None
    lowest, highest = _number(bounds[low]), _number(bounds[high])
    if (low, high) == ("ge", "le"):
        return f"from {lowest} to {highest}"
    upper = "at most" if high == "le" else "less than"
    lower = "at least" if low == "ge" else "more than"
    return f"{lower} {lowest} and {upper} {highest}"


def ranges_of(model: type[BaseModel]) -> dict[str, tuple[bool, str]]:
    """Each number box of ``model`` with both bounds → (whole numbers only, its range)."""
    found: dict[str, tuple[bool, str]] = {}
    for name, info in model.model_fields.items():
        kind = scalar_of(info.annotation)
        if kind not in (int, float):
            continue
        bounds: dict[str, object] = {}
        for item in info.metadata:
            for key in _BOUND_WORDS:
                if getattr(item, key, None) is not None:
                    bounds[key] = getattr(item, key)
        _bounds(info.annotation, bounds)
        words = range_words(bounds)
        if words is not None:
            found[name] = (kind is int, words)
    return found


NOT_A_FIELD = object()
"""``given`` for an error about the whole form (a rule across several answers)."""


def field_message(problem: FieldProblem, given: object) -> str:
    """One wrong field as a plain sentence for the person who filled in the form."""
    kind = problem.kind
    limits = problem.limits
    if given is None or given == "" or kind is ProblemKind.MISSING:
        return "Please answer this."
    if kind is ProblemKind.NOT_WHOLE_NUMBER:
        return "Please write a whole number with the digits 0 to 9, like 12."
    if kind is ProblemKind.NOT_NUMBER and problem.message == THOUSANDS_MESSAGE:
        return (
            "1,000 could mean a thousand or one: please write it without the comma (1000), "
            "or with a point before the decimals (1.5)."
        )
    if kind is ProblemKind.NOT_NUMBER:
        return "Please write a number with the digits 0 to 9, for example 9.5."
    if kind is ProblemKind.NOT_ORDINARY_NUMBER:
        return "Please write an ordinary number."
    if kind is ProblemKind.NOT_YES_NO:
        return "Please choose Yes or No."
    if kind is ProblemKind.NOT_ONE_OF:
        return "Please choose one of the answers offered."
    if kind is ProblemKind.NOT_DATE:
        return "Please write a date like 2026-03-01."
    bounds = (("ge", "at least"), ("gt", "more than"), ("le", "at most"), ("lt", "less than"))
    if kind in (ProblemKind.TOO_SMALL, ProblemKind.TOO_LARGE):
        for key, words in bounds:
            if key in limits:
                return f"Please write a number {words} {_number(limits[key])}."
    if kind is ProblemKind.TOO_LONG and "max_length" in limits:
        limit = limits["max_length"]
        shown = f"{limit:,}" if isinstance(limit, int) else str(limit)
        return f"Please shorten this to at most {shown} characters (nothing was cut or saved)."
    if kind is ProblemKind.TOO_LONG:
        return f"Please write a shorter number ({problem.message.removeprefix('is ')})."
    if kind is ProblemKind.TOO_SHORT and "min_length" in limits:
        return f"Please write at least {limits['min_length']} characters."
    return _plain(problem.message)


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def summary(fields: Mapping[str, str], labels: Mapping[str, str]) -> str:
    """``{"pain_nprs": "Please answer this."}`` → "Knee pain this morning: please answer this." """
    parts = []
    page_order = {name: i for i, name in enumerate(labels)}
    for name, message in sorted(fields.items(), key=lambda f: page_order.get(f[0], len(labels))):
        if name == "form":  # a rule about several answers together: its sentence says which
            parts.append(message.rstrip("."))
            continue
        label = labels.get(name, name.replace("_", " ").capitalize()).rstrip("?:. ")
        text = message.rstrip(".")
        parts.append(f"{label}: {text[:1].lower()}{text[1:]}")
    return "; ".join(parts) + "."


def _plain(message: str) -> str:
    """Pydantic's messages with the jargon removed ("Input should be" → "Should be")."""
    return message.replace("Input should be", "Should be").replace("Value error, ", "")


def require_answers(answers: Mapping[str, object], labels: Mapping[str, str]) -> None:
    """Every question in ``labels`` must have an answer (not None)."""
    missing = {name: "Please choose an answer." for name in labels if answers.get(name) is None}
    if missing:
        first = next(iter(missing))
        raise FormError(
            f"{len(missing)} question{'s' if len(missing) != 1 else ''} not answered yet, "
            f"starting with: {labels[first]}",
            missing,
        )
