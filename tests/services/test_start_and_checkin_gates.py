"""What a walker may do, and when: no session before they may start, no same-day check-in.

RULES §3 decides on the report of the morning AFTER a session; and a session logged before
screening, a plan or a clearance would be stored against no prescription. Safety data (an
adverse event) is still stored whenever a plan exists. Both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from retrowalk.services import (
    accounts,
    assessments,
    checkins,
    clinician,
    history,
    plans,
    screening,
    sessions,
)
from retrowalk.services.context import AppContext
from retrowalk.services.errors import CheckinNotOpen, Conflict, NotReadyToWalk
from retrowalk.services.schemas import Actor, Role, WalkerOut
from tests.services.factory import (
    MORE_NO,
    NO_STEADI,
    T0,
    enrol,
    morning,
    planned_walker,
    session_data,
)

CLEARANCE_PARQ = [True, False, False, False, True, False, False]
"""PAR-Q with a "yes" (heart condition): the plan waits for a clinician's clearance."""


def _stored_sessions(ctx: AppContext, admin: Actor, walker: WalkerOut) -> int:
    return len(
        history.walker_history(
            ctx.at(T0 + timedelta(days=3)),
            admin,
            walker.id,
        ).sessions
    )


# --- 1. the next-morning check-in opens on the next local date ---------------------------------


