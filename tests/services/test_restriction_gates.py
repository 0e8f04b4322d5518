"""Every gate of RULES.md §7 and the §3 amendments through the use cases, on SQLite and
PostgreSQL. Each persona of ``shared/clinical/personas.md`` is a regression test here (G, the
gap policy, is left to the clinical lead): what wave 1 did, and what the program does now.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from retrowalk.clinical.errors import CannotDecideError
from retrowalk.services import (
    accounts,
    assessments,
    checkins,
    clinician,
    plans,
    policies,
    restrictions,
    screening,
    sessions,
)
from retrowalk.services.context import AppContext
from retrowalk.services.errors import Conflict, InvalidRequest, NotReadyToWalk
from retrowalk.services.schemas import Actor, WalkerOut
from retrowalk.store import repositories as repo
from tests.services.factory import MORE_NO, NO_STEADI, PARQ_CLEAR, T0, enrol, session_data

DAY = timedelta(days=1)
FULL_BATTERY = {"tug_s": 9.0, "tandem_stance_s": 12.0, "chair_stand_count": 13}


def screen(ctx: AppContext, actor: Actor, walker: WalkerOut, at: datetime, **answers: Any) -> Any:
    data: dict[str, Any] = {
        "used_to_activity": True,
        "parq": PARQ_CLEAR,
        "red_flags": [],
        "steadi": NO_STEADI,
        **MORE_NO,
    }
    data.update(answers)
    return screening.screen_walker(
        ctx.at(at),
        actor,
        walker.id,
        data,
    )


def assess(ctx: AppContext, actor: Actor, walker: WalkerOut, at: datetime, **tests: Any) -> Any:
    return assessments.record_assessment(
        ctx.at(at),
        actor,
        walker.id,
        tests,
    )


def morning(at: datetime, pain: int = 2, stiffness: int = 2, **more: Any) -> dict[str, Any]:
    return {
        "pain_nprs": pain,
        "stiffness_nprs": stiffness,
        "new_red_flags": [],
        "at": (at + timedelta(hours=22)).isoformat(),
        **more,
    }


def kinds(ctx: AppContext, actor: Actor, walker: WalkerOut) -> set[str]:
    return {r.kind.value for r in restrictions.walker_restrictions(ctx, actor, walker.id).active}


@pytest.fixture
def admin(ctx: AppContext) -> Actor:
    return accounts.ensure_local_admin(ctx)


@pytest.fixture
def walker_actor(ctx: AppContext, admin: Actor) -> tuple[WalkerOut, Actor]:
    """A walker who acts for themselves (as on their phone), with their clinician's walker."""
    walker = enrol(ctx, admin)
    with ctx.db.reader() as session:
        account = repo.account(session, walker.account_id)
        assert account is not None
    from retrowalk.services.schemas import Role

    return walker, Actor(account_id=walker.account_id, role=Role.WALKER)


def planned(ctx: AppContext, admin: Actor, email: str = "ann@example.org", **profile: Any) -> Any:
    walker = enrol(ctx, admin, email, **profile)
    screen(ctx, admin, walker, T0)
    assess(ctx, admin, walker, T0, backward_walk_3m_s=4.0, **FULL_BATTERY)
    plans.make_plan(
        ctx.at(T0),
        admin,
        walker.id,
    )
    return walker


# --- §7.1: only a clinician lifts; a later screening only adds -------------------------------


def test_persona_R_a_red_flag_survives_clean_answers(
    ctx: AppContext, walker_actor: tuple[WalkerOut, Actor], admin: Actor
) -> None:
    walker, me = walker_actor
    screen(ctx, me, walker, T0, red_flags=["calf_pain_swelling_warmth"])
    again = screen(ctx, me, walker, T0 + DAY)
    # the outcome as it stands: clean answers do not make the walker "cleared" while the red
    # flag waits for a clinician (the API said "cleared" here: found by the outside-in test)
    assert again.outcome == "stop_and_refer"
    assert {r.kind.value for r in again.restrictions} == {"red_flag"}  # the walker's record
    with pytest.raises(NotReadyToWalk, match="No walking tests now"):  # held too (policy)
        assess(ctx, me, walker, T0 + DAY, backward_walk_3m_s=4.0, **FULL_BATTERY)
    with pytest.raises(NotReadyToWalk, match="red flag"):
        plans.make_plan(
            ctx.at(T0 + DAY),
            me,
            walker.id,
        )
    today = plans.todays_prescription(
        ctx.at(T0 + DAY),
        me,
        walker.id,
    )
    assert today.status == "stopped"
    assert not today.session_offered
    assert "emergency" in today.message
    flags = clinician.walker_flags(
        ctx.at(T0 + DAY),
        admin,
    )[0]
    assert "red_flag" in flags.flags
    assert any("calf" in d.lower() for d in flags.details)
    with ctx.db.reader() as session:
        actions = [e.action for e in repo.audit_entries(session, walker_id=walker.id)]
    assert actions.count("restriction.add") == 1  # the first screening added it; not the second


