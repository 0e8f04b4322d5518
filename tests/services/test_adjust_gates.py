"""The clinician's hand adjustment holds the rules it could otherwise slip past (found by the
outside-in test): a surface off what the fall-risk restriction allows is refused (only a
recorded clearance lifts a restriction, RULES.md §7.1, §7.3), and a new speed above
retrowalk's own limit needs the clinician's confirmation (§7.10: the clinician may override,
on purpose). Refused means nothing stored: no new plan version, no audit entry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retrowalk.services import accounts, assessments, audit_view, clinician, plans, screening
from retrowalk.services.context import AppContext
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.schemas import Actor, WalkerOut
from tests.services.factory import MORE_NO, NO_STEADI, PARQ_CLEAR, T0, enrol, planned_walker
from tests.services.factory import clinician as make_clinician


def _high_fall_risk_walker(ctx: AppContext, actor: Actor) -> WalkerOut:
    """Screened clear, a Timed Up and Go of 14 s (high fall risk): every session
    supervised, on a treadmill with handrails or a hallway with a rail."""
    walker = enrol(ctx, actor, "hal@example.org")
    answers = {"used_to_activity": True, "parq": PARQ_CLEAR, "red_flags": [], "steadi": NO_STEADI}
    screening.screen_walker(ctx.at(T0), actor, walker.id, {**answers, **MORE_NO})
    tests = {"tug_s": 14.0, "tandem_stance_s": 5, "chair_stand_count": 8, "backward_walk_3m_s": 6}
    assessments.record_assessment(ctx.at(T0), actor, walker.id, tests)
    plans.make_plan(ctx.at(T0), actor, walker.id)
    return walker


def _versions(ctx: AppContext, actor: Actor, walker_id: int) -> tuple[int, int]:
    plan = plans.current_prescription(ctx, actor, walker_id)
    assert plan is not None
    entries = audit_view.walker_audit(ctx, actor, walker_id).entries
    return plan.version, len(entries)


@pytest.mark.parametrize("surface", ["flat_clear_known_path", "treadmill"])
def test_under_fall_risk_the_surface_stays_on_what_the_restriction_allows(
    ctx: AppContext, surface: str
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = _high_fall_risk_walker(ctx, dr)
    at = ctx.at(T0 + timedelta(hours=1))
    before = _versions(at, dr, walker.id)
    with pytest.raises(InvalidRequest) as refused:
        clinician.adjust_prescription(
            at, dr, walker.id, {"surface": surface, "reason": "She walks well"}
        )
    assert refused.value.field == "surface"
    said = str(refused.value)
    assert "fall-risk restriction is active" in said
    assert "must be a treadmill with handrails or a hallway with a rail and a spotter" in said
    assert "Clear the restriction first" in said
    assert _versions(at, dr, walker.id) == before
    plan = plans.current_prescription(at, dr, walker.id)
    assert plan is not None
    (other,) = {"treadmill_with_handrails", "hallway_with_rail_and_spotter"} - {plan.surface}
    allowed = clinician.adjust_prescription(
        at, dr, walker.id, {"surface": other, "reason": "The other safe surface"}
    )
    assert allowed.surface == other


def test_without_a_restriction_on_surfaces_any_surface_may_be_planned(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + timedelta(hours=1))
    moved = clinician.adjust_prescription(
        at, dr, walker.id, {"surface": "treadmill", "reason": "A treadmill at home"}
    )
    assert moved.surface == "treadmill"


def test_a_new_speed_above_the_limit_is_refused_until_confirmed(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + timedelta(hours=1))
    before = _versions(at, dr, walker.id)
    with pytest.raises(clinician.SpeedNotConfirmed) as refused:
        clinician.adjust_prescription(at, dr, walker.id, {"speed_m_s": 2.5, "reason": "Typo?"})
    assert refused.value.field == "speed_m_s"
    assert str(refused.value).startswith(
        "2.50 m/s (9.0 km/h) is above retrowalk's own limit for this walker, 0.90 m/s"
    )
    assert _versions(at, dr, walker.id) == before
    fast = clinician.adjust_prescription(
        at, dr, walker.id, {"speed_m_s": 2.5, "reason": "Athlete", "confirm_speed": True}
    )
    assert fast.speed_m_s == 2.5
    entry = next(
        e
        for e in audit_view.walker_audit(at, dr, walker.id).entries
        if e.action == "prescription.adjust"
    )
    assert entry.detail["speed_confirmed"] is True
    # the plan already above the limit: changing its minutes asks nothing again
    longer = clinician.adjust_prescription(
        at, dr, walker.id, {"duration_min": 12, "reason": "Feels fine"}
    )
    assert longer.speed_m_s == 2.5


def test_a_speed_within_the_limit_needs_no_confirmation(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + timedelta(hours=1))
    slower = clinician.adjust_prescription(
        at, dr, walker.id, {"speed_m_s": 0.9, "reason": "Feels fine"}
    )
    assert slower.speed_m_s == 0.9
    entry = next(
        e
        for e in audit_view.walker_audit(at, dr, walker.id).entries
        if e.action == "prescription.adjust"
    )
    assert "speed_confirmed" not in entry.detail
    assert "confirm_speed" not in entry.detail


def test_a_refusal_at_the_limit_never_reads_as_the_same_speed(ctx: AppContext) -> None:
    """0.903 m/s against a limit of 0.90: both would read "0.90 m/s" (found by the
    outside-in test: "0.84 m/s is above … 0.84 m/s")."""
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + timedelta(hours=1))
    with pytest.raises(clinician.SpeedNotConfirmed) as refused:
        clinician.adjust_prescription(at, dr, walker.id, {"speed_m_s": 0.903, "reason": "Quick"})
    assert str(refused.value).startswith("0.903 m/s is above retrowalk's own limit")
    assert "limit for this walker, 0.900 m/s" in str(refused.value)
