"""Why the program decided what it did.

Every decision (screening outcome, fall-risk level, prescription, progression step) carries
a tuple of :class:`Reason`. A reason names the rule that fired with its numbers, the
evidence-catalogue entries it rests on (keys of :mod:`retrowalk.clinical.evidence`), and
whether it is our own **policy** choice or an **extrapolation** from another population —
the UI must label both as such.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


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


def spoken_date(day: date) -> str:
    """A date as a person reads it in a sentence: "Tuesday 1 December" (never 2026-12-01)."""
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B')}"
