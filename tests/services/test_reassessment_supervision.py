"""A reassessment's fall-risk result changes who must be there, on both databases."""

from __future__ import annotations

from datetime import timedelta

from retrowalk.services import accounts, assessments, checkins, plans, sessions
from retrowalk.services.context import AppContext
from retrowalk.store import repositories as repo
from tests.services.factory import T0, morning, planned_walker, session_data

AFTER_WEEK_1 = T0 + timedelta(days=7, hours=5)
"""The day after the last of four sessions (no break, so no step-back on top)."""


def _walk(ctx: AppContext, walker_id: int, days: range) -> None:
    admin = accounts.ensure_local_admin(ctx)
    for day in days:
        at = T0 + timedelta(days=day)
        sessions.log_session(ctx, admin, walker_id, session_data(f"s{day}", at))
        checkins.morning_checkin(ctx, admin, walker_id, morning(at))


def test_high_fall_risk_at_reassessment_makes_sessions_supervised_again(
    ctx: AppContext,
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    _walk(ctx, walker.id, range(0, 8, 2))  # past the first supervised sessions
    before = plans.todays_prescription(
        ctx.at(AFTER_WEEK_1),
        admin,
        walker.id,
    )
    assert before.prescription is not None
    assert not before.supervised

    out = assessments.record_assessment(
        ctx.at(AFTER_WEEK_1),
        admin,
        walker.id,
        {"kind": "reassessment", "tug_s": 12.5, "backward_walk_3m_s": 4.0},
    )

    assert out.high_fall_risk
    assert any(r.code == "reassessment.high_fall_risk" for r in out.reasons)
    after = plans.todays_prescription(
        ctx.at(AFTER_WEEK_1),
        admin,
        walker.id,
    )
    assert after.supervised
    assert after.prescription is not None
    assert after.prescription.decision == "reassess"
    assert after.prescription.version == before.prescription.version + 1
    assert after.prescription.duration_min == before.prescription.duration_min
    assert after.prescription.surface in (
        "treadmill_with_handrails",
        "hallway_with_rail_and_spotter",
    )
    with ctx.db.reader() as session:
        actions = [row.action for row in repo.audit_entries(session, walker_id=walker.id)]
    assert "prescription.reassess" in actions


def test_reassessment_with_unchanged_low_risk_stores_no_new_plan(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    version = plans.current_prescription(ctx, admin, walker.id)
    assert version is not None

    assessments.record_assessment(
        ctx.at(AFTER_WEEK_1),
        admin,
        walker.id,
        {"kind": "reassessment", "tug_s": 8.0, "tandem_stance_s": 12.0, "backward_walk_3m_s": 3.8},
    )

    again = plans.current_prescription(ctx, admin, walker.id)
    assert again is not None
    assert again.version == version.version


def test_a_partial_reassessment_is_not_known_and_supervises_every_session(
    ctx: AppContext,
) -> None:
    """RULES §7.3: a skipped test is unknown, never normal; "not known" gates like high."""
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    _walk(ctx, walker.id, range(0, 8, 2))
    out = assessments.record_assessment(
        ctx.at(AFTER_WEEK_1),
        admin,
        walker.id,
        {"kind": "reassessment", "tug_s": 8.0, "backward_walk_3m_s": 3.8},
    )
    assert out.fall_risk == "not_known"
    after = plans.todays_prescription(
        ctx.at(AFTER_WEEK_1),
        admin,
        walker.id,
    )
    assert after.supervised
    assert any(r.kind == "fall_risk" for r in after.restrictions)


def test_a_reassess_version_does_not_reset_the_qualifying_sessions(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    _walk(ctx, walker.id, range(0, 1))  # one well-tolerated session: hold, qualifying
    assessments.record_assessment(
        ctx.at(T0 + timedelta(days=1, hours=3)),
        admin,
        walker.id,
        {"kind": "reassessment", "tug_s": 12.5, "backward_walk_3m_s": 4.0},
    )
    at = T0 + timedelta(days=2)
    sessions.log_session(ctx, admin, walker.id, session_data("s2", at))
    out = checkins.morning_checkin(ctx, admin, walker.id, morning(at))
    assert out.decision == "progress"
