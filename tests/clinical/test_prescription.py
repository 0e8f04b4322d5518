"""The starting prescription (RULES.md §2, §4): dose, speed, supervision, refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrowalk.clinical.clinician_changes import clinician_clear
from retrowalk.clinical.errors import CannotDecideError, InvalidInputError
from retrowalk.clinical.fall_risk import (
    FallRiskResult,
    FallRiskTests,
    Sex,
    Supervision,
    Surface,
    assess_fall_risk,
)
from retrowalk.clinical.policy import DEFAULT_POLICY
from retrowalk.clinical.prescription import (
    RULE_VERSION,
    KneeCondition,
    MeasuredSpeed,
    Prescription,
    ScreeningStopError,
    SpeedMethod,
    must_be_supervised,
    speed_from_three_m_backward_walk,
    speed_from_treadmill,
    start_prescription,
    treadmill_overshoot_speed_m_s,
)
from retrowalk.clinical.red_flags import KneeRedFlag
from retrowalk.clinical.screening import (
    ScreeningAnswers,
    ScreeningOutcome,
    ScreeningResult,
    SteadiAnswers,
    screen,
)

NO_STEADI = SteadiAnswers(
    fell_past_12_months=False, feels_unsteady=False, worries_about_falling=False
)


def screening(
    parq_yes: frozenset[int] = frozenset(), red_flags: frozenset[KneeRedFlag] = frozenset()
) -> ScreeningResult:
    """A screening of a 65-year-old active walker with the given PAR-Q YES items and flags."""
    return screen(
        ScreeningAnswers(
            age_years=65,
            used_to_activity=True,
            parq=tuple(item in parq_yes for item in range(1, 8)),
            red_flags=red_flags,
            steadi=NO_STEADI,
        )
    )


def fall_risk(high: bool = False) -> FallRiskResult:
    """Low risk: quick TUG and 3-m backward walk; high risk: a 13-s TUG."""
    return assess_fall_risk(
        FallRiskTests(
            age_years=65,
            sex=Sex.FEMALE,
            tug_s=13.0 if high else 8.0,
            tandem_stance_s=12.0,
            backward_walk_3m_s=2.8,
            steadi=NO_STEADI,
        )
    )


def measured(
    speed_m_s: float, method: SpeedMethod = SpeedMethod.THREE_M_BACKWARD_WALK
) -> MeasuredSpeed:
    return MeasuredSpeed(speed_m_s=speed_m_s, method=method)


def on_treadmill(speed_m_s: float) -> MeasuredSpeed:
    return measured(speed_m_s, SpeedMethod.TREADMILL_VAN_DE_VENIS)


def prescription(
    *,
    duration_min: int = 10,
    speed_m_s: float = 0.8,
    incline_pct: int = 0,
    condition: KneeCondition = KneeCondition.OA,
    surface: Surface = Surface.TREADMILL,
    comfortable_speed_m_s: float | None = None,
) -> Prescription:
    """A low-fall-risk prescription changed to the given level (as a clinician would)."""
    start = start_prescription(
        screening(),
        fall_risk(),
        condition,
        measured(
            comfortable_speed_m_s or speed_m_s,
            SpeedMethod.TREADMILL_VAN_DE_VENIS
            if surface in (Surface.TREADMILL, Surface.TREADMILL_WITH_HANDRAILS)
            else SpeedMethod.THREE_M_BACKWARD_WALK,
        ),
        surface=surface,
    )
    return start.model_copy(
        update={"duration_min": duration_min, "speed_m_s": speed_m_s, "incline_pct": incline_pct}
    )


# --- the starting dose --------------------------------------------------------------------------


def test_cleared_walker_gets_the_published_start_dose_at_the_measured_speed() -> None:
    plan = start_prescription(screening(), fall_risk(), KneeCondition.OA, measured(0.74))
    assert (plan.duration_min, plan.sessions_per_week, plan.incline_pct) == (10, 3, 0)
    assert plan.speed_m_s == plan.comfortable_speed_m_s == 0.74
    assert plan.warm_up_min == 5
    assert plan.cool_down_min == DEFAULT_POLICY.cool_down_min
    assert not plan.awaiting_clearance
    assert plan.supervision is Supervision.FIRST_SESSIONS
    assert plan.supervised_first_sessions == 2
    assert plan.surface is Surface.FLAT_CLEAR_KNOWN_PATH
    assert plan.rule_version == RULE_VERSION
    assert "Straight-leg raise" in plan.strengthening
    assert len(plan.strengthening) == 6
    assert "Keep your back straight." in plan.posture_cues
    assert "Glance over your shoulder now and then." in plan.safety_cues
    assert "Hold the handrails." not in plan.safety_cues  # not on a path


def test_every_reason_cites_the_catalogue_and_labels_policy() -> None:
    plan = start_prescription(screening(), fall_risk(), KneeCondition.OA, measured(0.74))
    codes = {r.code: r for r in plan.reasons}
    assert "alghadir2019" in codes["prescription.start_dose"].sources
    assert "lin2025" in codes["prescription.speed_measured"].sources
    assert codes["prescription.supervision_first_sessions"].policy
    assert not codes["prescription.start_dose"].policy
    # The 5-min warm-up is published (Parikh 2022); the cool-down length is our policy.
    assert not codes["prescription.warm_up"].policy
    assert codes["prescription.cool_down"].policy
    assert f"{DEFAULT_POLICY.cool_down_min} min" in codes["prescription.cool_down"].message


def test_high_fall_risk_means_every_session_supervised_on_a_treadmill_with_handrails() -> None:
    plan = start_prescription(
        screening(), fall_risk(high=True), KneeCondition.OA, on_treadmill(0.7)
    )
    assert plan.high_fall_risk
    assert plan.supervision is Supervision.EVERY_SESSION
    assert plan.surface is Surface.TREADMILL_WITH_HANDRAILS
    assert "Clip the emergency stop to your clothing." in plan.safety_cues
    assert all(must_be_supervised(plan, n, open_adverse_event_review=False) for n in range(50))


def test_high_fall_risk_without_a_treadmill_test_walks_the_hallway_from_the_3m_walk() -> None:
    plan = start_prescription(screening(), fall_risk(high=True), KneeCondition.OA, measured(0.7))
    assert plan.surface is Surface.HALLWAY_WITH_RAIL_AND_SPOTTER
    assert plan.supervision is Supervision.EVERY_SESSION


def test_a_treadmill_plan_needs_the_treadmill_test_and_never_uses_the_3m_walk() -> None:
    """Persona P: 3-m walk in 1.8 s (1.67 m/s), then asks for a treadmill."""
    with pytest.raises(CannotDecideError, match="treadmill speed test"):
        start_prescription(
            screening(), fall_risk(), KneeCondition.OA, measured(1.67), Surface.TREADMILL
        )
    both = (measured(1.67), on_treadmill(0.6))
    plan = start_prescription(screening(), fall_risk(), KneeCondition.OA, both, Surface.TREADMILL)
    assert plan.speed_m_s == 0.6
    ground = start_prescription(screening(), fall_risk(), KneeCondition.OA, both)
    assert ground.surface is Surface.FLAT_CLEAR_KNOWN_PATH


@pytest.mark.parametrize(
    ("measured_m_s", "start_m_s"), [(0.79, 0.79), (0.8, 0.8), (0.81, 0.8), (1.67, 0.8)]
)
def test_the_starting_speed_has_a_policy_ceiling(measured_m_s: float, start_m_s: float) -> None:
    """Personas B and P: 1.36 and 1.67 m/s measured are too fast a start (RULES.md §7.10)."""
    plan = start_prescription(screening(), fall_risk(), KneeCondition.OA, measured(measured_m_s))
    assert plan.speed_m_s == start_m_s
    assert plan.comfortable_speed_m_s == measured_m_s  # progression still knows the real one
    capped = [r for r in plan.reasons if r.code == "prescription.speed_ceiling"]
    assert bool(capped) is (measured_m_s > DEFAULT_POLICY.start_speed_ceiling_m_s)
    if capped:
        assert capped[0].policy
        assert "km/h" in capped[0].message


def test_a_fall_risk_restriction_makes_the_plan_as_for_high_risk() -> None:
    """A low latest result does not lift an active fall-risk restriction (RULES.md §7.1)."""
    plan = start_prescription(
        screening(), fall_risk(), KneeCondition.OA, measured(0.7), fall_risk_restricted=True
    )
    assert plan.supervision is Supervision.EVERY_SESSION
    assert plan.high_fall_risk


def test_without_a_3m_walk_a_high_risk_walker_is_told_backward_walking_is_not_for_them_yet() -> (
    None
):
    """Persona I: TUG 16 s, stands with the arms, cannot do the 3-m backward walk."""
    with pytest.raises(CannotDecideError, match="not for you yet"):
        start_prescription(screening(), fall_risk(high=True), KneeCondition.OA, None)


def test_a_surface_the_fall_risk_does_not_allow_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="surface"):
        start_prescription(
            screening(),
            fall_risk(high=True),
            KneeCondition.OA,
            measured(0.7),
            surface=Surface.FLAT_CLEAR_KNOWN_PATH,
        )


def test_clearance_required_gives_a_plan_that_waits_for_the_clinician() -> None:
    plan = start_prescription(
        screening(parq_yes=frozenset({6})), fall_risk(), KneeCondition.OA, measured(0.7)
    )
    assert plan.awaiting_clearance
    assert any(r.code == "prescription.awaiting_clearance" for r in plan.reasons)
    cleared = clinician_clear(plan, "Cleared by Dr Smith after a blood-pressure review.")
    assert not cleared.awaiting_clearance


def test_parq_item_5_alone_does_not_wait_for_clearance() -> None:
    plan = start_prescription(
        screening(parq_yes=frozenset({5})), fall_risk(), KneeCondition.OA, measured(0.7)
    )
    assert not plan.awaiting_clearance


def test_red_flag_never_gets_a_prescription() -> None:
    with pytest.raises(ScreeningStopError, match="no walking plan"):
        start_prescription(
            screening(red_flags=frozenset({KneeRedFlag.LOCKED_KNEE})),
            fall_risk(),
            KneeCondition.OA,
            measured(0.8),
        )


@given(
    flags=st.frozensets(st.sampled_from(list(KneeRedFlag)), min_size=1),
    parq_yes=st.frozensets(st.integers(1, 7)),
    speed=st.floats(0.05, 2.5),
    high=st.booleans(),
)
def test_property_stop_and_refer_never_yields_a_prescription(
    flags: frozenset[KneeRedFlag], parq_yes: frozenset[int], speed: float, high: bool
) -> None:
    result = screening(parq_yes=parq_yes, red_flags=flags)
    assert result.outcome is ScreeningOutcome.STOP_AND_REFER
    with pytest.raises(ScreeningStopError):
        start_prescription(result, fall_risk(high), KneeCondition.OA, measured(speed))


def test_unmeasured_speed_is_refused_with_the_test_to_do() -> None:
    with pytest.raises(CannotDecideError, match="3-m backward walk"):
        start_prescription(screening(), fall_risk(), KneeCondition.OA, None)


# --- measuring the speed ------------------------------------------------------------------------


@given(time_s=st.floats(0.5, 60.0), condition=st.sampled_from(list(KneeCondition)))
def test_property_prescription_speed_equals_the_measured_speed(
    time_s: float, condition: KneeCondition
) -> None:
    speed = speed_from_three_m_backward_walk(time_s)
    assert speed.speed_m_s == pytest.approx(3.0 / time_s)
    plan = start_prescription(screening(), fall_risk(), condition, speed)
    assert plan.speed_m_s == min(speed.speed_m_s, DEFAULT_POLICY.start_speed_ceiling_m_s)
    assert plan.comfortable_speed_m_s == speed.speed_m_s


@pytest.mark.parametrize("time_s", [0.0, -1.0, float("nan"), float("inf")])
def test_a_3m_time_that_is_not_positive_is_refused(time_s: float) -> None:
    with pytest.raises(InvalidInputError, match="backward_walk_3m_s"):
        speed_from_three_m_backward_walk(time_s)


def test_treadmill_speed_is_the_mean_of_up_and_down_van_de_venis() -> None:
    assert treadmill_overshoot_speed_m_s(0.5) == pytest.approx(0.8)
    speed = speed_from_treadmill(0.5, 0.6)
    assert speed.speed_m_s == pytest.approx(0.55)
    assert speed.method is SpeedMethod.TREADMILL_VAN_DE_VENIS
    plan = start_prescription(screening(), fall_risk(), KneeCondition.OA, speed)
    assert "van_de_venis" in {s for r in plan.reasons for s in r.sources}


def test_treadmill_speed_coming_down_above_the_raised_belt_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="comfortable_coming_down_m_s"):
        speed_from_treadmill(0.5, 0.9)


# --- supervision --------------------------------------------------------------------------------


def test_low_risk_walker_is_supervised_for_the_first_two_sessions_only() -> None:
    plan = start_prescription(screening(), fall_risk(), KneeCondition.OA, measured(0.8))
    assert [must_be_supervised(plan, n, open_adverse_event_review=False) for n in range(4)] == [
        True,
        True,
        False,
        False,
    ]


def test_an_open_adverse_event_review_makes_the_session_supervised() -> None:
    plan = start_prescription(screening(), fall_risk(), KneeCondition.OA, measured(0.8))
    assert must_be_supervised(plan, 10, open_adverse_event_review=True)


def test_negative_session_count_is_refused() -> None:
    plan = start_prescription(screening(), fall_risk(), KneeCondition.OA, measured(0.8))
    with pytest.raises(InvalidInputError, match="sessions_done"):
        must_be_supervised(plan, -1, open_adverse_event_review=False)
