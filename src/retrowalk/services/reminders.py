"""Reminders: the planned sessions and morning check-ins, on today's page, in a private
calendar feed any phone calendar subscribes to, and on the printable plan.

Why a feed and not notifications: a calendar the walker already uses reminds her without an
app being open, on any phone, and works offline once synced.

The schedule is a suggestion, not a rule (**policy**): the plan says how many sessions a week,
and those are spread over fixed weekdays (3 a week: Monday, Wednesday, Friday), at
``SESSION_TIME``, with the check-in the next morning at ``CHECKIN_TIME``, in the walker's own
time zone. While something stops sessions (a red flag, a review, a rest day) no session is
planned: only the clinician lifts that.

The feed address is secret: ``/calendar/<walker id>-<HMAC(server key, walker id, nonce)>.ics``.
Only the nonce is stored, so the address can be shown again but a copy of the database (without
the server's key) does not reveal it. Renewing draws a new nonce: the old address stops at
once. A wrong address says nothing (``calendar_feed`` returns None, whatever is wrong).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from retrowalk.clinical.restriction_models import Effect
from retrowalk.services import plans
from retrowalk.services.access import walker_for
from retrowalk.services.clock import local_date, local_time
from retrowalk.services.context import AppContext
from retrowalk.services.errors import AccessDenied
from retrowalk.services.exercises import programme_of
from retrowalk.services.numbers import whole_number_or_none
from retrowalk.services.policies import policy_in
from retrowalk.services.restrictions import restrictions_of
from retrowalk.services.schemas import ID_MAX, Actor, Role
from retrowalk.services.schemas.reminders import (
    CalendarFeedOut,
    CalendarLinkOut,
    PrintablePlanOut,
    UpcomingOut,
)
from retrowalk.services.sign_ins import signing_key
from retrowalk.store import calendar_feeds
from retrowalk.store import repositories as repo
from retrowalk.store.models import Account, CalendarFeed, Walker

SESSION_WEEKDAYS: dict[int, tuple[int, ...]] = {
    1: (2,),
    2: (1, 4),
    3: (0, 2, 4),
    4: (0, 1, 3, 5),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}
"""Weekdays (Monday = 0) of the planned sessions, by sessions a week (policy: spread out)."""
SESSION_TIME = time(10, 0)
"""When a planned session is put in the calendar, local time (policy: mid-morning)."""
CHECKIN_TIME = time(8, 0)
"""When the next-morning check-in is put in the calendar, local time (policy)."""
FEED_DAYS = 28
"""How far ahead the feed plans (four weeks; a calendar re-reads the feed every few hours)."""
KEY_PURPOSE = "calendar-feed"
ONLY_THE_WALKER = "Only the walker can see or renew their own calendar link."


def schedule(
    today: date,
    sessions_per_week: int,
    *,
    logged_today: bool,
    report_due_today: bool,
    stopped: bool,
    days: int = FEED_DAYS,
) -> tuple[tuple[date, ...], tuple[date, ...]]:
    """(planned session days, check-in mornings) from ``today`` on, for ``days`` days."""
    weekdays = SESSION_WEEKDAYS.get(max(1, min(7, sessions_per_week)), SESSION_WEEKDAYS[3])
    window = [today + timedelta(days=n) for n in range(days)]
    planned = [] if stopped else [d for d in window if d.weekday() in weekdays]
    if logged_today:
        planned = [d for d in planned if d != today]
    mornings = {d + timedelta(days=1) for d in planned}
    if logged_today:
        mornings.add(today + timedelta(days=1))
    if report_due_today:
        mornings.add(today)
    return tuple(planned), tuple(sorted(mornings))


def upcoming_in(tx: Session, walker: Walker, at: datetime) -> UpcomingOut:
    """The walker's next session and check-ins, read in the caller's transaction."""
    _, policy = policy_in(tx)
    today = local_date(at, walker.timezone)
    plan = repo.latest_prescription(tx, walker.id)
    stopped = restrictions_of(tx, walker, policy).blocks_sessions
    logged_today = repo.count_sessions(tx, walker.id, on=today) > 0
    unreported = calendar_feeds.last_session_without_checkin(tx, walker.id)
    report_due_today = unreported is not None and unreported.local_date < today
    planned: tuple[date, ...] = ()
    mornings: tuple[date, ...] = (today,) if report_due_today else ()
    if plan is not None:
        planned, mornings = schedule(
            today,
            plan.sessions_per_week,
            logged_today=logged_today,
            report_due_today=report_due_today,
            stopped=stopped,
        )
    details = plan.prescription_json if plan is not None else {}
    next_session = planned[0] if planned else None
    return UpcomingOut(
        local_date=today,
        next_session=next_session,
        checkin_tomorrow=logged_today,
        planned_sessions=planned,
        checkins=mornings,
        session_time=SESSION_TIME,
        usual_time_passed=next_session == today and local_time(at, walker.timezone) > SESSION_TIME,
        checkin_time=CHECKIN_TIME,
        duration_min=plan.duration_min if plan is not None else None,
        warm_and_cool_min=float(details.get("warm_up_min") or 0)
        + float(details.get("cool_down_min") or 0),
        warm_up_min=float(details.get("warm_up_min") or 0),
        cool_down_min=float(details.get("cool_down_min") or 0),
        sessions_stopped=stopped,
    )


def upcoming(ctx: AppContext, actor: Actor, walker_id: int) -> UpcomingOut:
    """The next planned session and the check-ins to come (the walker's today page)."""
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        return upcoming_in(tx, walker, ctx.now())


def _token(key: bytes, walker_id: int, nonce: str) -> str:
    mac = hmac.new(key, f"calendar:{walker_id}:{nonce}".encode(), hashlib.sha256).digest()
    return f"{walker_id}-{base64.urlsafe_b64encode(mac).rstrip(b'=').decode('ascii')}"


def _own_walker(tx: Session, actor: Actor, walker_id: int) -> Walker:
    walker = walker_for(tx, actor, walker_id)
    if actor.role is not Role.WALKER or walker.account_id != actor.account_id:
        raise AccessDenied(ONLY_THE_WALKER)
    return walker


def calendar_link(ctx: AppContext, actor: Actor, walker_id: int) -> CalendarLinkOut | None:
    """The walker's own feed address (its secret part), or None before one is made."""
    key = signing_key(ctx, KEY_PURPOSE)
    with ctx.db.reader() as tx:
        walker = _own_walker(tx, actor, walker_id)
        feed = calendar_feeds.feed_of(tx, walker.id)
        if feed is None:
            return None
        return CalendarLinkOut(walker_id=walker.id, token=_token(key, walker.id, feed.nonce))


def renew_calendar_link(ctx: AppContext, actor: Actor, walker_id: int) -> CalendarLinkOut:
    """Make the walker's feed address, or a new one: the old address stops working (audited)."""
    key = signing_key(ctx, KEY_PURPOSE)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        walker = _own_walker(tx, actor, walker_id)
        feed = calendar_feeds.feed_of(tx, walker.id)
        nonce = secrets.token_hex(32)
        action = "calendar.renew" if feed is not None else "calendar.create"
        if feed is None:
            feed = repo.add(
                tx,
                CalendarFeed(
                    walker_id=walker.id, nonce=nonce, created_at=at, created_by=actor.account_id
                ),
            )
        else:
            feed.nonce, feed.created_at, feed.created_by = nonce, at, actor.account_id
            tx.flush()
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action=action,
            entity="calendar_feed",
            entity_id=feed.id,
            walker_id=walker.id,
            detail={},
        )
        return CalendarLinkOut(walker_id=walker.id, token=_token(key, walker.id, nonce))


