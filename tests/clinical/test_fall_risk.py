"""Fall risk (RULES.md §1.3): each cut-off at its boundary, missing tests, consequences."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from retrowalk.clinical.errors import CannotDecideError, InvalidInputError
from retrowalk.clinical.fall_risk import (
    SUPERVISED_FIRST_SESSIONS_LOW_RISK,
    FallRiskLevel,
    FallRiskTest,
    FallRiskTests,
    Sex,
    Supervision,
    Surface,
    assess_fall_risk,
)
from retrowalk.clinical.norms import CHAIR_STAND_NORMS
from retrowalk.clinical.screening import SteadiAnswers

NO = SteadiAnswers(fell_past_12_months=False, feels_unsteady=False, worries_about_falling=False)


def make_tests(**values: Any) -> FallRiskTests:
    base: dict[str, Any] = {"age_years": 70, "sex": Sex.FEMALE}
    base.update(values)
    return FallRiskTests(**base)


def fired(**values: Any) -> tuple[FallRiskTest, ...]:
    return assess_fall_risk(make_tests(**values)).fired


@pytest.mark.parametrize(("tug_s", "at_risk"), [(11.9, False), (12.0, True), (12.1, True)])
def test_tug_at_risk_from_12_s(tug_s: float, at_risk: bool) -> None:
    result = assess_fall_risk(make_tests(tug_s=tug_s))
    assert (FallRiskTest.TUG in result.fired) is at_risk
    assert result.level is (FallRiskLevel.HIGH if at_risk else FallRiskLevel.LOW)
    if at_risk:
        reason = next(r for r in result.reasons if r.code == "fall_risk.tug")
        assert f"{tug_s:g} s" in reason.message
        assert "steadi" in reason.sources


@pytest.mark.parametrize(("held_s", "at_risk"), [(9.9, True), (10.0, False), (0.0, True)])
def test_tandem_stance_at_risk_below_10_s(held_s: float, at_risk: bool) -> None:
    assert (FallRiskTest.TANDEM_STANCE in fired(tandem_stance_s=held_s)) is at_risk


CHAIR_CASES = [
    (age, sex, norm)
    for band in CHAIR_STAND_NORMS
    for age in (band.age_min_years, band.age_max_years)
    for sex, norm in ((Sex.MALE, band.men_at_risk_below), (Sex.FEMALE, band.women_at_risk_below))
]


@pytest.mark.parametrize(("age", "sex", "norm"), CHAIR_CASES)
def test_chair_stand_equal_to_norm_is_not_at_risk_one_below_is(
    age: int, sex: Sex, norm: int
) -> None:
    assert FallRiskTest.CHAIR_STAND not in fired(age_years=age, sex=sex, chair_stand_count=norm)
    assert FallRiskTest.CHAIR_STAND in fired(age_years=age, sex=sex, chair_stand_count=norm - 1)


def test_chair_stand_table_is_the_rules_table() -> None:
    men = [b.men_at_risk_below for b in CHAIR_STAND_NORMS]
    women = [b.women_at_risk_below for b in CHAIR_STAND_NORMS]
    assert men == [14, 12, 12, 11, 10, 8, 7]
    assert women == [12, 11, 10, 10, 9, 8, 4]
    assert [(b.age_min_years, b.age_max_years) for b in CHAIR_STAND_NORMS] == [
        (60, 64), (65, 69), (70, 74), (75, 79), (80, 84), (85, 89), (90, 94)
    ]  # fmt: skip


@pytest.mark.parametrize("age", [59, 95])
def test_chair_stand_outside_60_94_gives_no_verdict_and_says_so(age: int) -> None:
    result = assess_fall_risk(make_tests(age_years=age, chair_stand_count=0, tug_s=8.0))
    assert FallRiskTest.CHAIR_STAND not in result.fired
    assert FallRiskTest.CHAIR_STAND in result.no_verdict
    assert any(
        r.code == "fall_risk.chair_stand.no_norm" and str(age) in r.message for r in result.reasons
    )
    assert result.level is FallRiskLevel.LOW


def test_chair_stand_with_arms_scores_zero() -> None:
    result = assess_fall_risk(
        make_tests(age_years=92, chair_stand_count=20, chair_stand_used_arms=True)
    )
    assert FallRiskTest.CHAIR_STAND in result.fired
    assert any("arms" in r.message and "score 0" in r.message for r in result.reasons)


@pytest.mark.parametrize(
    ("time_s", "fires", "no_verdict"),
    [(3.0, False, False), (3.1, False, True), (4.4, False, True), (4.5, True, False)],
)
def test_backward_walk_3m_cut_offs(time_s: float, fires: bool, no_verdict: bool) -> None:
    result = assess_fall_risk(make_tests(backward_walk_3m_s=time_s, backward_speed_m_s=1.0))
    assert (FallRiskTest.BACKWARD_WALK_3M in result.fired) is fires
    assert (FallRiskTest.BACKWARD_WALK_3M in result.no_verdict) is no_verdict


@pytest.mark.parametrize(("speed", "at_risk"), [(0.59, True), (0.60, False)])
def test_backward_speed_at_risk_below_0_6(speed: float, at_risk: bool) -> None:
    assert (FallRiskTest.BACKWARD_SPEED in fired(backward_speed_m_s=speed)) is at_risk


def test_backward_speed_is_derived_from_the_3m_walk_and_says_so() -> None:
    result = assess_fall_risk(make_tests(backward_walk_3m_s=6.0))
    assert result.backward_speed_m_s == pytest.approx(0.5)
    reason = next(r for r in result.reasons if r.code == "fall_risk.backward_speed")
    assert "derived" in reason.message
    assert "0.50 m/s" in reason.message
    slow_ok = assess_fall_risk(make_tests(backward_walk_3m_s=5.0))
    assert FallRiskTest.BACKWARD_SPEED not in slow_ok.fired  # 3/5 = 0.60 m/s is not below 0.6
    assert any(r.code == "fall_risk.backward_speed.derived" for r in slow_ok.reasons)


def test_measured_speed_wins_over_derived() -> None:
    result = assess_fall_risk(make_tests(backward_walk_3m_s=6.0, backward_speed_m_s=0.8))
    assert result.backward_speed_m_s == 0.8
    assert FallRiskTest.BACKWARD_SPEED not in result.fired


@pytest.mark.parametrize(
    "field", ["fell_past_12_months", "feels_unsteady", "worries_about_falling"]
)
def test_each_steadi_yes_alone_marks_high_risk(field: str) -> None:
    steadi = NO.model_copy(update={field: True})
    result = assess_fall_risk(make_tests(steadi=steadi, tug_s=8.0))
    assert result.fired == (FallRiskTest.STEADI_QUESTIONS,)
    assert result.level is FallRiskLevel.HIGH


def test_missing_tests_are_listed_and_do_not_fire() -> None:
    result = assess_fall_risk(make_tests(tug_s=9.0))
    assert result.level is FallRiskLevel.LOW
    assert set(result.not_assessed) == set(FallRiskTest) - {FallRiskTest.TUG}


def test_nothing_assessed_cannot_decide() -> None:
    with pytest.raises(CannotDecideError, match="no test gave a verdict"):
        assess_fall_risk(make_tests())
    with pytest.raises(CannotDecideError):
        assess_fall_risk(make_tests(age_years=50, chair_stand_count=5))


def test_high_risk_means_every_session_supervised_with_rails() -> None:
    result = assess_fall_risk(make_tests(tug_s=15.0))
    assert result.supervision is Supervision.EVERY_SESSION
    assert result.supervised_first_sessions is None
    assert result.surfaces == (
        Surface.TREADMILL_WITH_HANDRAILS,
        Surface.HALLWAY_WITH_RAIL_AND_SPOTTER,
    )
    assert any(r.code == "fall_risk.supervision" and r.policy for r in result.reasons)


def test_low_risk_means_first_two_sessions_supervised() -> None:
    result = assess_fall_risk(make_tests(tug_s=8.0, tandem_stance_s=10.0, steadi=NO))
    assert SUPERVISED_FIRST_SESSIONS_LOW_RISK == 2
    assert result.supervision is Supervision.FIRST_SESSIONS
    assert result.supervised_first_sessions == 2
    assert Surface.FLAT_CLEAR_KNOWN_PATH in result.surfaces
    assert any(r.code == "fall_risk.supervision" and r.policy for r in result.reasons)


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("tug_s", 0.0, "tug_s.*above 0"),
        ("tug_s", -3.0, "tug_s"),
        ("tug_s", 301.0, "at most 300"),
        ("tug_s", float("nan"), "tug_s"),
        ("tandem_stance_s", -0.1, "tandem_stance_s.*from 0"),
        ("backward_walk_3m_s", 0.0, "backward_walk_3m_s"),
        ("backward_speed_m_s", 0.0, "backward_speed_m_s"),
        ("backward_speed_m_s", 3.5, "backward_speed_m_s"),
        ("chair_stand_count", -1, "chair_stand_count.*whole number"),
        ("chair_stand_count", 61, "chair_stand_count"),
        ("age_years", 17, "age_years.*18 to 120"),
    ],
)
def test_bad_values_are_refused_naming_the_field(field: str, value: Any, match: str) -> None:
    with pytest.raises(InvalidInputError, match=match) as info:
        assess_fall_risk(make_tests(**{"tug_s": 8.0, field: value}))
    assert info.value.field == field


speeds = st.one_of(st.none(), st.floats(0.05, 3.0))
times = st.one_of(st.none(), st.floats(0.1, 300.0))


@given(
    tug=times, tandem=st.one_of(st.none(), st.floats(0, 300)), walk=times, speed=speeds,
    count=st.one_of(st.none(), st.integers(0, 60)), age=st.integers(60, 94),
    sex=st.sampled_from(Sex), fell=st.booleans(),
)  # fmt: skip
def test_high_iff_any_test_fires_and_worse_results_never_lower_risk(
    tug: float | None, tandem: float | None, walk: float | None, speed: float | None,
    count: int | None, age: int, sex: Sex, fell: bool,
) -> None:  # fmt: skip
    steadi = NO.model_copy(update={"fell_past_12_months": fell})
    values: dict[str, Any] = {
        "tug_s": tug, "tandem_stance_s": tandem, "backward_walk_3m_s": walk,
        "backward_speed_m_s": speed, "chair_stand_count": count, "age_years": age, "sex": sex,
        "steadi": steadi,
    }  # fmt: skip
    result = assess_fall_risk(make_tests(**values))
    assert (result.level is FallRiskLevel.HIGH) is bool(result.fired)
    if tug is not None:
        worse = assess_fall_risk(make_tests(**{**values, "tug_s": min(tug + 5.0, 300.0)}))
        assert not (result.level is FallRiskLevel.HIGH and worse.level is FallRiskLevel.LOW)


def test_low_risk_reason_gives_each_result_with_its_number() -> None:
    result = assess_fall_risk(make_tests(tug_s=8.5, chair_stand_count=10, steadi=NO))
    reason = next(r for r in result.reasons if r.code == "fall_risk.low")
    assert "Timed Up and Go 8.5 s" in reason.message
    assert "30-s chair stand 10 (norm 10)" in reason.message
    assert set(reason.sources) == {"steadi", "steadi_chair_stand_norms"}


@pytest.mark.parametrize("value", [True, "12"])
def test_model_refuses_non_numbers_for_times(value: object) -> None:
    with pytest.raises(ValidationError, match="tug_s"):
        make_tests(tug_s=value)
