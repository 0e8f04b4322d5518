"""When the next session is, in the walker's words (found by the outside-in test of the words:
"Next session: today, about 10:00" read at 7 pm). A planned day's session is offered all day,
so once its usual time has passed it is "today, when you are ready"; a later day keeps its
usual time."""

from __future__ import annotations

from datetime import timedelta

from retrowalk.present.days import next_session_words
from retrowalk.services import accounts, reminders
from retrowalk.services.context import AppContext
from tests.services.factory import T0, planned_walker


def _words(ctx: AppContext, hours_after_t0: float) -> str:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    shown = reminders.upcoming(ctx.at(T0 + timedelta(hours=hours_after_t0)), admin, walker.id)
    assert shown.next_session is not None
    return next_session_words(
        shown.next_session, shown.local_date, shown.session_time, shown.usual_time_passed
    )


def test_before_the_usual_time_the_next_session_is_today_at_that_time(ctx: AppContext) -> None:
    # T0 is Monday 5 January 2026, 09:00 in London: a planned day (3 a week: Mon, Wed, Fri)
    assert _words(ctx, 0) == "today, about 10:00"


def test_at_7_pm_the_next_session_is_today_when_she_is_ready(ctx: AppContext) -> None:
    assert _words(ctx, 10) == "today, when you are ready"


def test_on_a_day_without_a_session_the_next_is_a_later_day_at_the_usual_time(
    ctx: AppContext,
) -> None:
    # Tuesday 6 January, 19:00: the next planned day is Wednesday
    assert _words(ctx, 24 + 10) == "tomorrow (Wednesday), about 10:00"
