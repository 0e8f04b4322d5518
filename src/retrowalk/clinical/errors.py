"""Named errors of the clinical core.

Every error carries one sentence a person can read: which field was wrong and what is
allowed. Adapters (CLI, web) show that sentence as it is; nothing is silently clamped.
"""

from __future__ import annotations


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
        items = ", ".join(shown(v) for v in value[:10]) + (", …" if len(value) > 10 else "")
        count = f"{len(value)} answer{'s' if len(value) != 1 else ''}"
        return f"{count} ({items})" if value else "no answers"
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class CannotDecideError(ClinicalError):
    """A rule lacks what it needs to decide (for example an unmeasured backward speed)."""
