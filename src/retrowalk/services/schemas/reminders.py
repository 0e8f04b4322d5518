"""Reminders: what is planned next (today's page), the calendar feed, the printable plan."""

from __future__ import annotations

from datetime import date, time

from retrowalk.services.schemas.base import FrozenModel
from retrowalk.services.schemas.walking import PrescriptionOut


class UpcomingOut(FrozenModel):
    """What comes next for the walker, on their own calendar dates."""

    local_date: date
    next_session: date | None
    """The next planned session day (today when today is one and no session is logged yet);
    None while something stops sessions (only the clinician lifts that) or there is no plan."""
    checkin_tomorrow: bool
    """A session was logged today: its morning check-in is tomorrow morning."""
    planned_sessions: tuple[date, ...]
    """Planned session days from today for the feed's weeks (none while sessions are stopped)."""
    checkins: tuple[date, ...]
    """Mornings with a check-in: after each planned session, and tomorrow after today's."""
    session_time: time
    usual_time_passed: bool = False
    """The next session is today and its usual time (``session_time``) has passed: it can
    still be walked today (a planned day's session is offered all day)."""
    checkin_time: time
    duration_min: float | None
    """Minutes of backward walking in the plan (None without a plan)."""
    warm_and_cool_min: float
    """Minutes of forward walking before and after (the warm-up and cool-down together)."""
    warm_up_min: float = 0.0
    """Minutes of easy forward walking before (the plan's warm-up)."""
    cool_down_min: float = 0.0
    """Minutes of easy forward walking after (the plan's cool-down)."""
    sessions_stopped: bool
    """Something stops sessions now (a red flag, a review, a rest day...)."""


class CalendarLinkOut(FrozenModel):
    """The secret part of the walker's calendar feed address (``/calendar/<token>.ics``)."""

    walker_id: int
    token: str
    """Shown only to the walker (and made again from the stored nonce, never stored itself)."""


class CalendarFeedOut(FrozenModel):
    """What the feed at a valid address holds; nothing about who it is for beyond the plan."""

    walker_id: int
    timezone: str
    upcoming: UpcomingOut


class PrintablePlanOut(FrozenModel):
    """The plan on one printed page: the prescription, the cues, the exercises, who to call."""

    walker_name: str
    local_date: date
    prescription: PrescriptionOut
    supervised: bool
    supervision_why: tuple[str, ...]
    posture_cues: tuple[str, ...]
    safety_cues: tuple[str, ...]
    exercises: tuple[str, ...]
    """The strengthening exercises as the plan names them now."""
    step_rate_per_min: float | None
    clinician_name: str | None
    clinician_email: str | None
    upcoming: UpcomingOut
    sessions_stopped: tuple[str, ...] = ()
    """What stops every session now (a red flag, a review, a rest day...), title and what to
    do: printed first, so a printout never reads as a plan to follow while walking is stopped."""
