"""The next-morning check-in opens in the walker's morning, not at midnight (RULES.md §3:
pain the next morning must be back to its level): from ``checkin_opens_hour_local`` on her
own clock and ``checkin_min_hours_after_session`` after the session, both **policy**. Found
by the outside-in test: in Brisbane a session at 23:50 was "next morning back to 2/10" at
00:33. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from retrowalk.clinical.policy import PolicyConfig
from retrowalk.services import accounts, checkins, plans, policies, sessions
from retrowalk.services.context import AppContext
from retrowalk.services.errors import CheckinNotOpen, InvalidRequest, NotReadyToWalk
from retrowalk.services.schemas import Actor, Role, TodayStatus
from tests.services.factory import enrol, screened_and_planned, session_data

BRISBANE = "Australia/Brisbane"  # UTC+10 all year (no summer time)
WALKED = datetime(2026, 1, 5, 13, 50, tzinfo=UTC)  # 23:50 on Monday 5 January in Brisbane
TESTS = {"tug_s": 9.0, "tandem_stance_s": 15, "chair_stand_count": 13, "backward_walk_3m_s": 4.0}
REPORT = {"pain_nprs": 2, "stiffness_nprs": 1, "new_red_flags": []}


def _walked_late_in_the_evening(ctx: AppContext) -> tuple[Actor, int, int]:
    """A Brisbane walker who logged her own session at 23:50 local, five minutes after."""
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin, timezone=BRISBANE)
    screened_and_planned(ctx.at(WALKED - timedelta(days=2)), admin, walker.id, TESTS)
    her = Actor(account_id=walker.account_id, role=Role.WALKER)
    saved = sessions.log_session(
        ctx.at(WALKED + timedelta(minutes=5)), her, walker.id, session_data("late", WALKED)
    )
    return her, walker.id, saved.id


def test_minutes_after_midnight_the_check_in_waits_for_the_morning(ctx: AppContext) -> None:
    her, walker_id, session_id = _walked_late_in_the_evening(ctx)
    night = ctx.at(WALKED + timedelta(minutes=43))  # 00:33 on Tuesday in Brisbane
    today = plans.todays_prescription(night, her, walker_id)
    assert today.status is TodayStatus.CHECKIN_FIRST
    assert "opens today, from 7:50 in the morning" in today.message  # 23:50 + 8 hours
    assert today.checkin_open is False
    assert today.checkin_opens_at == datetime(2026, 1, 5, 21, 50, tzinfo=UTC)
    with pytest.raises(CheckinNotOpen, match="opens on Tuesday 6 January, from 7:50 in the"):
        checkins.morning_checkin(night, her, walker_id, {**REPORT, "session_id": session_id})
    # and a session now does not skip the report: it waits for the morning too
    with pytest.raises(NotReadyToWalk, match="First the morning check-in") as waits:
        sessions.log_session(
            night, her, walker_id, session_data("night", WALKED + timedelta(minutes=40))
        )
    # and it says when the report opens, as today does: never "open it" while it cannot be
    assert "it opens today, from 7:50 in the morning" in str(waits.value)
    assert "Open the check-in" not in str(waits.value)
    morning = ctx.at(WALKED + timedelta(hours=8))  # 07:50 in Brisbane
    assert plans.todays_prescription(morning, her, walker_id).checkin_open is True
    out = checkins.morning_checkin(morning, her, walker_id, {**REPORT, "session_id": session_id})
    assert out.decision


def test_a_session_in_the_afternoon_opens_its_check_in_at_6_in_the_morning(
    ctx: AppContext,
) -> None:
    """The opening hour holds even when the hours since the session have long passed."""
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin, timezone=BRISBANE)
    screened_and_planned(ctx.at(WALKED - timedelta(days=2)), admin, walker.id, TESTS)
    afternoon = WALKED - timedelta(hours=9)  # 14:50 in Brisbane
    saved = sessions.log_session(ctx.at(afternoon), admin, walker.id, session_data("pm", afternoon))
    five = WALKED + timedelta(hours=5, minutes=10)  # 05:00 on Tuesday, 14 hours on
    report = {**REPORT, "session_id": saved.id, "at": five.isoformat()}
    with pytest.raises(CheckinNotOpen, match="from 6 in the morning"):
        checkins.morning_checkin(ctx.at(five), admin, walker.id, report)
    six = five + timedelta(hours=1)
    assert checkins.morning_checkin(
        ctx.at(six), admin, walker.id, {**report, "at": six.isoformat()}
    ).decision


def test_a_clinic_sets_the_hour_and_both_are_described_as_its_policy(ctx: AppContext) -> None:
    for name in ("checkin_opens_hour_local", "checkin_min_hours_after_session"):
        description = PolicyConfig.model_fields[name].description or ""
        assert description.startswith("Policy (RULES §3")
        assert "not a study finding" in description
    admin = accounts.ensure_local_admin(ctx)
    with pytest.raises(InvalidRequest, match="checkin_opens_hour_local"):  # not the morning
        policies.set_policy(ctx, admin, {"checkin_opens_hour_local": 14}, "Afternoon reports")
    policies.set_policy(ctx, admin, {"checkin_opens_hour_local": 9}, "Our clinic opens at nine")
    her, walker_id, session_id = _walked_late_in_the_evening(ctx)
    eight = ctx.at(WALKED + timedelta(hours=8, minutes=10))  # 08:00 in Brisbane
    with pytest.raises(CheckinNotOpen, match="from 9 in the morning"):
        checkins.morning_checkin(eight, her, walker_id, {**REPORT, "session_id": session_id})
    assert (
        "opens today, from 9 in the morning"
        in plans.todays_prescription(eight, her, walker_id).message
    )