def test_persona_S_a_clearance_requirement_survives_all_no(
    ctx: AppContext, walker_actor: tuple[WalkerOut, Actor], admin: Actor
) -> None:
    walker, me = walker_actor
    screen(ctx, me, walker, T0, parq=[True, False, False, False, True, False, False])
    all_no = screen(ctx, me, walker, T0 + DAY, parq=[False] * 7)
    assert all_no.outcome == "clearance_required"
    assert all_no.clearance_required is True
    with pytest.raises(NotReadyToWalk, match="wait for that clearance too"):  # her own tests
        assess(ctx, me, walker, T0 + DAY, backward_walk_3m_s=4.0, **FULL_BATTERY)
    assess(ctx, admin, walker, T0 + DAY, backward_walk_3m_s=4.0, **FULL_BATTERY)  # done with her
    plan = plans.make_plan(
        ctx.at(T0 + DAY),
        me,
        walker.id,
    )
    assert plan.details["awaiting_clearance"] is True
    today = plans.todays_prescription(
        ctx.at(T0 + DAY),
        me,
        walker.id,
    )
    assert today.status == "waiting_for_clearance"
    with pytest.raises(NotReadyToWalk):
        sessions.log_session(
            ctx.at(T0 + DAY),
            me,
            walker.id,
            session_data("s1", T0 + DAY),
        )
    clinician.clear_walker(
        ctx, admin, walker.id, {"scope": "start", "reason": "GP letter: fine to walk"}
    )
    assert kinds(ctx, admin, walker) == set()


def test_a_walker_cannot_clear_and_a_clearance_lifts_only_its_kind(
    ctx: AppContext, walker_actor: tuple[WalkerOut, Actor], admin: Actor
) -> None:
    from retrowalk.services.errors import AccessDenied

    walker, me = walker_actor
    screen(ctx, me, walker, T0, red_flags=["locked_knee"], uses_walking_aid=True)
    with pytest.raises(AccessDenied):
        clinician.clear_walker(
            ctx, me, walker.id, {"scope": "red_flag", "reason": "It is fine now"}
        )
    clinician.clear_walker(
        ctx, admin, walker.id, {"scope": "walking_aid", "reason": "Walks well without"}
    )
    assert kinds(ctx, admin, walker) == {"red_flag"}
    with pytest.raises(Conflict, match="no active restriction"):
        clinician.clear_walker(
            ctx, admin, walker.id, {"scope": "rest_day", "reason": "No rest day"}
        )


# --- §7.2: repeated tests never reset a plan ----------------------------------------------------


