"""The plan's supervision says what the restrictions hold (RULES.md §1.3, §3, §7.5, §7.8), and a
repeated screening never contradicts itself (§7.1), through the use cases on SQLite and
PostgreSQL.

Found by the outside-in probe: a walker with a walking aid was told, by the plan's reasons,
"after that you may walk alone"; a walker referred for a red flag and screened again with no
red flag was told "You can go on to the baseline tests", and the audit said "cleared".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from retrowalk.clinical.screening import CLEARED_ACTION
from retrowalk.services import (
    accounts,
    assessments,
    audit_view,
    clinician,
    plans,
    screening,
    sessions,
)
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import Actor, PrescriptionOut, WalkerOut
from tests.services.factory import MORE_NO, NO_STEADI, PARQ_CLEAR, T0, enrol, session_data

DAY = timedelta(days=1)
LOW_RISK = {"tug_s": 9, "chair_stand_count": 14, "tandem_stance_s": 10, "backward_walk_3m_s": 3.5}
ALONE = ("walk alone", "unsupervised sessions are allowed", "may walk on your own")


@pytest.fixture
def admin(ctx: AppContext) -> Actor:
    return accounts.ensure_local_admin(ctx)


def screen(ctx: AppContext, actor: Actor, walker: WalkerOut, days: int = 0, **answers: Any) -> Any:
    data: dict[str, Any] = {
        "used_to_activity": True,
        "parq": PARQ_CLEAR,
        "red_flags": [],
        "steadi": NO_STEADI,
        **MORE_NO,
    }
    data.update(answers)
    return screening.screen_walker(ctx.at(T0 + days * DAY), actor, walker.id, data)


def planned(ctx: AppContext, admin: Actor, **answers: Any) -> WalkerOut:
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, **answers)
    assessments.record_assessment(ctx.at(T0), admin, walker.id, LOW_RISK)
    plans.make_plan(ctx.at(T0), admin, walker.id)
    return walker


def says_alone(plan: PrescriptionOut) -> list[str]:
    words = [r.message for r in plan.reasons] + [r.for_clinician for r in plan.reasons]
    return [w for w in words if any(a in w for a in ALONE)]


def assert_every_session(plan: PrescriptionOut | None, kind: str) -> None:
    assert plan is not None
    assert plan.supervision == "every_session"
    assert kind in plan.supervision_held_by
    assert plan.supervision_words is not None
    assert plan.supervision_words.startswith("every session, while")
    assert says_alone(plan) == []


def test_a_walking_aid_makes_every_session_supervised_in_the_plan_and_its_words(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, uses_walking_aid=True)
    assessments.record_assessment(ctx.at(T0), admin, walker.id, LOW_RISK)
    made = plans.make_plan(ctx.at(T0), admin, walker.id)
    assert_every_session(made, "walking_aid")
    assert made.plan_supervision == "first_sessions"  # the plan's own rule, stored as decided
    assert made.supervision_words == (
        "every session, while you use a walking aid (only your clinician lifts this)"
    )
    assert_every_session(plans.current_prescription(ctx, admin, walker.id), "walking_aid")
    today = plans.todays_prescription(ctx.at(T0 + DAY), admin, walker.id)
    assert today.supervised
    assert_every_session(today.prescription, "walking_aid")
    assert [r for r in today.reasons if any(a in r.message for a in ALONE)] == []
    assert not any("first" in why for why in today.supervision_why), today.supervision_why
    assert any("walking aid" in why for why in today.supervision_why)


def test_the_plans_own_rule_holds_again_when_the_clinician_lifts_the_walking_aid(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned(ctx, admin, uses_walking_aid=True)
    clinician.clear_walker(
        ctx.at(T0 + DAY),
        admin,
        walker.id,
        {"scope": "walking_aid", "reason": "Walks without the stick now, seen in clinic"},
    )
    plan = plans.current_prescription(ctx, admin, walker.id)
    assert plan is not None
    assert plan.supervision == "first_sessions"
    assert plan.supervision_held_by == ()
    assert plan.supervision_words == "the first 2 sessions"


def test_a_low_risk_plan_without_restrictions_keeps_its_first_sessions(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned(ctx, admin)
    plan = plans.current_prescription(ctx, admin, walker.id)
    assert plan is not None
    assert (plan.supervision, plan.supervision_words) == ("first_sessions", "the first 2 sessions")


def test_a_fall_question_answered_yes_after_the_plan_holds_every_session(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned(ctx, admin)
    screen(ctx, admin, walker, days=1, steadi={**NO_STEADI, "feels_unsteady": True})
    plan = plans.current_prescription(ctx, admin, walker.id)
    assert_every_session(plan, "fall_risk")
    assert plan is not None
    assert "fall risk is high or not known" in (plan.supervision_words or "")
    today = plans.todays_prescription(ctx.at(T0 + 2 * DAY), admin, walker.id)
    assert today.supervised
    assert_every_session(today.prescription, "fall_risk")


def test_a_not_known_fall_risk_is_every_session_in_the_plan_and_its_words(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker)
    assessments.record_assessment(ctx.at(T0), admin, walker.id, {"backward_walk_3m_s": 3.5})
    plan = plans.make_plan(ctx.at(T0), admin, walker.id)
    assert_every_session(plan, "fall_risk")
    assert plan.plan_supervision == "every_session"


@pytest.mark.parametrize("event", ["near_fall", "sharp_knee_pain"])
def test_a_near_fall_or_sharp_pain_holds_every_session_until_reviewed(
    ctx: AppContext, admin: Actor, event: str
) -> None:
    walker = planned(ctx, admin)
    at = T0 + DAY
    sessions.log_session(
        ctx.at(at),
        admin,
        walker.id,
        session_data("s1", at, adverse_events=[event], surface="flat_clear_known_path"),
    )
    plan = plans.current_prescription(ctx, admin, walker.id)
    assert_every_session(plan, "adverse_event")
    assert plan is not None
    assert "review" in (plan.supervision_words or "")


# --- §7.1: a repeated screening says one thing ---------------------------------------------------


def test_clean_answers_after_a_red_flag_are_still_stop_and_refer_everywhere(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin)
    first = screen(ctx, admin, walker, red_flags=["calf_pain_swelling_warmth"])
    assert first.outcome == "stop_and_refer"
    again = screen(ctx, admin, walker, days=1)
    assert again.outcome == "stop_and_refer"
    assert again.result["outcome"] == "stop_and_refer"
    assert again.result["answered_outcome"] == "cleared"
    assert CLEARED_ACTION not in again.result["actions"]
    assert again.result["actions"] == list(first.result["actions"])  # see a doctor, as urgent
    codes = [r.code for r in again.reasons]
    assert codes[0] == "screening.earlier_red_flag_stands"
    assert "calf" in again.reasons[0].message.lower()
    assert not any(r.message.endswith("no knee red flag.") for r in again.reasons)
    assert [r.kind for r in again.restrictions] == ["red_flag"]
    entries = audit_view.walker_audit(ctx, admin, walker.id, {"action": "screening.record"})
    details = [e.detail for e in entries.entries]
    assert {
        "outcome": "stop_and_refer",
        "these_answers": "cleared",
        "still_open": ["red_flag"],
    } in (details)
    assert all(d["outcome"] == "stop_and_refer" for d in details)


def test_clean_answers_after_a_clearance_need_still_need_the_clearance(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, recent_knee_surgery=True)
    again = screen(ctx, admin, walker, days=1)
    assert again.outcome == "clearance_required"
    assert again.result["outcome"] == "clearance_required"
    assert again.result["answered_outcome"] == "cleared"
    assert CLEARED_ACTION not in again.result["actions"]
    assert again.reasons[0].code == "screening.earlier_clearance_stands"


def test_a_first_screening_is_its_own_answers(ctx: AppContext, admin: Actor) -> None:
    walker = enrol(ctx, admin)
    out = screen(ctx, admin, walker)
    assert out.outcome == "cleared"
    assert out.result["answered_outcome"] is None
    assert out.result["actions"] == [CLEARED_ACTION]


def test_the_tests_reply_never_promises_sessions_alone_while_a_walking_aid_holds(
    ctx: AppContext, admin: Actor
) -> None:
    """The fall-risk verdict alone says "then unsupervised sessions are allowed"; the reply to
    the tests of a walker with a walking aid says every session is supervised instead."""
    walker = enrol(ctx, admin)
    screen(ctx, admin, walker, uses_walking_aid=True)
    reply = assessments.record_assessment(ctx.at(T0), admin, walker.id, LOW_RISK)
    words = [r.message for r in reply.reasons] + [r.for_clinician for r in reply.reasons]
    assert [w for w in words if any(a in w for a in ALONE)] == []
    assert any("walking aid" in w for w in words)
    plain = enrol(ctx, admin, "plain@example.org")
    screen(ctx, admin, plain)
    unheld = assessments.record_assessment(ctx.at(T0), admin, plain.id, LOW_RISK)
    assert any(any(a in r.message for a in ALONE) for r in unheld.reasons), "unchanged alone"
