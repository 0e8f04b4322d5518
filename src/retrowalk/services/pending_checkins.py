"""The session still waiting for its next-morning report.

RULES.md §3: the morning after a session decides the next one. Today's page asks for that
report before it offers a session, a walker's next session is refused until it is given,
and for a clinician or the terminal entering a paper diary the report-less session is decided
"hold" before the next one is stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from retrowalk.services.clock import local_date
from retrowalk.store import repositories as repo
from retrowalk.store.models import Walker, WalkSession

CHECKIN_FIRST = (
    "First the morning check-in for your session on {day}: how your knee is the morning after "
    "decides today's session. Open the check-in, then log or start today's session."
)


def unreported_session(
    tx: Session, walker: Walker, performed_at: datetime, planned: bool | None
) -> WalkSession | None:
    """The last session, when a new one performed at ``performed_at`` must first decide it
    without its morning report (a plan exists, it is on an earlier day, no report came).
    ``planned``: whether a plan exists, when the caller already knows (None: look it up)."""
    previous = repo.last_session(tx, walker.id)
    if previous is None:
        return None
    if local_date(performed_at, walker.timezone) <= previous.local_date:
        return None
    if planned is None:
        planned = repo.latest_prescription(tx, walker.id) is not None
    if not planned or repo.checkin_for_session(tx, previous.id) is not None:
        return None
    return previous
