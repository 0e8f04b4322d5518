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

from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.reasons import spoken_date
from retrowalk.services.clock import local_date
from retrowalk.services.policies import policy_in
from retrowalk.store import repositories as repo
from retrowalk.store.models import Walker, WalkSession

NOON_HOUR: Final[int] = 12
EVENING_HOUR: Final[int] = 18
"""Where "in the afternoon" ends and "in the evening" begins, in a time said in words."""

CHECKIN_FIRST = (
    "First the morning check-in for your session on {day}: how your knee is the morning after "
    "decides today's session. Open the check-in, then log or start today's session."
)

CHECKIN_LATER_TODAY = (
    "First the morning check-in for your session on {day}: it opens {when}. How your knee "
    "is the morning after, after a night's rest, decides today's session. Please come back "
    "then, do the check-in, then log or start today's session."
)
"""Today's words while the report that opens this morning is not open yet (a session at
23:50 and today at 00:33: the walker waits for the morning)."""

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


def _opening_day(session: WalkSession, walker: Walker) -> date:
    """The local date the report opens on: the day after the session was walked, or, for a
    session the walker logged on a later day, the day after she logged it. A late log cannot
    be followed at once by its "next-morning" report: back-dating sessions and reporting each
    at once squeezed weeks of progression into minutes (**policy**, found by the outside-in
    test). A clinician or the terminal entering a paper diary keeps the date walked."""
    walked_or_logged = session.local_date
    if logged_late(session, walker):
        walked_or_logged = local_date(session.logged_at, walker.timezone)
    return walked_or_logged + timedelta(days=1)


def logged_late(session: WalkSession, walker: Walker) -> bool:
    """Whether the walker herself logged the session on a later day than she walked it: both
    moments read on one clock (her zone now), so a corrected time zone never makes a session
    logged the same evening "late" (found by the outside-in test)."""
    zone = walker.timezone
    return session.recorded_by == walker.account_id and (
        local_date(session.logged_at, zone) > local_date(session.performed_at, zone)
    )


def checkin_opens_at(session: WalkSession, walker: Walker, policy: PolicyConfig) -> datetime:
    """The first moment the session's morning report may be given, on the walker's own clock
    (an aware time with her UTC offset): in the morning of its opening day, from
    ``checkin_opens_hour_local``, and ``checkin_min_hours_after_session`` after the session
    (both **policy**). RULES.md §3 asks how the knee is *the next morning*: a report minutes
    after a session late in the evening is not that (found by the outside-in test: 00:33
    after a session at 23:50 counted as the next morning)."""
    zone = ZoneInfo(walker.timezone)
    morning = datetime.combine(
        _opening_day(session, walker), time(hour=policy.checkin_opens_hour_local), tzinfo=zone
    )
    rested = session.performed_at + timedelta(hours=policy.checkin_min_hours_after_session)
    return max(morning.astimezone(UTC), rested.astimezone(UTC)).astimezone(zone)


def checkin_opens_on(session: WalkSession, walker: Walker, policy: PolicyConfig) -> date:
    """The local date the session's morning report opens (see :func:`checkin_opens_at`)."""
    return checkin_opens_at(session, walker, policy).date()


def hour_words(moment: time) -> str:
    """A time of day as a walker says it: "6 in the morning", "7:50 in the morning",
    "2 in the afternoon", "12 noon" (never "06:00")."""
    if moment.hour == NOON_HOUR and moment.minute == 0:
        return "12 noon"
    hour = moment.hour % NOON_HOUR or NOON_HOUR
    clock = f"{hour}:{moment.minute:02d}" if moment.minute else str(hour)
    if moment.hour < NOON_HOUR:
        return f"{clock} in the morning" if moment.hour else f"{clock} at night"
    return f"{clock} in the afternoon" if moment.hour < EVENING_HOUR else f"{clock} in the evening"


def checkin_not_open_message(session: WalkSession, walker: Walker, opens: datetime) -> str:
    """Why the report is refused now, and when it opens, in words (the API, the terminal)."""
    return (
        f"The next-morning check-in for the session of {spoken_date(session.local_date)} "
        f"opens on {spoken_date(opens.date())}, from {hour_words(opens.time())} "
        "(your time): how the knee feels the morning after, after a night's rest, decides "
        "the next session."
    )


def checkin_first_words(session_on: date, opens: datetime | None, at: datetime | None) -> str:
    """Why today's session waits for the report of the session of ``session_on``: the report
    to give now, or, before it opens this morning (a session at 23:50, a log at 02:00), when
    it opens — never "open the check-in" while it cannot be opened."""
    day = spoken_date(session_on)
    if opens is not None and at is not None and opens > at:
        return CHECKIN_LATER_TODAY.format(day=day, when=f"today, from {hour_words(opens.time())}")
    return CHECKIN_FIRST.format(day=day)


def due_checkin(
    tx: Session,
    walker: Walker,
    at: datetime,
    day: repo.WalkerDay | None = None,
    policy: PolicyConfig | None = None,
) -> WalkSession | None:
    """The session whose morning report is due on the day of ``at`` and not given: the
    walker's today asks it first, and her next session waits for it, from midnight of its
    opening day even before the report opens that morning (a session at 00:30 never skips
    the report; ``day``: as for :func:`unreported_session`; ``policy``: the clinic's, read
    when not given)."""
    waiting = unreported_session(tx, walker, at, planned=None, day=day)
    if waiting is None:
        return None
    if policy is None:
        _, policy = policy_in(tx)
    if local_date(at, walker.timezone) < checkin_opens_on(waiting, walker, policy):
        return None
    return waiting
