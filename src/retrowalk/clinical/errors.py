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
        super().__init__(f"{field}: {value!r} is not allowed; expected {allowed}.")


class CannotDecideError(ClinicalError):
    """A rule lacks what it needs to decide (for example an unmeasured backward speed)."""
