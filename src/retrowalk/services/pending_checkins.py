"""The session still waiting for its next-morning report, and red-flag questions unasked.

RULES.md §3: the morning after a session decides the next one. Today's page asks for that
report before it offers a session, a walker's next session is refused until it is given,
and for a clinician or the terminal entering a paper diary the report-less session is decided
"hold" before the next one is stored.

RULES.md §7.7: the morning check-in also asks whether a red flag is new since the session.
A check-in decided without its report (a later session was logged first) leaves those
questions unasked, and a missing report must not drop them (**policy**, found by the
outside-in test): until the walker answers them — at her next check-in, or in a red-flag
report — her today asks them first and her own next session waits for them. The progression
decision stays "hold" (§3): only the safety questions are carried over.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from retrowalk.services.clock import local_date
from retrowalk.store import repositories as repo
from retrowalk.store.models import Walker, WalkSession

CHECKIN_FIRST = (
    "First the morning check-in for your session on {day}: how your knee is the morning after "
    "decides today's session. Open the check-in, then log or start today's session."
)

RED_FLAGS_FIRST = (
    "First the questions about warning signs: your morning check-in after your session on "
    "{day} was closed without your answers, because another session was logged first. "
    "Answer them (it takes a moment), then log or start today's session."
)
UNASKED_NOTICE = (
    "The morning check-in for the session on {day} was closed without a report (the plan "
    "holds). Its questions about warning signs are not lost: the walker is asked them in the "
    "app before their next session."
)
"""Told to a clinician (or the terminal) whose session closed a check-in without its report."""


def red_flags_unasked_since(
    tx: Session, walker: Walker, day: repo.WalkerDay | None = None
) -> date | None:
    """The date of the oldest session whose red-flag questions were left unasked by a
    check-in decided without its report, and not answered since (None: nothing unasked).
    ``day``: what the caller has read of the walker in ``tx`` already."""
    if day is not None:
        return day.red_flags_unasked_since
    return repo.red_flags_unasked_since(tx, walker.id)


def unreported_session(
    tx: Session,
    walker: Walker,
    performed_at: datetime,
    planned: bool | None,
    day: repo.WalkerDay | None = None,
) -> WalkSession | None:
    """The last session, when a new one performed at ``performed_at`` must first decide it
    without its morning report (a plan exists, it is on an earlier day, no report came).
    ``planned``: whether a plan exists, when the caller already knows (None: look it up);
    ``day``: the walker's last session, plan and whether a report came, when the caller has
    read them in ``tx`` (:func:`repositories.walker_day`)."""
    previous = day.last_session if day is not None else repo.last_session(tx, walker.id)
    if previous is None:
        return None
    if local_date(performed_at, walker.timezone) <= previous.local_date:
        return None
    if planned is None:
        planned = (
            day.plan is not None
            if day is not None
            else repo.latest_prescription(tx, walker.id) is not None
        )
    if not planned:
        return None
    if day is not None:
        reported = day.last_reported
    else:
        reported = repo.checkin_for_session(tx, previous.id) is not None
    return None if reported else previous


def checkin_opens_on(session: WalkSession, walker: Walker) -> date:
    """The first local date the session's morning report may be given: the day after it was
    walked, or, for a session the walker logged on a later day, the day after she logged it.
    A late log cannot be followed at once by its "next-morning" report: back-dating sessions
    and reporting each at once squeezed weeks of progression into minutes (**policy**, found by
    the outside-in test). A clinician or the terminal entering a paper diary keeps the date
    walked."""
    opens = session.local_date
    if session.recorded_by == walker.account_id:
        opens = max(opens, local_date(session.logged_at, walker.timezone))
    return opens + timedelta(days=1)


def due_checkin(
    tx: Session,
    walker: Walker,
    at: datetime,
    day: repo.WalkerDay | None = None,
) -> WalkSession | None:
    """The session whose morning report is due at ``at`` and not given: the walker's today
    asks it first, and her next session waits for it (``day``: as for
    :func:`unreported_session`)."""
    waiting = unreported_session(tx, walker, at, planned=None, day=day)
    if waiting is None or local_date(at, walker.timezone) < checkin_opens_on(waiting, walker):
        return None
    return waiting
