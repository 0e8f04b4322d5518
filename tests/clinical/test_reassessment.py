"""A reassessment's fall-risk result and the current plan's supervision (RULES.md §1.3, §7.2–7.4):
repeated tests only ever make the plan safer; lifting the high-risk rule is a clinician's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from retrowalk.clinical.clearance import clinician_lift_fall_risk
from retrowalk.clinical.fall_risk import FallRiskResult, FallRiskTests, Sex, assess_fall_risk
from retrowalk.clinical.policy import DEFAULT_POLICY
from retrowalk.clinical.prescription import KneeCondition, Prescription, must_be_supervised
from retrowalk.clinical.reassessment import apply_reassessment
from retrowalk.clinical.screening import SteadiAnswers
from retrowalk.clinical.surfaces import Supervision, Surface
from tests.clinical.test_prescription import fall_risk, measured, on_treadmill, screening

NO_STEADI = SteadiAnswers(
    fell_past_12_months=False, feels_unsteady=False, worries_about_falling=False
)


def plan(*, high: bool, surface: Surface | None = None, incline_pct: int = 0) -> Prescription:
    from retrowalk.clinical.prescription import start_prescription

    treadmill = surface in (Surface.TREADMILL, Surface.TREADMILL_WITH_HANDRAILS)
    speed = on_treadmill(0.7) if treadmill else measured(0.7)
    start = start_prescription(
        screening(), fall_risk(high=high), KneeCondition.OA, speed, surface=surface
    )
    return start.model_copy(update={"incline_pct": incline_pct})


def reassessed(*, tug_s: float) -> FallRiskResult:
    return assess_fall_risk(
        FallRiskTests(
            age_years=70, sex=Sex.FEMALE, tug_s=tug_s, tandem_stance_s=12.0, steadi=NO_STEADI
        )
    )


def test_high_risk_at_reassessment_makes_every_session_supervised() -> None:
    before = plan(high=False, surface=Surface.FLAT_CLEAR_KNOWN_PATH)
    assert not must_be_supervised(before, sessions_done=10, open_adverse_event_review=False)

    decision = apply_reassessment(before, reassessed(tug_s=12.0))

    assert decision.changed
    after = decision.next
    assert after.supervision is Supervision.EVERY_SESSION
    assert after.high_fall_risk
    assert must_be_supervised(after, sessions_done=10, open_adverse_event_review=False)
    # A flat path alone is not a high-risk surface: the walker moves to one that is.
    assert after.surface in DEFAULT_POLICY.high_risk_surfaces
    assert decision.reasons[0].code == "reassessment.high_fall_risk"
    assert decision.reasons[0].policy


def test_tug_just_under_the_cut_off_keeps_low_risk_supervision() -> None:
    before = plan(high=False, surface=Surface.TREADMILL)
    decision = apply_reassessment(before, reassessed(tug_s=11.9))
    assert not decision.changed
    assert decision.next == before


def test_high_risk_keeps_a_treadmill_incline_but_drops_it_off_the_treadmill() -> None:
    on_rails = plan(high=True, surface=Surface.TREADMILL_WITH_HANDRAILS, incline_pct=5)
    kept = apply_reassessment(on_rails, reassessed(tug_s=13.0))
    assert kept.next.incline_pct == 5
    assert kept.next.surface is Surface.TREADMILL_WITH_HANDRAILS

    on_path = plan(high=False, surface=Surface.FLAT_CLEAR_KNOWN_PATH)
    moved = apply_reassessment(on_path, reassessed(tug_s=13.0))
    assert moved.next.surface is DEFAULT_POLICY.high_risk_surfaces[0]


def test_low_risk_at_reassessment_changes_nothing_only_a_clinician_lifts_it() -> None:
    """Personas M and U: a retest (or new tests) never lifts the every-session rule."""
    before = plan(high=True)
    decision = apply_reassessment(before, reassessed(tug_s=9.0))
    assert not decision.changed
    assert decision.next == before
    assert decision.reasons[0].code == "reassessment.low_fall_risk_unchanged"
    assert "only your clinician" in decision.reasons[0].message

    lifted = clinician_lift_fall_risk(before, "Reassessed in clinic: TUG 9 s, steady.")
    assert lifted.supervision is Supervision.FIRST_SESSIONS
    assert lifted.supervised_first_sessions == DEFAULT_POLICY.supervised_first_sessions_low_risk
    assert not lifted.high_fall_risk
    assert lifted.surface == before.surface  # the safer surface is kept
    assert (lifted.duration_min, lifted.speed_m_s, lifted.incline_pct) == (
        before.duration_min,
        before.speed_m_s,
        before.incline_pct,
    )
    assert "Reassessed in clinic" in lifted.reasons[-1].message


def test_not_known_at_reassessment_supervises_like_high() -> None:
    before = plan(high=False, surface=Surface.FLAT_CLEAR_KNOWN_PATH)
    partial = assess_fall_risk(FallRiskTests(age_years=70, sex=Sex.FEMALE, backward_walk_3m_s=2.9))
    decision = apply_reassessment(before, partial)
    assert decision.changed
    assert decision.next.supervision is Supervision.EVERY_SESSION
    assert "not known" in decision.reasons[0].message


def test_a_reassessment_never_lifts_an_adverse_event_review() -> None:
    before = plan(high=True).model_copy(update={"supervised_until_review": True})
    decision = apply_reassessment(before, reassessed(tug_s=9.0))
    assert decision.next.supervised_until_review
    assert must_be_supervised(decision.next, sessions_done=50, open_adverse_event_review=False)


@given(
    high_before=st.booleans(),
    tug_s=st.floats(min_value=5.0, max_value=30.0),
    sessions_done=st.integers(min_value=0, max_value=100),
    until_review=st.booleans(),
)
def test_property_supervision_follows_the_latest_fall_risk_and_load_never_rises(
    high_before: bool, tug_s: float, sessions_done: int, until_review: bool
) -> None:
    before = plan(high=high_before, incline_pct=0).model_copy(
        update={"supervised_until_review": until_review}
    )
    result = reassessed(tug_s=tug_s)
    after = apply_reassessment(before, result).next

    high_now = tug_s >= 12.0
    # supervision only ever goes up: high stays high, low-then-high becomes high
    assert after.high_fall_risk is (high_now or high_before)
    if high_now or high_before or until_review:
        assert must_be_supervised(after, sessions_done, open_adverse_event_review=False)
    if high_now:
        assert after.surface in result.surfaces
    assert after.supervised_until_review is until_review
    assert after.duration_min == before.duration_min
    assert after.speed_m_s == before.speed_m_s
    assert after.incline_pct <= before.incline_pct
