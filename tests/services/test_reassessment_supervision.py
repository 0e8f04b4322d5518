"""A reassessment's fall-risk result changes who must be there, on both databases."""

from __future__ import annotations

from datetime import timedelta

from retrowalk.services import accounts, assessments, checkins, plans, sessions
from retrowalk.store import Database
from retrowalk.store import repositories as repo
from tests.services.factory import T0, morning, planned_walker, session_data

AFTER_WEEK_1 = T0 + timedelta(days=7, hours=5)
"""The day after the last of four sessions (no break, so no step-back on top)."""


def _walk(database: Database, walker_id: int, days: range) -> None:
    admin = accounts.ensure_local_admin(database)
    for day in days:
        at = T0 + timedelta(days=day)
        sessions.log_session(database, admin, walker_id, session_data(f"s{day}", at))
        checkins.morning_checkin(database, admin, walker_id, morning(at))


def test_high_fall_risk_at_reassessment_makes_sessions_supervised_again(
    database: Database,
) -> None:
    admin = accounts.ensure_local_admin(database)
    walker = planned_walker(database, admin)
    _walk(database, walker.id, range(0, 8, 2))  # past the first supervised sessions
    before = plans.todays_prescription(database, admin, walker.id, now=AFTER_WEEK_1)
    assert before.prescription is not None
    assert not before.supervised

    out = assessments.record_assessment(
        database,
        admin,
        walker.id,
        {"kind": "reassessment", "tug_s": 12.5, "backward_walk_3m_s": 4.0},
        now=AFTER_WEEK_1,
    )

    assert out.high_fall_risk
    assert any(r.code == "reassessment.high_fall_risk" for r in out.reasons)
    after = plans.todays_prescription(database, admin, walker.id, now=AFTER_WEEK_1)
    assert after.supervised
    assert after.prescription is not None
    assert after.prescription.decision == "reassess"
    assert after.prescription.version == before.prescription.version + 1
    assert after.prescription.duration_min == before.prescription.duration_min
    assert after.prescription.surface in (
        "treadmill_with_handrails",
        "hallway_with_rail_and_spotter",
    )
    with database.reader() as session:
        actions = [row.action for row in repo.audit_entries(session, walker_id=walker.id)]
    assert "prescription.reassess" in actions


def test_reassessment_with_unchanged_low_risk_stores_no_new_plan(database: Database) -> None:
    admin = accounts.ensure_local_admin(database)
    walker = planned_walker(database, admin)
    version = plans.current_prescription(database, admin, walker.id)
    assert version is not None

    assessments.record_assessment(
        database,
        admin,
        walker.id,
        {"kind": "reassessment", "tug_s": 8.0, "tandem_stance_s": 12.0, "backward_walk_3m_s": 3.8},
        now=AFTER_WEEK_1,
    )

    again = plans.current_prescription(database, admin, walker.id)
    assert again is not None
    assert again.version == version.version


def test_a_partial_reassessment_is_not_known_and_supervises_every_session(
    database: Database,
) -> None:
    """RULES §7.3: a skipped test is unknown, never normal; "not known" gates like high."""
    admin = accounts.ensure_local_admin(database)
    walker = planned_walker(database, admin)
    _walk(database, walker.id, range(0, 8, 2))
    out = assessments.record_assessment(
        database,
        admin,
        walker.id,
        {"kind": "reassessment", "tug_s": 8.0, "backward_walk_3m_s": 3.8},
        now=AFTER_WEEK_1,
    )
    assert out.fall_risk == "not_known"
    after = plans.todays_prescription(database, admin, walker.id, now=AFTER_WEEK_1)
    assert after.supervised
    assert any(r.kind == "fall_risk" for r in after.restrictions)


def test_a_reassess_version_does_not_reset_the_qualifying_sessions(database: Database) -> None:
    admin = accounts.ensure_local_admin(database)
    walker = planned_walker(database, admin)
    _walk(database, walker.id, range(0, 1))  # one well-tolerated session: hold, qualifying
    assessments.record_assessment(
        database,
        admin,
        walker.id,
        {"kind": "reassessment", "tug_s": 12.5, "backward_walk_3m_s": 4.0},
        now=T0 + timedelta(days=1, hours=3),
    )
    at = T0 + timedelta(days=2)
    sessions.log_session(database, admin, walker.id, session_data("s2", at))
    out = checkins.morning_checkin(database, admin, walker.id, morning(at))
    assert out.decision == "progress"
