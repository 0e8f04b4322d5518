"""The one grammar for a number typed as text: a web form's box, an address's query, a hidden
field, a CLI option or prompt.

Python's ``int()`` and ``float()`` accept more than a person means: superscript and other
scripts' digits (``int("²")`` fails but ``"²".isdigit()`` is true), ``1_0`` (read as 10),
``inf``, ``nan`` and ``1e-300``. Here a number is ASCII digits 0-9 only, with an optional
sign, and (where a decimal is allowed) one decimal point or decimal comma (``9,5`` is 9.5,
as half of Europe writes it). ``1,000`` could be a thousand or one: it is refused with a
question back rather than guessed.
"""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, Final, Union, get_args, get_origin

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from retrowalk.services.errors import ProblemKind

DIGITS_MAX: Final[int] = 18
"""Input limit: no number the program asks for needs more than 18 digits (an id has 10)."""

_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+")

WHOLE_MESSAGE: Final[str] = (
    "must be a whole number written with the digits 0 to 9, like 12 "
    "(no spaces, points, commas or underscores)"
)
DECIMAL_MESSAGE: Final[str] = (
    "must be a number written with the digits 0 to 9, like 12 or 9.5 "
    "(a point or a comma before the decimals; no spaces or underscores)"
)
THOUSANDS_MESSAGE: Final[str] = (
    "could mean a thousand or one: write it without the comma (1000), "
    "or with a point before the decimals (1.5)"
)
TOO_LONG_MESSAGE: Final[str] = f"is too long for a number: at most {DIGITS_MAX} digits"


class NumberTextError(ValueError):
    """Text that is not a number in this grammar; ``str()`` says what is allowed."""

    def __init__(self, kind: ProblemKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def whole_number(text: str) -> int:
    """``"12"``, ``"+3"``, ``"-1"`` → an int; anything else → :class:`NumberTextError`."""
    text = text.strip()
    if not _WHOLE.fullmatch(text):
        raise NumberTextError(ProblemKind.NOT_WHOLE_NUMBER, WHOLE_MESSAGE)
    if _digits(text) > DIGITS_MAX:
        raise NumberTextError(ProblemKind.TOO_LONG, TOO_LONG_MESSAGE)
    return int(text)


def decimal_number(text: str) -> float:
    """``"9.5"``, ``"9,5"``, ``".5"``, ``"12"`` → a float; anything else (``1,000``, ``1_0``,
    ``1e3``, ``inf``, ``²``) → :class:`NumberTextError`."""
    text = text.strip()
    if _THOUSANDS.fullmatch(text):
        raise NumberTextError(ProblemKind.NOT_NUMBER, THOUSANDS_MESSAGE)
    if _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    if not _DECIMAL.fullmatch(text):
        raise NumberTextError(ProblemKind.NOT_NUMBER, DECIMAL_MESSAGE)
    if _digits(text) > DIGITS_MAX:
        raise NumberTextError(ProblemKind.TOO_LONG, TOO_LONG_MESSAGE)
    return float(text)


def whole_number_or_none(text: str) -> int | None:
    """:func:`whole_number`, or None for text that is not one (an optional filter)."""
    try:
        return whole_number(text)
    except NumberTextError:
        return None


YES_WORDS: Final[frozenset[str]] = frozenset({"yes", "true", "on", "1"})
NO_WORDS: Final[frozenset[str]] = frozenset({"no", "false", "off", "0"})
"""Yes and no as a form or a terminal sends them (a checkbox sends ``on``)."""
YES_NO_MESSAGE: Final[str] = "must be yes or no"


def yes_no(text: str) -> bool:
    """``yes``/``true``/``on``/``1`` → True, ``no``/``false``/``off``/``0`` → False."""
    word = text.strip().lower()
    if word in YES_WORDS or word in NO_WORDS:
        return word in YES_WORDS
    raise NumberTextError(ProblemKind.NOT_YES_NO, YES_NO_MESSAGE)


def scalar_of(annotation: Any) -> type | None:
    """``int``, ``float`` or ``bool`` when a model's field holds one (optional or
    constrained), else None (text, dates, lists, choices)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return scalar_of(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        kinds = {scalar_of(a) for a in get_args(annotation) if a is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    return annotation if annotation in (bool, int, float) else None


def from_typed(kind: type, text: str) -> int | float | bool:
    """Typed ``text`` as the ``kind`` of :func:`scalar_of` (the one grammar for each)."""
    if kind is int:
        return whole_number(text)
    if kind is float:
        return decimal_number(text)
    return yes_no(text)


def is_strictly(kind: type, value: object) -> bool:
    """Whether ``value`` (from JSON) is of ``kind`` as such: ``true`` is no number, ``1`` no
    yes/no and ``"0.5"`` no number; a whole number is a number too."""
    if isinstance(value, bool) or kind is bool:
        return kind is bool and isinstance(value, bool)
    if kind is int:
        return isinstance(value, int)
    return isinstance(value, int | float)


def whole_from_text(value: object) -> object:
    """A pydantic ``BeforeValidator`` for a whole number that arrives as text (an address's
    path or query): read by :func:`whole_number`, never by Python's laxer ``int()``."""
    if not isinstance(value, str):
        return value
    try:
        return whole_number(value)
    except NumberTextError as exc:
        if exc.kind is ProblemKind.TOO_LONG and len(value) <= _INT_TEXT_MAX:
            # A whole number, only too large: the field's own range says what is allowed.
            return int(value.strip())
        raise PydanticCustomError("int_parsing", str(exc)) from None


_INT_TEXT_MAX: Final[int] = 4300
"""Python's own limit on the digits ``int()`` reads (``sys.get_int_max_str_digits``)."""


WholeNumberText = Annotated[int, BeforeValidator(whole_from_text)]
"""A whole number in an address (``/walkers/12``, ``?weeks=4``): ASCII digits only."""