def calendar_feed(ctx: AppContext, token: str) -> CalendarFeedOut | None:
    """What the feed at ``/calendar/<token>.ics`` holds; None for any wrong token.

    Not a use case of a signed-in person: the secret address stands for the walker, so a
    phone's calendar can read it. It only reads.
    """
    walker_part, _, _ = token.partition("-")
    walker_id = whole_number_or_none(walker_part) if walker_part.isdigit() else None
    if walker_id is None or not 1 <= walker_id <= ID_MAX:
        return None
    key = signing_key(ctx, KEY_PURPOSE)
    with ctx.db.reader() as tx:
        feed = calendar_feeds.feed_of(tx, walker_id)
        expected = _token(key, walker_id, feed.nonce) if feed is not None else _token(key, 0, "")
        walker = repo.get(tx, Walker, walker_id)
        if feed is None or walker is None or not hmac.compare_digest(expected, token):
            return None
        return CalendarFeedOut(
            walker_id=walker.id,
            timezone=walker.timezone,
            upcoming=upcoming_in(tx, walker, ctx.now()),
        )


def printable_plan(ctx: AppContext, actor: Actor, walker_id: int) -> PrintablePlanOut | None:
    """The plan on one page (walker or their clinician); None while there is no plan."""
    today = plans.todays_prescription(ctx, actor, walker_id)
    plan = today.prescription
    if plan is None:
        return None
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        account = repo.get(tx, Account, walker.account_id)
        clinician = repo.get(tx, Account, walker.clinician_id) if walker.clinician_id else None
        details = plan.details
        return PrintablePlanOut(
            walker_name=account.display_name if account is not None else "",
            local_date=today.local_date,
            prescription=plan,
            supervised=today.supervised,
            supervision_why=today.supervision_why,
            posture_cues=tuple(details.get("posture_cues", ())),
            safety_cues=tuple(details.get("safety_cues", ())),
            # the names /exercises shows, of the exercises on for her (found by the outside-in
            # test: the print had the trial's names, and the knee-OA set for every condition)
            exercises=tuple(
                item.exercise.name for item in programme_of(tx, walker).items if item.enabled
            ),
            step_rate_per_min=today.step_rate_per_min,
            clinician_name=clinician.display_name if clinician is not None else None,
            clinician_email=clinician.email if clinician is not None else None,
            upcoming=upcoming_in(tx, walker, ctx.now()),
            sessions_stopped=tuple(
                " ".join((f"{r.title}.", *r.what_to_do))
                for r in today.restrictions
                if r.effect is Effect.NO_SESSIONS
            ),
        )
