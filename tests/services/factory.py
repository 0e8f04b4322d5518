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
