"""How far back a record may be dated: the server's clock decides, never the sender.

Nothing is dated in the future; a walker dates her own records at most
``PolicyConfig.walker_backdate_max_days`` back (policy), and a clinician or the terminal, who
write down what was done or said earlier, as far back as the years a typed time may fall in
(``services.clock``). A red-flag report is dated on or after the day the walker was enrolled
(:func:`check_since_enrolment`): a sign "new since the last session" (RULES.md §7.7) from
before she was in the programme is a typing error, and the screening's own red-flag
questions (§1.2) are where a sign she had before enrolment is recorded.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from retrowalk.clinical.policy import PolicyConfig
from retrowalk.services.clock import local_date
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.schemas import Actor, Role
from retrowalk.store.models import Walker


def check_when(
    actor: Actor, when: datetime, now: datetime, field: str, what: str, policy: PolicyConfig
) -> None:
    """The server's clock decides: nothing happens in the future, and a walker dates their
    own records at most ``PolicyConfig.walker_backdate_max_days`` back (policy)."""
    if when > now:
        raise InvalidRequest(
            f"{field}: {when.isoformat()} is in the future; {what} can only be recorded once "
            "it has happened.",
            field=field,
        )
    days = policy.walker_backdate_max_days
    if actor.role is Role.WALKER and when < now - timedelta(days=days):
        raise InvalidRequest(
            f"{field}: {when.date().isoformat()} is more than {days} days ago; you can log "
            f"{what} of the last {days} days. For an older one, ask your clinician to enter it.",
            field=field,
        )


def check_since_enrolment(walker: Walker, when: datetime, field: str, what: str) -> None:
    """``when`` falls on or after the walker's day of enrolment (her own calendar date, so a
    sign she phoned in that morning is kept when she was entered in the afternoon)."""
    enrolled = local_date(walker.created_at, walker.timezone)
    day = local_date(when, walker.timezone)
    if day < enrolled:
        raise InvalidRequest(
            f"{field}: {day.isoformat()} is before the walker was enrolled on "
            f"{enrolled.isoformat()}; date {what} on or after that day (a warning sign she "
            "had before enrolment is asked at the screening).",
            field=field,
        )
