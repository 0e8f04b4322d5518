"""Reading HTML form fields into the services' pydantic models, with per-field messages.

Pages read ``request.form()`` themselves (instead of FastAPI ``Form`` parameters) so that a
wrong value re-renders the form with a sentence next to the field, never a JSON 422. Empty
boxes mean "not given" (None); yes/no radios become real booleans.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from retrowalk.web.errors import describe_validation

M = TypeVar("M", bound=BaseModel)


class FormError(Exception):
    """The form has wrong values: ``fields`` maps a field name to its sentence."""

    def __init__(self, sentence: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(sentence)
        self.fields = dict(fields or {})


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
    """A checkbox: present (any value) → True."""
    return name in form


def validate(model: type[M], data: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> M:
    """``data`` as ``model``, else :class:`FormError` naming each wrong field.

    With ``labels`` (field name → the question as the page shows it) the summary names the
    questions in the page's own words, so a person never reads ``pain_peak_nprs`` or pydantic's
    "Input should be a valid integer"; without them it is the API's sentence.
    """
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for item in exc.errors():
            loc = [str(p) for p in item.get("loc", ())]
            key = loc[0] if loc else "form"
            if key not in fields:
                fields[key] = field_message(item, data.get(key, NOT_A_FIELD))
        if labels is None:
            raise FormError(describe_validation(exc.errors()), fields) from None
        raise FormError(summary(fields, labels), fields) from None


NOT_A_FIELD = object()
"""``given`` for an error about the whole form (a rule across several answers)."""


def field_message(item: Mapping[str, Any], given: object) -> str:
    """One pydantic error as a plain sentence for the person who filled in the form."""
    kind = str(item.get("type", ""))
    ctx = item.get("ctx") or {}
    if given is None or given == "" or kind == "missing":
        return "Please answer this."
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return "Please write a whole number, in digits."
    if kind in ("float_parsing", "float_type"):
        return "Please write a number, for example 9.5."
    if kind == "finite_number":
        return "Please write an ordinary number."
    if kind in ("bool_parsing", "bool_type"):
        return "Please choose Yes or No."
    if kind in ("enum", "literal_error"):
        return "Please choose one of the answers offered."
    limits = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in limits:
        words, key = limits[kind]
        return f"Please write a number {words} {_number(ctx.get(key))}."
    if kind == "string_too_long":
        return f"Please shorten this to at most {ctx.get('max_length')} characters."
    if kind == "string_too_short":
        return f"Please write at least {ctx.get('min_length')} characters."
    return _plain(str(item.get("msg", "is not allowed")))


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
