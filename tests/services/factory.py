"""Builders for service tests: a walker taken through the real use cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from retrowalk.services import accounts, assessments, plans, screening, walkers
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import Actor, Role, WalkerOut

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NO_STEADI = {"fell_past_12_months": False, "feels_unsteady": False, "worries_about_falling": False}
PARQ_CLEAR = [False, False, False, False, True, False, False]
MORE_NO = {
    "fever_or_unwell": False,
    "uses_walking_aid": False,
    "takes_anticoagulant": False,
    "recent_knee_surgery": False,
}
"""No to the questions of RULES.md §7.5–7.6 (walking aid, blood thinner, surgery, fever)."""
CLEAR_SCREENING: dict[str, Any] = {
    "used_to_activity": True,
    "parq": PARQ_CLEAR,
    "red_flags": [],
    "steadi": NO_STEADI,
    **MORE_NO,
}
"""A screening that clears: used to activity, PAR-Q item 5 only, no red flag."""
HIGH_RISK_TESTS: dict[str, float] = {
    "tug_s": 14.0,
    "tandem_stance_s": 5,
    "chair_stand_count": 8,
    "backward_walk_3m_s": 6.0,
}
"""A Timed Up and Go of 14 s: high fall risk, every session supervised, on a treadmill with
handrails or a hallway with a rail (3-m walk 0.50 m/s)."""
TREADMILL_TEST: dict[str, float] = {"treadmill_speed_up_m_s": 0.6, "treadmill_speed_down_m_s": 0.8}
"""The treadmill speed test (van de Venis): comfortable at 0.70 m/s on the belt."""


def clinician(ctx: AppContext, admin: Actor, email: str) -> Actor:
    out = accounts.create_account(
        ctx, admin, {"email": email, "display_name": email.split("@")[0], "role": "clinician"}
    )
    return Actor(account_id=out.id, role=Role.CLINICIAN)


def enrol(
    ctx: AppContext, actor: Actor, email: str = "ann@example.org", **profile: Any
) -> WalkerOut:
    data = {
        "email": email,
        "display_name": email.split("@")[0].title(),
        "age_years": 66,
        "sex": "female",
        "knee_condition": "oa",
        "knee_side": "left",
        "timezone": "Europe/London",
    }
    data.update(profile)
    return walkers.enrol_walker(
        ctx.at(T0),
        actor,
        data,
    )


def planned_walker(
    ctx: AppContext, actor: Actor, email: str = "ann@example.org", parq: list[bool] | None = None
) -> WalkerOut:
    """Enrolled, screened, assessed (low fall risk, 0.75 m/s) and with a starting plan."""
    walker = enrol(ctx, actor, email)
    screening.screen_walker(
        ctx.at(T0),
        actor,
        walker.id,
        {
            "used_to_activity": True,
            "parq": parq or PARQ_CLEAR,
            "red_flags": [],
            "steadi": NO_STEADI,
            **MORE_NO,
        },
    )
    assessments.record_assessment(
        ctx.at(T0),
        actor,
        walker.id,
        {"tug_s": 9.0, "tandem_stance_s": 15, "chair_stand_count": 13, "backward_walk_3m_s": 4.0},
    )
    plans.make_plan(
        ctx.at(T0),
        actor,
        walker.id,
    )
    return walker


def screened_and_planned(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    tests: dict[str, Any],
    screening_answers: dict[str, Any] | None = None,
) -> None:
    """Screen (clear unless told), record ``tests`` and make the starting plan, at ``ctx``'s
    clock (the web tests pass a context set days back)."""
    screening.screen_walker(ctx, actor, walker_id, screening_answers or CLEAR_SCREENING)
    assessments.record_assessment(ctx, actor, walker_id, tests)
    plans.make_plan(ctx, actor, walker_id)


def high_fall_risk_walker(
    ctx: AppContext, actor: Actor, email: str = "hal@example.org"
) -> WalkerOut:
    """Enrolled and planned with :data:`HIGH_RISK_TESTS`: the fall-risk restriction holds the
    plan's surface to a treadmill with handrails or a hallway with a rail."""
    walker = enrol(ctx, actor, email)
    screened_and_planned(ctx.at(T0), actor, walker.id, HIGH_RISK_TESTS)
    return walker


def session_data(key: str, at: datetime, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client_key": key,
        "performed_at": at.isoformat(),
        "duration_min": 10,
        "speed_m_s": 0.75,
        "surface": "flat_clear_known_path",
        "supervised": True,
        "pain_before_nprs": 3,
        "pain_peak_nprs": 2,
        "pain_after_nprs": 2,
        "effort_cr10": 4,
    }
    data.update(overrides)
    return data


def morning(at: datetime, pain: int = 2, stiffness: int = 2) -> dict[str, Any]:
    return {
        "pain_nprs": pain,
        "stiffness_nprs": stiffness,
        "new_red_flags": [],
        "at": (at + timedelta(hours=22)).isoformat(),
    }
