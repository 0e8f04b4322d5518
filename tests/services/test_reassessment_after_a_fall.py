"""A reassessment that reuses the screening's answers about falls reads a fall logged since
(RULES.md §7.3: the STEADI key questions, answered; a fall in the past 12 months marks high
fall risk). Found by the outside-in test: screened "has not fallen", a fall in a session, a
good reassessment with the questions left empty — and fall risk could be cleared."""

from __future__ import annotations

from datetime import timedelta

from retrowalk.services import accounts, assessments, clinician, sessions
from retrowalk.services.context import AppContext
from tests.services.factory import NO_STEADI, T0, planned_walker, session_data

GOOD = {"tug_s": 9.0, "tandem_stance_s": 15, "chair_stand_count": 14, "backward_walk_3m_s": 3.0}


def test_a_fall_since_the_screening_counts_in_a_reassessment_without_the_questions(
    ctx: AppContext,
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    fell = T0 + timedelta(days=2)
    sessions.log_session(
        ctx.at(fell),
        admin,
        walker.id,
        session_data("fell", fell, adverse_events=["fall"], completed=False),
    )
    clinician.clear_walker(
        ctx.at(fell + timedelta(hours=2)),
        admin,
        walker.id,
        {"scope": "adverse_event", "reason": "Seen: tripped on a rug, no injury"},
    )
    later = ctx.at(fell + timedelta(days=1))
    reused = assessments.record_assessment(later, admin, walker.id, GOOD)
    assert reused.fall_risk != "low"
    asked = assessments.record_assessment(
        later, admin, walker.id, {**GOOD, "steadi": {**NO_STEADI, "fell_past_12_months": True}}
    )
    assert asked.fall_risk != "low"
    # the clinician's own record of the answers stands (her judgement, recorded)
    answered = assessments.record_assessment(later, admin, walker.id, {**GOOD, "steadi": NO_STEADI})
    assert answered.fall_risk == "low"


def test_without_a_fall_since_the_screening_its_answers_are_used_as_before(
    ctx: AppContext,
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    at = T0 + timedelta(days=3)
    assert assessments.record_assessment(ctx.at(at), admin, walker.id, GOOD).fall_risk == "low"
