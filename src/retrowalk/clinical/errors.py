"""Named errors of the clinical core.

Every error carries one sentence a person can read: which field was wrong and what is
allowed. Adapters (CLI, web) show that sentence as it is; nothing is silently clamped.
"""

from __future__ import annotations

from typing import Final


class ClinicalError(ValueError):
    """Base of every error raised by :mod:`retrowalk.clinical`."""


class InvalidInputError(ClinicalError):
    """An input value is outside what a rule accepts.

    ``field`` names the input (for example ``"tug_s"`` or ``"P3"``); ``allowed`` says what
    would have been accepted (for example ``"a number of seconds above 0"``).
    """

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: {shown(value)} is not allowed; expected {allowed}.")


def shown(value: object) -> str:
    """A value as a person reads it: ``true`` as yes, a list as its items ("2 answers: yes,
    no"), text in quotes; never Python's ``(True,)``."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "nothing"
    if isinstance(value, list | tuple):
        items = ", ".join(shown(v) for v in value[:SHOWN_ITEMS_MAX])
        items += ", …" if len(value) > SHOWN_ITEMS_MAX else ""
        count = f"{len(value)} answer{'s' if len(value) != 1 else ''}"
        return f"{count} ({items})" if value else "no answers"
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, float):
        # 2.0 stays 2.0: "2 is not allowed; expected a whole number" would read as nonsense.
        return (
            f"{value:.1f}" if value.is_integer() and abs(value) < _PLAIN_FLOAT_MAX else f"{value:g}"
        )
    return str(value)


SHOWN_ITEMS_MAX: Final[int] = 10
"""A message lists at most this many of a list's items (presentation, not a rule)."""

_PLAIN_FLOAT_MAX: Final[float] = 1e15
"""Whole floats below this are written out with ``.0``; larger ones in ``1e+20`` form."""


class CannotDecideError(ClinicalError):
    """A rule lacks what it needs to decide (for example an unmeasured backward speed)."""