def test_persona_T_repeated_tests_never_undo_the_clinicians_plan(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned(ctx, admin)
    clinician.adjust_prescription(
        ctx.at(T0 + DAY),
        admin,
        walker.id,
        {"duration_min": 3, "speed_m_s": 0.3, "reason": "Very sore this week"},
    )
    assess(ctx, admin, walker, T0 + 2 * DAY, backward_walk_3m_s=2.5, **FULL_BATTERY)
    with pytest.raises(Conflict, match="already a plan"):
        plans.make_plan(
            ctx.at(T0 + 2 * DAY),
            admin,
            walker.id,
        )
    plan = plans.current_prescription(ctx, admin, walker.id)
    assert plan is not None
    assert (plan.duration_min, plan.speed_m_s) == (3, 0.3)


# --- §7.3–7.4: fall risk -------------------------------------------------------------------------


def test_persona_L_only_a_treadmill_test_is_not_known_and_supervised(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin, age_years=70, sex="male")
    screen(ctx, admin, walker, T0)
    out = assess(ctx, admin, walker, T0, treadmill_speed_up_m_s=0.9, treadmill_speed_down_m_s=1.0)
    assert out.fall_risk == "not_known"
    plan = plans.make_plan(
        ctx.at(T0),
        admin,
        walker.id,
    )
    assert plan.supervision == "every_session"
    assert plan.surface == "treadmill_with_handrails"
    assert plan.speed_m_s == pytest.approx(0.8)  # 0.95 m/s measured; the policy's start ceiling
    today = plans.todays_prescription(
        ctx.at(T0 + DAY),
        admin,
        walker.id,
    )
    assert today.supervised
    assert "fall_risk" in {r.kind for r in today.restrictions}


def test_persona_M_a_retest_within_the_tug_error_lifts_nothing(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, T0)
    assess(ctx, admin, walker, T0, tug_s=12.5, tandem_stance_s=12.0, backward_walk_3m_s=4.0)
    plans.make_plan(
        ctx.at(T0),
        admin,
        walker.id,
    )
    retest = assess(
        ctx, admin, walker, T0 + 5 * DAY, kind="reassessment", tug_s=11.8, tandem_stance_s=12.0
    )
    assert retest.fall_risk == "high"
    assert any(r.code == "fall_risk.tug_within_error" for r in retest.reasons)
    with pytest.raises(Conflict, match="low risk on its own"):
        clinician.clear_walker(
            ctx, admin, walker.id, {"scope": "unsupervised", "reason": "Looks steadier"}
        )
    real = assess(
        ctx,
        admin,
        walker,
        T0 + 9 * DAY,
        kind="reassessment",
        tug_s=11.2,
        **{"tandem_stance_s": 12.0},
    )
    assert real.fall_risk == "low"
    assert "fall_risk" in kinds(ctx, admin, walker)  # the low retest alone lifts nothing
    clinician.clear_walker(
        ctx, admin, walker.id, {"scope": "unsupervised", "reason": "TUG 11.2 s, steady"}
    )
    assert "fall_risk" not in kinds(ctx, admin, walker)
    plan = plans.current_prescription(ctx, admin, walker.id)
    assert plan is not None
    assert plan.supervision == "first_sessions"


def test_persona_U_an_empty_reassessment_is_refused_and_nothing_stored(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, T0)
    assess(ctx, admin, walker, T0, tug_s=13.0, backward_walk_3m_s=4.0)
    with pytest.raises(InvalidRequest, match="Nothing was filled in"):
        assess(ctx, admin, walker, T0 + DAY, kind="reassessment")
    with ctx.db.reader() as session:
        assert len(repo.assessments(session, walker.id)) == 1
    assert "fall_risk" in kinds(ctx, admin, walker)


def test_a_3m_walk_in_the_grey_zone_with_nothing_else_is_not_low(
    ctx: AppContext, admin: Actor
) -> None:
    """Persona: every test skipped but the 3-m walk gave "low fall risk, walking alone"."""
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, T0)
    assert assess(ctx, admin, walker, T0, backward_walk_3m_s=2.9).fall_risk == "not_known"


# --- §7.5–7.6: walking aid, blood thinner, surgery, hot swollen knee ---------------------------


def test_persona_H_a_cane_user_is_supervised_every_session(ctx: AppContext, admin: Actor) -> None:
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, T0, uses_walking_aid=True)
    assess(ctx, admin, walker, T0, tug_s=11.5, tandem_stance_s=12.0, backward_walk_3m_s=3.9)
    plans.make_plan(
        ctx.at(T0),
        admin,
        walker.id,
    )
    for day in range(0, 6, 2):  # far past the first supervised sessions
        at = T0 + day * DAY
        sessions.log_session(ctx, admin, walker.id, session_data(f"s{day}", at))
        checkins.morning_checkin(ctx, admin, walker.id, morning(at))
    today = plans.todays_prescription(
        ctx.at(T0 + 6 * DAY),
        admin,
        walker.id,
    )
    assert today.supervised
    assert any("walking aid" in why for why in today.supervision_why)


def test_persona_C_a_hot_swollen_knee_without_fever_stops_and_a_blood_thinner_is_shown(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin, age_years=80, sex="male")
    out = screen(ctx, admin, walker, T0, red_flags=["hot_swollen_knee"], takes_anticoagulant=True)
    assert out.outcome == "stop_and_refer"
    assert any("today" in action for action in out.result["actions"])
    assert any(r.code == "screening.anticoagulant" for r in out.reasons)


