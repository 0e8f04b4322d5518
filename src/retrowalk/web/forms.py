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


def validate(model: type[M], data: Mapping[str, Any]) -> M:
    """``data`` as ``model``, else :class:`FormError` naming each wrong field."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for item in exc.errors():
            loc = [str(p) for p in item.get("loc", ())]
            key = loc[0] if loc else "form"
            if key not in fields:
                fields[key] = _plain(str(item.get("msg", "is not allowed")))
        raise FormError(describe_validation(exc.errors()), fields) from None


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
