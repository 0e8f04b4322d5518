"""When the strengthening exercises wait: while a restriction stops every session.

A red flag means stop and see a doctor first (RULES.md §1.2, §7.7); chest pain, dizziness or
a fall means no further sessions until a clinician has reviewed (§7.8); a rest day and an
awaited clearance stop the sessions too. That the strengthening exercises stop with them is
retrowalk's own rule (**policy**): the rules name the backward walking, and exercising a knee
that may need a doctor, or with chest pain, is no safer. The stop is held on the server (the
page, the JSON API and the terminal all meet it), and only a clinician's recorded clearance
of the restriction lifts it, as for the sessions.
"""

from __future__ import annotations

from collections.abc import Iterable

from retrowalk.clinical.restriction_models import Effect, Restrictions
from retrowalk.services.schemas.restrictions import RestrictionOut

EXERCISES_WAIT = (
    "Your strengthening exercises wait too, until your clinician has seen you and says you "
    "can start again (a retrowalk rule, to be safe while backward walking is stopped)."
)
"""What the walker is told wherever the exercises wait (labelled as retrowalk's rule)."""


def exercise_blocker(restrictions: Restrictions) -> str | None:
    """Why no exercise can be ticked now (what to do first), or None when they may be."""
    if not restrictions.blocks_sessions:
        return None
    first = restrictions.blocking[0]
    parts = [first.emergency or "", f"No exercises can be ticked now: {first.title.lower()}."]
    parts += [*first.what_to_do, EXERCISES_WAIT]
    return " ".join(p for p in dict.fromkeys(parts) if p)


def exercises_wait(active: Iterable[RestrictionOut]) -> bool:
    """Whether these active restrictions (as shown) stop the exercises."""
    return any(r.effect is Effect.NO_SESSIONS for r in active)
