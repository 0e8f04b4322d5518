"""The walker's words say what her plan and her record actually hold (found by the outside-in
test of the words): a low-risk walker who walked alone in her first sessions is told about
her first sessions, not "every session … when your balance is at risk"; tests redone after a
"not known" fall risk are waiting for the clinician's review, not "not done". On SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retrowalk.services import accounts, assessments, restrictions, screening, sessions
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import Actor
from tests.services.factory import (
    CLEAR_SCREENING,
    T0,
    enrol,
    high_fall_risk_walker,
    planned_walker,
    session_data,
)

FULL_LOW = {"tug_s": 9.0, "tandem_stance_s": 15, "chair_stand_count": 13, "backward_walk_3m_s": 4.0}


@pytest.fixture
def admin(ctx: AppContext) -> Actor:
    return accounts.ensure_local_admin(ctx)


def test_a_low_risk_walker_alone_in_her_first_sessions_is_told_of_those_sessions(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned_walker(ctx, admin)
    at = T0 + timedelta(hours=2)
    saved = sessions.log_session(
        ctx.at(at), admin, walker.id, session_data("alone", at, supervised=False)
    )
    alone = next(n for n in saved.notices if "without someone with you" in n)
    assert "your first 2 sessions" in alone
    assert "every session" not in alone
    assert "balance is at risk" not in alone
    # a walker at high fall risk is still told it holds every session, and why
    high = high_fall_risk_walker(ctx, admin)
    held = sessions.log_session(
        ctx.at(at),
        admin,
        high.id,
        session_data("alone-high", at, supervised=False, surface="treadmill_with_handrails"),
    )
    told = next(n for n in held.notices if "without someone with you" in n)
    assert "needs a helper for every session (fall risk high or not known" in told
    assert "your first" not in told


def test_redone_tests_after_a_not_known_fall_risk_wait_for_the_clinicians_review(
    ctx: AppContext, admin: Actor
) -> None:
    walker = enrol(ctx, admin)
    screening.screen_walker(ctx.at(T0), admin, walker.id, CLEAR_SCREENING)
    skipped = assessments.record_assessment(
        ctx.at(T0), admin, walker.id, {"backward_walk_3m_s": 4.0}
    )
    assert skipped.fall_risk == "not_known"
    assessments.record_assessment(ctx.at(T0 + timedelta(days=1)), admin, walker.id, FULL_LOW)
    held = restrictions.walker_restrictions(ctx, admin, walker.id).active
    fall_risk = next(r for r in held if r.kind == "fall_risk")  # only a clinician lifts it
    words = " ".join(r.message for r in fall_risk.reasons)
    assert "wait for your clinician's review" in words
    assert "not done" not in words
    assert "not done" not in fall_risk.summary
    assert "not done" not in fall_risk.clinician_summary
    clinician_words = " ".join(r.for_clinician for r in fall_risk.reasons)
    assert "wait for your review and a clearance" in clinician_words
    assert "not done" not in clinician_words
