"""Every policy threshold lives in ``PolicyConfig`` and the rules obey a configured one.

RULES.md marks the PAR-Q item-5 rule and the fall-risk consequence (supervised first sessions,
surfaces) as **policy**: a clinic can change them by passing its own ``PolicyConfig``; the old
module constants stay as aliases of ``DEFAULT_POLICY``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from retrowalk.clinical import fall_risk, surfaces
from retrowalk.clinical.fall_risk import (
    FallRiskTests,
    Sex,
    Supervision,
    Surface,
    assess_fall_risk,
)
from retrowalk.clinical.norms import SPEED_MAX_RISE_FRACTION_PER_7_DAYS
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.clinical.prescription import (
    KneeCondition,
    MeasuredSpeed,
    SpeedMethod,
    must_be_supervised,
    start_prescription,
)
from retrowalk.clinical.screening import (
    ScreeningAnswers,
    ScreeningOutcome,
    SteadiAnswers,
    screen,
)

NO = SteadiAnswers(fell_past_12_months=False, feels_unsteady=False, worries_about_falling=False)
ITEM_5_ONLY = (False, False, False, False, True, False, False)
LOW_RISK_TESTS = FallRiskTests(
    age_years=67, sex=Sex.FEMALE, tug_s=8.0, tandem_stance_s=12.0, backward_walk_3m_s=2.8, steadi=NO
)
HIGH_RISK_TESTS = FallRiskTests(age_years=67, sex=Sex.FEMALE, tug_s=14.0, backward_walk_3m_s=2.8)
SPEED = MeasuredSpeed(speed_m_s=1.0, method=SpeedMethod.THREE_M_BACKWARD_WALK)


def screening_answers(parq: tuple[bool, ...] = ITEM_5_ONLY) -> ScreeningAnswers:
    return ScreeningAnswers(age_years=67, used_to_activity=True, parq=parq, steadi=NO)


def test_parq_item_5_alone_is_recorded_not_blocking_by_default() -> None:
    result = screen(screening_answers())
    assert result.outcome is ScreeningOutcome.CLEARED
    item5 = [r for r in result.reasons if r.code == "screening.parq.item5"]
    assert len(item5) == 1
    assert item5[0].policy


def test_a_clinic_can_make_parq_item_5_require_clearance() -> None:
    strict = PolicyConfig(parq_joint_problem_requires_clearance=True)
    result = screen(screening_answers(), strict)
    assert result.outcome is ScreeningOutcome.CLEARANCE_REQUIRED
    item5 = [r for r in result.reasons if r.code == "screening.parq.item5"]
    assert len(item5) == 1
    assert not item5[0].policy
    assert "a clinician must clear you" in item5[0].message


@given(st.integers(min_value=0, max_value=12), st.integers(min_value=0, max_value=30))
def test_property_low_risk_supervised_first_sessions_follow_the_policy(
    first: int, sessions_done: int
) -> None:
    policy = PolicyConfig(supervised_first_sessions_low_risk=first)
    risk = assess_fall_risk(LOW_RISK_TESTS, policy)
    assert risk.supervision is Supervision.FIRST_SESSIONS
    assert risk.supervised_first_sessions == first
    plan = start_prescription(
        screen(screening_answers(), policy), risk, KneeCondition.OA, SPEED, policy=policy
    )
    assert must_be_supervised(plan, sessions_done, open_adverse_event_review=False) is (
        sessions_done < first
    )


def test_default_low_risk_supervises_the_first_two_sessions() -> None:
    risk = assess_fall_risk(LOW_RISK_TESTS)
    assert risk.supervised_first_sessions == DEFAULT_POLICY.supervised_first_sessions_low_risk
    assert risk.supervised_first_sessions == 2
    assert risk.surfaces == (Surface.FLAT_CLEAR_KNOWN_PATH, Surface.TREADMILL)


def test_surfaces_per_fall_risk_level_follow_the_policy_and_the_words_match() -> None:
    policy = PolicyConfig(
        high_risk_surfaces=(Surface.HALLWAY_WITH_RAIL_AND_SPOTTER,),
        low_risk_surfaces=(Surface.TREADMILL,),
    )
    high = assess_fall_risk(HIGH_RISK_TESTS, policy)
    low = assess_fall_risk(LOW_RISK_TESTS, policy)
    assert high.surfaces == (Surface.HALLWAY_WITH_RAIL_AND_SPOTTER,)
    assert low.surfaces == (Surface.TREADMILL,)
    high_words = next(r.message for r in high.reasons if r.code == "fall_risk.supervision")
    low_words = next(r.message for r in low.reasons if r.code == "fall_risk.supervision")
    assert "a hallway with a rail, with someone beside you" in high_words
    assert "treadmill with handrails" not in high_words
    assert "on a treadmill (retrowalk policy)" in low_words
    assert "flat" not in low_words
    plan = start_prescription(screen(screening_answers()), high, KneeCondition.OA, SPEED)
    assert plan.surface is Surface.HALLWAY_WITH_RAIL_AND_SPOTTER
    why = next(r.message for r in plan.reasons if r.code.startswith("prescription.supervision"))
    assert "a hallway with a rail, with someone beside you" in why
    assert "treadmill" not in why


def test_a_policy_needs_at_least_one_surface_per_level() -> None:
    with pytest.raises(ValidationError):
        PolicyConfig(low_risk_surfaces=())
    with pytest.raises(ValidationError):
        PolicyConfig(high_risk_surfaces=())


@pytest.mark.parametrize("surface", [Surface.FLAT_CLEAR_KNOWN_PATH, Surface.TREADMILL])
def test_high_fall_risk_is_never_offered_a_surface_without_support(surface: Surface) -> None:
    """A clinic's policy cannot send a walker at high fall risk onto a path or a bare
    treadmill: nothing to hold, nobody beside (found by the outside-in test)."""
    with pytest.raises(ValidationError, match="nothing to hold or nobody beside"):
        PolicyConfig(high_risk_surfaces=(Surface.TREADMILL_WITH_HANDRAILS, surface))


def test_a_clinic_cannot_start_walkers_at_laboratory_speeds_or_backdate_for_months() -> None:
    with pytest.raises(ValidationError, match="start_speed_ceiling_m_s"):
        PolicyConfig(start_speed_ceiling_m_s=0.89)
    assert PolicyConfig(start_speed_ceiling_m_s=0.88).start_speed_ceiling_m_s == 0.88
    with pytest.raises(ValidationError, match="walker_backdate_max_days"):
        PolicyConfig(walker_backdate_max_days=31)


def test_the_speed_step_can_never_exceed_the_published_10_percent_a_week() -> None:
    assert DEFAULT_POLICY.speed_step_fraction <= SPEED_MAX_RISE_FRACTION_PER_7_DAYS
    with pytest.raises(ValidationError):
        PolicyConfig(speed_step_fraction=SPEED_MAX_RISE_FRACTION_PER_7_DAYS + 0.01)


def test_old_module_constants_are_aliases_of_the_default_policy() -> None:
    assert (
        DEFAULT_POLICY.supervised_first_sessions_low_risk
        == fall_risk.SUPERVISED_FIRST_SESSIONS_LOW_RISK
    )
    assert DEFAULT_POLICY.high_risk_surfaces == fall_risk.HIGH_RISK_SURFACES
    assert DEFAULT_POLICY.low_risk_surfaces == fall_risk.LOW_RISK_SURFACES
    assert fall_risk.Surface is surfaces.Surface
    assert fall_risk.Supervision is surfaces.Supervision