def test_same_day_checkin_is_refused_and_nothing_is_stored(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    sessions.log_session(ctx, admin, walker.id, session_data("s0", T0))
    before = plans.current_prescription(ctx, admin, walker.id)
    with pytest.raises(CheckinNotOpen, match="opens on Tuesday 6 January") as caught:
        checkins.morning_checkin(
            ctx,
            admin,
            walker.id,
            {
                "pain_nprs": 2,
                "stiffness_nprs": 2,
                "new_red_flags": [],
                "at": (T0 + timedelta(hours=5)).isoformat(),
            },
        )
    assert isinstance(caught.value, Conflict), "the web layer answers 409"
    assert str(caught.value).count(".") == 1, "one sentence"
    assert plans.current_prescription(ctx, admin, walker.id) == before
    # The real next morning is still open: the refusal lost nothing.
    out = checkins.morning_checkin(ctx, admin, walker.id, morning(T0))
    assert out.decision == "hold"


@pytest.mark.parametrize(
    ("timezone", "performed_at", "checkin_at", "accepted"),
    [
        # Auckland (UTC+13 in January): 22:00 on the 5th, then 07:00 on the 6th: next morning;
        # 01:00 on the 6th is the next date but not yet the morning (policy: from 6 o'clock).
        ("Pacific/Auckland", datetime(2026, 1, 5, 9, tzinfo=UTC), timedelta(hours=9), True),
        ("Pacific/Auckland", datetime(2026, 1, 5, 9, tzinfo=UTC), timedelta(hours=3), False),
        # Los Angeles (UTC-8): 09:00 on the 5th, then 18:00 the same local day (UTC: the 6th).
        ("America/Los_Angeles", datetime(2026, 1, 5, 17, tzinfo=UTC), timedelta(hours=9), False),
        # Los Angeles: 22:00 on the 4th, then noon on the 5th (UTC: the same date, the 5th).
        ("America/Los_Angeles", datetime(2026, 1, 5, 6, tzinfo=UTC), timedelta(hours=14), True),
    ],
)
def test_checkin_day_is_the_walkers_local_date(
    ctx: AppContext,
    timezone: str,
    performed_at: datetime,
    checkin_at: timedelta,
    accepted: bool,
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin, timezone=timezone)
    screening.screen_walker(
        ctx.at(T0 - timedelta(days=1)),
        admin,
        walker.id,
        {
            "used_to_activity": True,
            "parq": [False] * 7,
            "red_flags": [],
            "steadi": NO_STEADI,
            **MORE_NO,
        },
    )
    assessments.record_assessment(
        ctx.at(T0 - timedelta(days=1)),
        admin,
        walker.id,
        {"backward_walk_3m_s": 4.0},
    )
    plans.make_plan(
        ctx.at(T0 - timedelta(days=1)),
        admin,
        walker.id,
    )
    sessions.log_session(ctx, admin, walker.id, session_data("s", performed_at))
    report = {
        "pain_nprs": 1,
        "stiffness_nprs": 1,
        "new_red_flags": [],
        "at": (performed_at + checkin_at).isoformat(),
    }
    if accepted:
        assert checkins.morning_checkin(ctx, admin, walker.id, report).decision
    else:
        with pytest.raises(CheckinNotOpen, match="opens on"):
            checkins.morning_checkin(ctx, admin, walker.id, report)


# --- 2. no session before the walker may start --------------------------------------------------


def test_unscreened_walker_cannot_log_a_session(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin)
    with pytest.raises(NotReadyToWalk, match="answer the screening questions first"):
        sessions.log_session(ctx, admin, walker.id, session_data("s", T0))
    assert _stored_sessions(ctx, admin, walker) == 0


def test_red_flag_refuses_sessions_until_a_doctor_refers(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin)
    screening.screen_walker(
        ctx.at(T0),
        admin,
        walker.id,
        {
            "used_to_activity": True,
            "parq": [False] * 7,
            "red_flags": ["locked_knee"],
            "steadi": NO_STEADI,
            **MORE_NO,
        },
    )
    with pytest.raises(NotReadyToWalk, match=r"red flag.*Get emergency care now"):
        sessions.log_session(ctx, admin, walker.id, session_data("s", T0))
    assert _stored_sessions(ctx, admin, walker) == 0
    # ... but a fall is always stored, plan or not: it must reach the clinician
    fell = session_data("fall", T0, adverse_events=["fall"], completed=False)
    assert sessions.log_session(ctx, admin, walker.id, fell).created
    assert _stored_sessions(ctx, admin, walker) == 1


def test_no_plan_yet_says_do_the_baseline_tests(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin)
    screening.screen_walker(
        ctx.at(T0),
        admin,
        walker.id,
        {
            "used_to_activity": True,
            "parq": [False] * 7,
            "red_flags": [],
            "steadi": NO_STEADI,
            **MORE_NO,
        },
    )
    with pytest.raises(NotReadyToWalk, match=r"baseline tests.*Timed Up and Go.*plan"):
        sessions.log_session(ctx, admin, walker.id, session_data("s", T0))
    assessments.record_assessment(
        ctx.at(T0),
        admin,
        walker.id,
        {"backward_walk_3m_s": 4.0},
    )
    with pytest.raises(NotReadyToWalk, match="make the plan first"):
        sessions.log_session(ctx, admin, walker.id, session_data("s", T0))
    plans.make_plan(
        ctx.at(T0),
        admin,
        walker.id,
    )
    assert sessions.log_session(ctx, admin, walker.id, session_data("s", T0)).created


def test_awaiting_clearance_refuses_a_session_but_keeps_an_adverse_event(
    ctx: AppContext,
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin, parq=CLEARANCE_PARQ)
    with pytest.raises(NotReadyToWalk, match="clinician must clear you"):
        sessions.log_session(ctx, admin, walker.id, session_data("s", T0))
    assert _stored_sessions(ctx, admin, walker) == 0
    # Safety data is never refused once a plan exists: the fall reaches the clinician.
    fell = session_data("fall", T0, duration_min=0, adverse_events=["fall"], completed=False)
    stored = sessions.log_session(ctx, admin, walker.id, fell)
    assert stored.created
    assert stored.adverse_events == ("fall",)
    assert (
        "adverse_event"
        in clinician.walker_flags(
            ctx.at(T0),
            admin,
        )[0].flags
    )
    clinician.clear_walker(ctx, admin, walker.id, {"scope": "start", "reason": "GP letter"})
    later = T0 + timedelta(days=1)
    # A fall stops every session until a clinician has reviewed it (RULES §7.8): the
    # PAR-Q clearance lifts exactly the clearance requirement, not the review.
    with pytest.raises(NotReadyToWalk, match="reviewed"):
        sessions.log_session(ctx, admin, walker.id, session_data("s", later))
    clinician.clear_walker(
        ctx, admin, walker.id, {"scope": "adverse_event", "reason": "Seen: no injury."}
    )
    assert sessions.log_session(ctx, admin, walker.id, session_data("s", later)).created


def test_a_retry_of_a_stored_session_is_still_answered(ctx: AppContext) -> None:
    """Idempotency first: a phone resending a stored session gets it back, not a refusal."""
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    first = sessions.log_session(ctx, admin, walker.id, session_data("s", T0))
    again = sessions.log_session(ctx, admin, walker.id, session_data("s", T0))
    assert again.id == first.id
    assert not again.created


# --- 5. plain words -----------------------------------------------------------------------------


def test_today_names_the_baseline_tests_in_plain_words(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin)
    screening.screen_walker(
        ctx.at(T0),
        admin,
        walker.id,
        {
            "used_to_activity": True,
            "parq": [False] * 7,
            "red_flags": [],
            "steadi": NO_STEADI,
            **MORE_NO,
        },
    )
    today = plans.todays_prescription(
        ctx.at(T0),
        admin,
        walker.id,
    )
    assert today.status == "needs_assessment"
    assert "Timed Up and Go" in today.message
    assert "TUG" not in today.message
    assert "3-m " not in today.message


# --- the morning check-in comes first (found by the outside-in test) ------------------------


def test_a_walker_checks_in_before_the_next_session(ctx: AppContext) -> None:
    """Logging today's session first decided yesterday's "hold, missing report", after which
    a knee at 8/10 could never be reported: today now asks the check-in first, and the
    walker's next session waits for it (RULES.md §3)."""
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    me = Actor(account_id=walker.account_id, role=Role.WALKER)
    sessions.log_session(ctx.at(T0), me, walker.id, session_data("mon", T0))
    tuesday = T0 + timedelta(days=1, hours=1)
    today = plans.todays_prescription(ctx.at(tuesday), me, walker.id)
    assert today.status == "checkin_first"
    assert not today.session_offered
    assert "First the morning check-in" in today.message
    with pytest.raises(NotReadyToWalk, match="First the morning check-in"):
        sessions.log_session(ctx.at(tuesday), me, walker.id, session_data("tue", tuesday))
    fall = session_data("tue-fall", tuesday, adverse_events=["fall"], completed=False)
    assert sessions.log_session(ctx.at(tuesday), me, walker.id, fall).adverse_events  # stored
    # the clinic's terminal entering a paper diary goes on: the report-less session is "hold"
    assert plans.todays_prescription(ctx.at(tuesday), admin, walker.id).status != "checkin_first"


def test_after_the_check_in_the_session_is_offered(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    me = Actor(account_id=walker.account_id, role=Role.WALKER)
    sessions.log_session(ctx.at(T0), me, walker.id, session_data("mon", T0))
    tuesday = T0 + timedelta(days=1, hours=1)
    checkins.morning_checkin(
        ctx.at(tuesday), me, walker.id, {"pain_nprs": 2, "stiffness_nprs": 1, "new_red_flags": []}
    )
    assert plans.todays_prescription(ctx.at(tuesday), me, walker.id).status == "ready"
    sessions.log_session(ctx.at(tuesday), me, walker.id, session_data("tue", tuesday))


def test_a_late_logged_session_is_reported_the_morning_after_it_was_logged(
    ctx: AppContext,
) -> None:
    """Back-dating sessions and sending each "next-morning" report at once took a plan from
    10 to 25 minutes in a minute (found by the outside-in test): a session the walker logs
    days late gets its report the morning after she logged it."""
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    me = Actor(account_id=walker.account_id, role=Role.WALKER)
    thursday = T0 + timedelta(days=3)
    sessions.log_session(ctx.at(thursday), me, walker.id, session_data("mon", T0))
    report = {"pain_nprs": 2, "stiffness_nprs": 1, "new_red_flags": []}
    with pytest.raises(CheckinNotOpen, match="opens on Friday 9 January"):
        checkins.morning_checkin(ctx.at(thursday + timedelta(hours=1)), me, walker.id, report)
    assert plans.todays_prescription(ctx.at(thursday), me, walker.id).status != "checkin_first"
    friday = T0 + timedelta(days=4)
    assert plans.todays_prescription(ctx.at(friday), me, walker.id).status == "checkin_first"
    assert checkins.morning_checkin(ctx.at(friday), me, walker.id, report).decision
