"""The use cases in the order a walker meets them, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retrowalk.clinical.prescription import MAX_DURATION_MIN
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
from retrowalk.services.errors import (
    Conflict,
    InvalidRequest,
    KeyReused,
    NotFound,
    NotReadyToWalk,
)
from retrowalk.store import repositories as repo
from tests.services.factory import (
    MORE_NO,
    NO_STEADI,
    T0,
    enrol,
    morning,
    planned_walker,
    session_data,
)


def test_plan_today_log_checkin_progress(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    today = plans.todays_prescription(
        ctx.at(T0),
        admin,
        walker.id,
    )
    assert today.status == "ready"
    assert today.supervised
    assert today.prescription is not None
    assert today.prescription.duration_min == 10
    decisions = []
    for day in range(0, 6, 2):
        at = T0 + timedelta(days=day)
        sessions.log_session(ctx, admin, walker.id, session_data(f"s{day}", at))
        out = checkins.morning_checkin(ctx, admin, walker.id, morning(at))
        decisions.append(out.decision)
        assert out.reasons, "every decision carries its reasons"
        assert out.next_prescription is not None
        assert out.next_prescription.rule_version
    assert decisions == ["hold", "progress", "hold"]
    current = plans.current_prescription(ctx, admin, walker.id)
    assert current is not None
    assert current.duration_min > 10
    assert current.version == 4


def test_same_client_key_is_stored_once(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    first = sessions.log_session(ctx, admin, walker.id, session_data("k1", T0))
    again = sessions.log_session(ctx, admin, walker.id, session_data("k1", T0))
    assert first.created
    assert not again.created
    assert again.id == first.id
    assert again.duration_min == first.duration_min
    # the same key with other values is no resend: refused, never "already saved"
    with pytest.raises(KeyReused, match="this session was already saved"):
        sessions.log_session(
            ctx, admin, walker.id, session_data("k1", T0, duration_min=25, note="retry")
        )
    with ctx.db.reader() as s:
        assert repo.count_sessions(s, walker.id) == 1


def test_an_adverse_event_sent_twice_is_stored_once(ctx: AppContext) -> None:
    """Found by the outside-in test: ``["fall", "fall"]`` was stored, and printed in the
    report, as two falls in one session."""
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    twice = session_data("k1", T0, adverse_events=["fall", "near_fall", "fall"], completed=False)
    stored = sessions.log_session(ctx, admin, walker.id, twice)
    assert list(stored.adverse_events) == ["fall", "near_fall"]
    with ctx.db.reader() as s:
        row = repo.session_by_client_key(s, walker.id, "k1")
        assert row is not None
        assert list(row.adverse_events) == ["fall", "near_fall"]


def test_same_key_for_two_walkers_is_two_sessions(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    ann = planned_walker(ctx, admin, "ann@example.org")
    bob = planned_walker(ctx, admin, "bob@example.org")
    a = sessions.log_session(ctx, admin, ann.id, session_data("k1", T0))
    b = sessions.log_session(ctx, admin, bob.id, session_data("k1", T0))
    assert a.id != b.id
    assert a.created
    assert b.created


def test_break_of_a_week_steps_back_once(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    for day in (0, 2, 4, 6):
        at = T0 + timedelta(days=day)
        sessions.log_session(ctx, admin, walker.id, session_data(f"s{day}", at))
        checkins.morning_checkin(ctx, admin, walker.id, morning(at))
    before = plans.current_prescription(ctx, admin, walker.id)
    assert before is not None
    back = T0 + timedelta(days=6 + 9)
    today = plans.todays_prescription(
        ctx.at(back),
        admin,
        walker.id,
    )
    assert today.step_back
    assert today.prescription is not None
    assert today.prescription.decision == "step_back"
    assert today.prescription.duration_min < before.duration_min
    assert any(r.code == "progression.after_break" and r.policy for r in today.reasons)
    again = plans.todays_prescription(
        ctx.at(back + timedelta(hours=1)),
        admin,
        walker.id,
    )
    assert again.prescription is not None
    assert again.prescription.version == today.prescription.version


def test_short_gap_does_not_step_back(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    sessions.log_session(ctx, admin, walker.id, session_data("s0", T0))
    today = plans.todays_prescription(
        ctx.at(T0 + timedelta(days=6)),
        admin,
        walker.id,
    )
    assert not today.step_back
    assert today.status == "ready"


def test_adverse_event_stops_and_needs_review(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    for day in (0, 2, 4):
        sessions.log_session(
            ctx, admin, walker.id, session_data(f"s{day}", T0 + timedelta(days=day))
        )
    at = T0 + timedelta(days=6)
    sessions.log_session(
        ctx,
        admin,
        walker.id,
        session_data("fall", at, adverse_events=["near_fall"], completed=False, supervised=False),
    )
    out = checkins.morning_checkin(ctx, admin, walker.id, morning(at))
    assert out.decision == "stop"
    flags = clinician.walker_flags(
        ctx.at(at + timedelta(days=1)),
        admin,
    )
    assert "adverse_event" in flags[0].flags
    today = plans.todays_prescription(
        ctx.at(at + timedelta(days=2)),
        admin,
        walker.id,
    )
    assert today.supervised
    clinician.clear_walker(
        ctx, admin, walker.id, {"scope": "adverse_event", "reason": "Reviewed by phone"}
    )
    flags = clinician.walker_flags(
        ctx.at(at + timedelta(days=2)),
        admin,
    )
    assert "adverse_event" not in flags[0].flags
    assert not plans.todays_prescription(
        ctx.at(at + timedelta(days=2)),
        admin,
        walker.id,
    ).supervised


def test_clearance_required_blocks_until_cleared(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    parq = [True, False, False, False, True, False, False]
    walker = planned_walker(ctx, admin, parq=parq)
    today = plans.todays_prescription(
        ctx.at(T0),
        admin,
        walker.id,
    )
    assert today.status == "waiting_for_clearance"
    assert (
        "waiting_for_clearance"
        in clinician.walker_flags(
            ctx.at(T0),
            admin,
        )[0].flags
    )
    clinician.clear_walker(
        ctx, admin, walker.id, {"scope": "start", "reason": "GP letter says fine"}
    )
    assert (
        plans.todays_prescription(
            ctx.at(T0),
            admin,
            walker.id,
        ).status
        == "ready"
    )


def test_red_flag_stops_without_a_plan(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin)
    out = screening.screen_walker(
        ctx,
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
    assert out.outcome == "stop_and_refer"
    with pytest.raises(NotReadyToWalk, match="No walking tests now"):
        assessments.record_assessment(ctx, admin, walker.id, {"backward_walk_3m_s": 4.0})
    with pytest.raises(NotReadyToWalk, match="red flag"):
        plans.make_plan(ctx, admin, walker.id)
    assert plans.todays_prescription(ctx, admin, walker.id).status == "stopped"


def test_adjustment_needs_a_reason_and_is_versioned(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    with pytest.raises(InvalidRequest, match="reason"):
        clinician.adjust_prescription(ctx, admin, walker.id, {"duration_min": 12})
    out = clinician.adjust_prescription(
        ctx, admin, walker.id, {"duration_min": 12, "reason": "Tolerating well"}
    )
    assert out.decision == "adjust"
    assert out.duration_min == 12
    assert out.version == 2
    assert "Tolerating well" in out.reasons[-1].message
    # the schema's bound IS the clinical ceiling (imported, not copied)
    with pytest.raises(InvalidRequest, match=f"duration_min.*{MAX_DURATION_MIN}"):
        clinician.adjust_prescription(
            ctx, admin, walker.id, {"duration_min": 45, "reason": "too much"}
        )


def test_reassessment_due_after_three_weeks(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    early = assessments.reassessment_status(
        ctx.at(T0 + timedelta(days=20)),
        admin,
        walker.id,
    )
    due = assessments.reassessment_status(
        ctx.at(T0 + timedelta(days=21)),
        admin,
        walker.id,
    )
    assert not early.due
    assert due.due
    assert due.reasons[0].policy


def test_checkin_rules(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    with pytest.raises(Conflict, match="no session"):
        checkins.morning_checkin(ctx, admin, walker.id, morning(T0))
    sessions.log_session(ctx, admin, walker.id, session_data("s0", T0))
    with pytest.raises(InvalidRequest, match="after the session"):
        checkins.morning_checkin(
            ctx,
            admin,
            walker.id,
            {
                "pain_nprs": 1,
                "stiffness_nprs": 1,
                "new_red_flags": [],
                "at": (T0 - timedelta(hours=1)).isoformat(),
            },
        )
    checkins.morning_checkin(ctx, admin, walker.id, morning(T0))
    with pytest.raises(Conflict, match="already"):
        checkins.morning_checkin(ctx, admin, walker.id, morning(T0))
    with pytest.raises(NotFound):
        checkins.morning_checkin(
            ctx,
            admin,
            walker.id,
            {"session_id": 999, "pain_nprs": 1, "stiffness_nprs": 1, "new_red_flags": []},
        )


def test_history_holds_decisions_with_reasons(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    at = T0 + timedelta(days=1)
    sessions.log_session(ctx, admin, walker.id, session_data("s", at))
    checkins.morning_checkin(ctx, admin, walker.id, morning(at))
    out = history.walker_history(
        ctx.at(T0 + timedelta(days=3)),
        admin,
        walker.id,
    )
    assert len(out.sessions) == 1
    assert len(out.checkins) == 1
    assert out.checkins[0].reasons
    assert [p.decision for p in out.prescriptions] == ["start", "hold"]
    with ctx.db.reader() as s:
        actions = [e.action for e in repo.audit_entries(s, walker.id)]
    assert actions[:4] == [
        "walker.enrol",
        "screening.record",
        "assessment.record",
        "prescription.start",
    ]
    assert "session.log" in actions
    assert "checkin.hold" in actions


def test_missing_morning_report_holds_when_the_next_session_comes(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    sessions.log_session(ctx, admin, walker.id, session_data("s0", T0))
    later = T0 + timedelta(hours=3)
    sessions.log_session(ctx, admin, walker.id, session_data("same-day", later))
    with ctx.db.reader() as s:
        assert repo.checkins(s, walker.id) == [], "a second session the same day decides nothing"
    next_day = T0 + timedelta(days=2)
    sessions.log_session(
        ctx.at(next_day),
        admin,
        walker.id,
        session_data("s2", next_day),
    )
    out = history.walker_history(
        ctx.at(next_day + timedelta(days=1)),
        admin,
        walker.id,
    )
    assert [m.decision for m in out.missed_reports] == ["hold"]
    assert out.missed_reports[0].reasons
    assert out.checkins == ()
    with pytest.raises(Conflict, match="without a morning report"):
        checkins.morning_checkin(
            ctx,
            admin,
            walker.id,
            {
                "session_id": out.missed_reports[0].session_id,
                "pain_nprs": 1,
                "stiffness_nprs": 1,
                "new_red_flags": [],
            },
        )
    reported = checkins.morning_checkin(ctx, admin, walker.id, morning(next_day))
    assert reported.session_id == out.sessions[-1].id
