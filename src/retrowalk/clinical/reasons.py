"""Why the program decided what it did.

Every decision (screening outcome, fall-risk level, prescription, progression step) carries
a tuple of :class:`Reason`, each worded for the walker (``message``) and, where that wording
addresses her, for the clinician too (``clinician_message``). A reason names the rule that
fired with its numbers, the evidence-catalogue entries it rests on (keys of
:mod:`retrowalk.clinical.evidence`), and whether it is our own **policy** choice or an
**extrapolation** from another population — the UI must label both as such.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from pydantic import BaseModel, ConfigDict

THE_WALKERS: Final[str] = "the walker's"
"""What a clinician's sentence says where the walker's says "your"."""


class Reason(BaseModel):
    """One rule that fired, in words a walker and a clinician can both read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    """Stable identifier of the rule, e.g. ``"fall_risk.tug"``; used by tests and the UI."""
    message: str
    """A plain sentence with the numbers,
    e.g. "Timed Up and Go took 12.4 s (at risk from 12 s)."."""
    sources: tuple[str, ...] = ()
    """Evidence-catalogue keys this rule rests on."""
    policy: bool = False
    """True when the rule is retrowalk's own design choice, not a published finding."""
    extrapolation: bool = False
    """True when the rule comes from another population or condition than knee pain."""
    clinician_message: str | None = None
    """The message as the clinician reads it, where the walker's words address her ("your
    usual level" → "the walker's usual level"); None where one sentence reads right to both.
    Older stored reasons have none: they are shown as they were written."""

    @property
    def for_clinician(self) -> str:
        """The sentence for the clinician's pages, reports and exports."""
        return self.clinician_message or self.message


def spoken_date(day: date) -> str:
    """A date as a person reads it in a sentence: "Tuesday 1 December" (never 2026-12-01)."""
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B')}"