def test_a_blood_thinner_with_not_known_fall_risk_needs_clearance(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin, age_years=80, sex="male")
    screen(ctx, admin, walker, T0, takes_anticoagulant=True)
    assess(ctx, admin, walker, T0, backward_walk_3m_s=3.5)
    assert kinds(ctx, admin, walker) == {"fall_risk", "clearance_required"}


def test_persona_D_knee_surgery_six_weeks_ago_needs_clearance(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin)
    out = screen(ctx, admin, walker, T0, recent_knee_surgery=True)
    assert out.outcome == "clearance_required"
    assert kinds(ctx, admin, walker) == {"clearance_required"}


# --- §7.7–7.9: during the programme ---------------------------------------------------------------


def test_a_red_flag_at_the_morning_check_in_stops_and_refers(ctx: AppContext, admin: Actor) -> None:
    walker = planned(ctx, admin)
    sessions.log_session(ctx, admin, walker.id, session_data("s0", T0))
    out = checkins.morning_checkin(
        ctx, admin, walker.id, morning(T0, new_red_flags=["knee_giving_way"])
    )
    assert out.new_red_flags == ("knee_giving_way",)
    assert "red_flag" in {r.kind for r in out.restrictions}
    today = plans.todays_prescription(
        ctx.at(T0 + DAY),
        admin,
        walker.id,
    )
    assert today.status == "stopped"


