"""Reading content files (exercises, programmes, education pages): TOML checked by a model.

Content is written as text by people who are not programmers, so a mistake must say where it
is: :class:`ContentFileError` names the file and the field ("straight_leg_raise.toml: field
'dose.sets': must be at least 1"), never a traceback. Numbers of the clinical rules are not
typed into the text: a placeholder such as ``{pain_acceptable_max}`` is filled from
:data:`PLACEHOLDERS`, which takes them from the one place each lives.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Mapping
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

from retrowalk.clinical.errors import ClinicalError
from retrowalk.clinical.norms import NPRS_MAX
from retrowalk.clinical.pain_monitoring import PAIN_ACCEPTABLE_MAX_NPRS, PAIN_SAFE_MAX_NPRS

PLACEHOLDERS: Final[Mapping[str, str]] = {
    "nprs_max": str(NPRS_MAX),
    "pain_safe_max": str(PAIN_SAFE_MAX_NPRS),
    "pain_acceptable_min": str(PAIN_SAFE_MAX_NPRS + 1),
    "pain_acceptable_max": str(PAIN_ACCEPTABLE_MAX_NPRS),
}
"""The numbers content text may quote, by placeholder name (RULES.md §3)."""

_WORDING: Final[Mapping[str, str]] = {
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "too_short": "must have at least {min_length} items",
    "too_long": "must have at most {max_length} items",
    "string_too_short": "must be at least {min_length} characters long",
    "string_too_long": "must be at most {max_length} characters long",
    "string_pattern_mismatch": "must match {pattern}",
}
"""Pydantic's error types in a writer's words ("must be at least 1")."""

_PLACEHOLDER = re.compile(r"\{(\w*)\}")

M = TypeVar("M", bound=BaseModel)


class ContentFileError(ClinicalError):
    """A content file is wrong: which file, which field, and what is allowed."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(f"{source}: {'; '.join(self.problems)}.")


def _fill(value: Any, field: str, problems: list[str]) -> Any:
    """``value`` with every ``{placeholder}`` in its strings filled; unknown ones reported."""
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in PLACEHOLDERS:
                known = ", ".join("{" + k + "}" for k in PLACEHOLDERS)
                problems.append(f"field {field!r}: unknown placeholder {{{name}}} (known: {known})")
                return match.group(0)
            return PLACEHOLDERS[name]

        return _PLACEHOLDER.sub(replace, value)
    if isinstance(value, dict):
        return {k: _fill(v, f"{field}.{k}" if field else k, problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, f"{field}.{i}", problems) for i, v in enumerate(value)]
    return value


def _sentences(error: ValidationError, model: type[BaseModel]) -> list[str]:
    """Pydantic's errors as sentences naming the field and what is allowed."""
    out = []
    for detail in error.errors():
        field = ".".join(str(part) for part in detail["loc"]) or "the file"
        message = str(detail["msg"]).removeprefix("Value error, ")
        wording = _WORDING.get(detail["type"])
        if wording is not None:
            with contextlib.suppress(KeyError, IndexError):
                message = wording.format(**(detail.get("ctx") or {}))
        if detail["type"] == "extra_forbidden":
            known = ", ".join(model.model_fields)
            out.append(f"field {field!r} is unknown (the fields are {known})")
        elif detail["type"] == "missing":
            out.append(f"field {field!r} is missing")
        else:
            given = detail.get("input")
            shown = "" if isinstance(given, dict | list) else f" (got {given!r})"
            out.append(f"field {field!r}: {message}{shown}")
    return out


def load_content(model: type[M], text: str, source: str) -> M:
    """``text`` (TOML) as a ``model``; :class:`ContentFileError` naming ``source`` otherwise."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ContentFileError(source, [f"not valid TOML: {error}"]) from None
    problems: list[str] = []
    filled = _fill(data, "", problems)
    if problems:
        raise ContentFileError(source, problems)
    try:
        return model.model_validate(filled)
    except ValidationError as error:
        raise ContentFileError(source, _sentences(error, model)) from None
