"""The supervised start counts real sessions, one a day (**policy**, RULES.md §1.3
'Consequence'): found by the outside-in test, two sessions of six seconds logged "with
someone" one afternoon let the third be walked alone. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from retrowalk.clinical.prescription import SUPERVISED_START_COUNTS_FROM_MIN
from retrowalk.services import accounts, plans, sessions
from retrowalk.services.context import AppContext
from tests.services.factory import T0, planned_walker, session_data


def test_seconds_long_sessions_and_two_on_one_day_do_not_end_the_supervised_start(
    ctx: AppContext,
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    day1 = T0 + timedelta(days=1)
    for n, minutes in enumerate((0.1, 0.1)):
        sessions.log_session(
            ctx.at(day1 + timedelta(hours=n)),
            admin,
            walker.id,
            session_data(
                f"tap{n}", day1 + timedelta(hours=n), duration_min=minutes, another_today=n > 0
            ),
        )
    after_taps = plans.todays_prescription(ctx.at(day1 + timedelta(days=1)), admin, walker.id)
    assert after_taps.supervised
    assert any("0 done with someone so far" in why for why in after_taps.supervision_why)
    # two real ones on one day count once
    day2 = day1 + timedelta(days=1)
    for n in range(2):
        sessions.log_session(
            ctx.at(day2 + timedelta(hours=n)),
            admin,
            walker.id,
            session_data(
                f"real{n}",
                day2 + timedelta(hours=n),
                another_today=n > 0,
                duration_min=SUPERVISED_START_COUNTS_FROM_MIN,
            ),
        )
    one_day = plans.todays_prescription(ctx.at(day2 + timedelta(days=1)), admin, walker.id)
    assert one_day.supervised
    assert any("1 done with someone so far" in why for why in one_day.supervision_why)
    # a real one on a second day: the start of two is done
    day3 = day2 + timedelta(days=1)
    sessions.log_session(ctx.at(day3), admin, walker.id, session_data("real-day3", day3))
    done = plans.todays_prescription(ctx.at(day3 + timedelta(days=1)), admin, walker.id)
    assert not done.supervised


def test_the_plan_says_what_counts_as_a_supervised_session(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    plan = plans.current_prescription(ctx, admin, walker.id)
    assert plan is not None
    words = " ".join(r.message for r in plan.reasons)
    assert (
        "The first 2 sessions are supervised (each on its own day, "
        f"{SUPERVISED_START_COUNTS_FROM_MIN} minutes or more)"
    ) in words