def test_persona_K_chest_pain_stops_every_session_until_reviewed(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned(ctx, admin)
    sessions.log_session(
        ctx,
        admin,
        walker.id,
        session_data("chest", T0, adverse_events=["chest_pain"], completed=False),
    )
    today = plans.todays_prescription(
        ctx.at(T0 + DAY),
        admin,
        walker.id,
    )
    assert today.status == "waiting_for_review"
    assert "call your emergency number now" in today.message
    with pytest.raises(NotReadyToWalk, match="reviewed"):
        sessions.log_session(ctx, admin, walker.id, session_data("next", T0 + DAY))
    # ... but a new adverse event is still stored: safety data is never refused
    stored = sessions.log_session(
        ctx,
        admin,
        walker.id,
        session_data("again", T0 + DAY, adverse_events=["dizziness"], completed=False),
    )
    assert stored.created
    clinician.clear_walker(
        ctx, admin, walker.id, {"scope": "adverse_event", "reason": "Seen by GP: ECG normal"}
    )
    assert plans.todays_prescription(
        ctx.at(T0 + 2 * DAY),
        admin,
        walker.id,
    ).session_offered


def test_persona_A_and_J_a_session_alone_when_supervision_is_required_is_kept_and_flagged(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin, age_years=72)
    screen(ctx, admin, walker, T0, used_to_activity=False)
    assess(ctx, admin, walker, T0, tug_s=13.0, backward_walk_3m_s=4.6)
    plans.make_plan(
        ctx.at(T0),
        admin,
        walker.id,
    )
    clinician.clear_walker(
        ctx, admin, walker.id, {"scope": "start", "reason": "GP: fine to exercise"}
    )
    alone = sessions.log_session(
        ctx,
        admin,
        walker.id,
        session_data("alone", T0 + DAY, supervised=False, surface="flat_clear_known_path"),
    )
    assert alone.created
    assert alone.planned_supervised is True
    assert any("without someone with you" in n for n in alone.notices)
    assert any("planned surface" in n for n in alone.notices)
    flags = clinician.walker_flags(
        ctx.at(T0 + DAY),
        admin,
    )[0]
    assert "walked_outside_supervision" in flags.flags
    with ctx.db.reader() as session:
        actions = [e.action for e in repo.audit_entries(session, walker_id=walker.id)]
    assert "session.outside_supervision" in actions


def test_persona_J_a_near_fall_supervises_and_a_session_alone_next_day_is_flagged(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned(ctx, admin)
    for day in (0, 2):  # past the first supervised sessions
        at = T0 + day * DAY
        sessions.log_session(ctx, admin, walker.id, session_data(f"s{day}", at))
        checkins.morning_checkin(ctx, admin, walker.id, morning(at))
    near = session_data(
        "near", T0 + 4 * DAY, adverse_events=["near_fall", "sharp_knee_pain"], pain_peak_nprs=7
    )
    sessions.log_session(ctx, admin, walker.id, near)
    today = plans.todays_prescription(
        ctx.at(T0 + 5 * DAY),
        admin,
        walker.id,
    )
    assert today.session_offered  # a near-fall supervises; it does not stop
    assert today.supervised
    alone = sessions.log_session(
        ctx, admin, walker.id, session_data("alone", T0 + 5 * DAY, supervised=False)
    )
    assert alone.notices
    flags = clinician.walker_flags(
        ctx.at(T0 + 5 * DAY),
        admin,
    )[0].flags
    assert {"adverse_event", "walked_outside_supervision"} <= set(flags)


def test_a_treadmill_speed_never_feeds_the_overground_speed_rule(
    ctx: AppContext, admin: Actor
) -> None:
    """Fritz 2013 measured overground: 0.4 m/s on a treadmill says nothing about falls."""
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, T0)
    out = assess(
        ctx,
        admin,
        walker,
        T0,
        treadmill_speed_up_m_s=0.4,
        treadmill_speed_down_m_s=0.4,
        **FULL_BATTERY,
    )
    assert out.fall_risk == "low"
    assert out.backward_speed_m_s is None  # the column holds the overground 3-m walk speed


def test_a_session_alone_never_uses_up_the_supervised_first_sessions(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned(ctx, admin)
    for day in (0, 2):
        at = T0 + day * DAY
        sessions.log_session(ctx, admin, walker.id, session_data(f"s{day}", at, supervised=False))
        checkins.morning_checkin(ctx, admin, walker.id, morning(at))
    today = plans.todays_prescription(
        ctx.at(T0 + 4 * DAY),
        admin,
        walker.id,
    )
    assert today.supervised  # 2 sessions logged, none of them with someone there


# --- §3 amendments: rest day, usual level, pain after, week to week ---------------------------


def test_persona_F_next_morning_pain_7_is_a_rest_day_until_the_clinician_decides(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned(ctx, admin)
    sessions.log_session(ctx, admin, walker.id, session_data("s0", T0, pain_before_nprs=2))
    out = checkins.morning_checkin(ctx, admin, walker.id, morning(T0, pain=7))
    assert out.rest_day
    assert out.decision == "regress"
    today = plans.todays_prescription(
        ctx.at(T0 + DAY),
        admin,
        walker.id,
    )
    assert today.status == "rest_day"
    assert not today.session_offered
    assert "contact your clinician" in today.message
    assert (
        "rest_day"
        in clinician.walker_flags(
            ctx.at(T0 + DAY),
            admin,
        )[0].flags
    )
    with pytest.raises(NotReadyToWalk):
        sessions.log_session(ctx, admin, walker.id, session_data("s1", T0 + 2 * DAY))
    assert plans.todays_prescription(
        ctx.at(T0 + 3 * DAY),
        admin,
        walker.id,
    ).status == ("rest_day")  # the next days too: only the clinician ends it
    clinician.clear_walker(
        ctx, admin, walker.id, {"scope": "rest_day", "reason": "Phoned: settled, go on"}
    )
    assert plans.todays_prescription(
        ctx.at(T0 + 3 * DAY),
        admin,
        walker.id,
    ).session_offered


def test_persona_N_pain_after_sessions_above_5_steps_down(ctx: AppContext, admin: Actor) -> None:
    walker = planned(ctx, admin)
    sessions.log_session(
        ctx, admin, walker.id, session_data("s0", T0, pain_peak_nprs=2, pain_after_nprs=7)
    )
    out = checkins.morning_checkin(ctx, admin, walker.id, morning(T0, pain=2))
    assert out.decision == "regress"
    assert any(r.code == "progression.pain_after_too_high" for r in out.reasons)


def test_persona_E_pain_rising_week_to_week_steps_down(ctx: AppContext, admin: Actor) -> None:
    walker = planned(ctx, admin)
    decisions = []
    for n, (day, peak) in enumerate(zip((0, 2, 4, 7, 9, 11), (2, 3, 4, 5, 5, 6), strict=True)):
        at = T0 + day * DAY
        sessions.log_session(ctx, admin, walker.id, session_data(f"s{n}", at, pain_peak_nprs=peak))
        out = checkins.morning_checkin(ctx, admin, walker.id, morning(at, pain=3))
        decisions.append(out.decision)
    assert decisions[3] == "regress"  # 5/10 against last week's highest 4/10
    assert any(
        r.code == "progression.pain_rising_weekly"
        for r in checkins.decision_reasons(repo_prescription(ctx, walker.id, "regress"))
    )


def repo_prescription(ctx: AppContext, walker_id: int, decision: str) -> Any:
    with ctx.db.reader() as session:
        rows = [p for p in repo.prescriptions(session, walker_id) if p.decision == decision]
        return rows[0]


# --- §7.10: speeds a person can use ---------------------------------------------------------------


def test_persona_P_a_treadmill_plan_needs_the_treadmill_test_and_has_a_ceiling(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin, age_years=55)
    screen(ctx, admin, walker, T0)
    assess(ctx, admin, walker, T0, backward_walk_3m_s=1.8, tug_s=6.0, tandem_stance_s=30.0)
    with pytest.raises(CannotDecideError, match="treadmill speed test"):
        plans.make_plan(
            ctx.at(T0),
            admin,
            walker.id,
            surface="treadmill",
        )
    assess(ctx, admin, walker, T0 + DAY, treadmill_speed_up_m_s=1.2, treadmill_speed_down_m_s=1.4)
    plan = plans.make_plan(
        ctx.at(T0 + DAY),
        admin,
        walker.id,
        surface="treadmill",
    )
    assert plan.speed_m_s == pytest.approx(0.8)
    assert plan.details["comfortable_speed_m_s"] == pytest.approx(1.3)
    assert any(r.code == "prescription.speed_ceiling" and r.policy for r in plan.reasons)


def test_persona_I_no_3m_walk_and_high_risk_is_told_to_see_the_clinician(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin, age_years=78)
    screen(ctx, admin, walker, T0)
    assess(ctx, admin, walker, T0, tug_s=16.0, chair_stand_used_arms=True)
    with pytest.raises(CannotDecideError, match="not for you yet"):
        plans.make_plan(
            ctx.at(T0),
            admin,
            walker.id,
        )


def test_a_recorded_cadence_sets_the_step_rate_of_an_overground_plan(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned(ctx, admin)
    before = plans.todays_prescription(
        ctx.at(T0),
        admin,
        walker.id,
    )
    assert before.step_rate_per_min is None  # nothing measured: no rate is invented
    sessions.log_session(ctx, admin, walker.id, session_data("s0", T0, steps=900))
    checkins.morning_checkin(ctx, admin, walker.id, morning(T0))
    today = plans.todays_prescription(
        ctx.at(T0 + 2 * DAY),
        admin,
        walker.id,
    )
    assert today.step_rate_per_min == 90  # 900 steps in 10 minutes


# --- found by trying it from outside (review of 2026-12-01) -----------------------------------


def test_a_record_entered_later_with_an_earlier_time_is_not_lifted_by_an_earlier_clearance(
    ctx: AppContext, admin: Actor
) -> None:
    """A clearance lifts what the program knew when it was given, whatever times are typed."""
    walker = planned(ctx, admin)
    sessions.log_session(ctx, admin, walker.id, session_data("s0", T0))
    checkins.morning_checkin(
        ctx.at(T0 + 2 * DAY),
        admin,
        walker.id,
        morning(T0, new_red_flags=["locked_knee"]),
    )
    clinician.clear_walker(
        ctx.at(T0 + 2 * DAY),
        admin,
        walker.id,
        {"scope": "red_flag", "reason": "Seen: not locked"},
    )
    # a paper diary entered afterwards, dated before the clearance: a NEW warning sign
    sessions.log_session(
        ctx.at(T0 + 3 * DAY),
        admin,
        walker.id,
        session_data("s1", T0 + DAY),
    )
    late = checkins.morning_checkin(
        ctx.at(T0 + 3 * DAY),
        admin,
        walker.id,
        {
            "pain_nprs": 2,
            "stiffness_nprs": 2,
            "new_red_flags": ["calf_pain_swelling_warmth"],
            "at": (T0 + DAY + timedelta(hours=22)).isoformat(),  # 07:00, the next morning
        },
    )
    assert "red_flag" in {r.kind for r in late.restrictions}


def test_a_clearance_dated_ahead_does_not_lift_what_comes_after_it(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, T0, red_flags=["locked_knee"])
    clinician.clear_walker(
        ctx.at(T0 + 3000 * DAY),
        admin,
        walker.id,
        {"scope": "red_flag", "reason": "Orthopaedics: fine"},
    )
    screen(ctx, admin, walker, T0 + DAY, red_flags=["calf_pain_swelling_warmth"])
    assert "red_flag" in kinds(ctx, admin, walker)


def test_a_walker_never_sets_the_time_of_a_check_in(
    ctx: AppContext, walker_actor: tuple[WalkerOut, Actor], admin: Actor
) -> None:
    walker, me = walker_actor
    screen(ctx, me, walker, T0)
    assess(ctx, me, walker, T0, backward_walk_3m_s=4.0, **FULL_BATTERY)
    plans.make_plan(
        ctx.at(T0),
        me,
        walker.id,
    )
    sessions.log_session(
        ctx.at(T0),
        me,
        walker.id,
        session_data("s0", T0),
    )
    with pytest.raises(InvalidRequest, match="at: your check-in is recorded at the moment"):
        checkins.morning_checkin(
            ctx.at(T0 + DAY),
            me,
            walker.id,
            morning(T0),
        )
    future = morning(T0) | {"at": (T0 + 400 * DAY).isoformat()}
    with pytest.raises(InvalidRequest, match="in the future"):
        checkins.morning_checkin(
            ctx.at(T0 + DAY),
            admin,
            walker.id,
            future,
        )


@pytest.mark.parametrize("when", [T0 + timedelta(minutes=1), T0 - 8 * DAY])
def test_a_walker_logs_sessions_of_the_last_days_only(
    ctx: AppContext, walker_actor: tuple[WalkerOut, Actor], when: datetime
) -> None:
    walker, me = walker_actor
    screen(ctx, me, walker, T0 - 9 * DAY)
    assess(ctx, me, walker, T0 - 9 * DAY, backward_walk_3m_s=4.0, **FULL_BATTERY)
    plans.make_plan(
        ctx.at(T0 - 9 * DAY),
        me,
        walker.id,
    )
    with pytest.raises(InvalidRequest, match="performed_at"):
        sessions.log_session(
            ctx.at(T0),
            me,
            walker.id,
            session_data("s", when),
        )
    ok = sessions.log_session(
        ctx.at(T0),
        me,
        walker.id,
        session_data("ok", T0 - 7 * DAY),
    )
    assert ok.created


def test_a_fall_sent_again_under_the_same_key_is_added_not_dropped(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned(ctx, admin)
    first = sessions.log_session(ctx, admin, walker.id, session_data("k1", T0))
    again = sessions.log_session(
        ctx,
        admin,
        walker.id,
        session_data("k1", T0, adverse_events=["fall", "chest_pain"], completed=False),
    )
    assert again.id == first.id
    assert not again.created
    assert set(again.adverse_events) == {"fall", "chest_pain"}
    assert again.notices
    today = plans.todays_prescription(
        ctx.at(T0 + DAY),
        admin,
        walker.id,
    )
    assert today.status == "waiting_for_review"


def test_a_blank_reason_never_clears(ctx: AppContext, admin: Actor) -> None:
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, T0, red_flags=["locked_knee"])
    for blank in ("   ", "\t\n\u00a0"):
        with pytest.raises(InvalidRequest, match="reason"):
            clinician.clear_walker(ctx, admin, walker.id, {"scope": "red_flag", "reason": blank})
    assert "red_flag" in kinds(ctx, admin, walker)


def test_once_a_clinician_clears_a_red_flag_the_plan_can_be_made(
    ctx: AppContext, admin: Actor
) -> None:
    """The clinician decides, not the walker answering the screening again."""
    walker = enrol(ctx, admin, age_years=80, sex="male")
    screen(ctx, admin, walker, T0, red_flags=["hot_swollen_knee"], takes_anticoagulant=True)
    clinician.clear_walker(
        ctx, admin, walker.id, {"scope": "red_flag", "reason": "GP: gout, treated; may walk"}
    )
    assess(ctx, admin, walker, T0 + DAY, backward_walk_3m_s=4.0, **FULL_BATTERY)
    plan = plans.make_plan(
        ctx.at(T0 + DAY),
        admin,
        walker.id,
    )
    assert plan.version == 1


def test_a_red_flag_at_the_check_in_never_steps_the_plan_up(ctx: AppContext, admin: Actor) -> None:
    walker = planned(ctx, admin)
    for n, day in enumerate((0, 2)):
        at = T0 + day * DAY
        sessions.log_session(ctx, admin, walker.id, session_data(f"s{n}", at))
        flags = ["locked_knee"] if n == 1 else []
        out = checkins.morning_checkin(ctx, admin, walker.id, morning(at, new_red_flags=flags))
    assert out.decision == "regress"
    assert any(r.code == "progression.red_flag" for r in out.reasons)


def test_a_fall_before_any_plan_is_stored(ctx: AppContext, admin: Actor) -> None:
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, T0, red_flags=["locked_knee"])
    fell = session_data("fell", T0, duration_min=0, adverse_events=["fall"], completed=False)
    stored = sessions.log_session(ctx, admin, walker.id, fell)
    assert stored.created
    assert stored.prescription_id is None
    assert "adverse_event" in kinds(ctx, admin, walker)


def test_persona_I_today_says_see_your_clinician_not_do_the_tests_again(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin, age_years=75)
    screen(ctx, admin, walker, T0)
    assess(ctx, admin, walker, T0, tug_s=16.0, chair_stand_used_arms=True)
    today = plans.todays_prescription(
        ctx.at(T0),
        admin,
        walker.id,
    )
    assert today.status == "see_clinician"
    assert "not for you yet" in today.message


def test_a_repeat_reassessment_adds_nothing_already_active(ctx: AppContext, admin: Actor) -> None:
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, T0)
    assess(ctx, admin, walker, T0, tug_s=13.0, tandem_stance_s=12.0)
    assess(ctx, admin, walker, T0 + DAY, kind="reassessment", tug_s=14.0)
    record = restrictions.walker_restrictions(ctx, admin, walker.id)
    assert [(a.entity, [k.value for k in a.kinds]) for a in record.added] == [
        ("assessment", ["fall_risk"])
    ]


# --- a policy change never lifts a restriction (found by the outside-in test) ---------------


def test_raising_the_rest_day_pain_does_not_lift_a_rest_day(ctx: AppContext, admin: Actor) -> None:
    """The administrator raised the rest-day pain from 7 to 8: the walker's rest day was
    lifted with no clearance and she walked. Now it holds until a clinician clears it; the
    new number applies to the check-ins after the change."""
    walker = planned(ctx, admin)
    usual = {"pain_before_nprs": 5, "pain_peak_nprs": 5, "pain_after_nprs": 5}  # her usual 5
    sessions.log_session(ctx, admin, walker.id, session_data("s0", T0, **usual))
    assert checkins.morning_checkin(ctx, admin, walker.id, morning(T0, pain=7)).rest_day
    policies.set_policy(
        ctx.at(T0 + DAY + timedelta(hours=1)),
        admin,
        {"rest_day_pain_from_nprs": 8},
        "our physios prefer 8",
    )
    today = plans.todays_prescription(ctx.at(T0 + 2 * DAY), admin, walker.id)
    assert today.status == "rest_day"
    assert "rest_day" in clinician.walker_flags(ctx.at(T0 + 2 * DAY), admin)[0].flags
    with pytest.raises(NotReadyToWalk):
        sessions.log_session(ctx, admin, walker.id, session_data("s1", T0 + 2 * DAY))
    clinician.clear_walker(
        ctx.at(T0 + 2 * DAY + timedelta(hours=2)),
        admin,
        walker.id,
        {"scope": "rest_day", "reason": "Phoned: settled, go on"},
    )
    sessions.log_session(ctx, admin, walker.id, session_data("s2", T0 + 3 * DAY, **usual))
    after = checkins.morning_checkin(ctx, admin, walker.id, morning(T0 + 3 * DAY, pain=7))
    assert not after.rest_day  # 7 is below the new 8 (and not 3 above her usual 5)


def test_switching_walking_aid_supervision_off_keeps_it_for_the_walker_screened_before(
    ctx: AppContext, walker_actor: tuple[WalkerOut, Actor], admin: Actor
) -> None:
    walker, me = walker_actor
    screen(ctx, me, walker, T0, uses_walking_aid=True)
    policies.set_policy(
        ctx.at(T0 + DAY), admin, {"walking_aid_supervised": False}, "trust the cane users"
    )
    assert "walking_aid" in kinds(ctx.at(T0 + 2 * DAY), admin, walker)
