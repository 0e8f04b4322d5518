"""Fall risk (RULES.md §1.3, §7.3–7.4): each cut-off at its boundary, the minimum battery for
"low", "not known" when part of it is missing, the 3-m walk counted once, the TUG measurement
error, and the consequences."""

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
    steadi_said,
)
from retrowalk.clinical.norms import CHAIR_STAND_NORMS
from retrowalk.clinical.screening import SteadiAnswers

NO = SteadiAnswers(fell_past_12_months=False, feels_unsteady=False, worries_about_falling=False)


def make_tests(**values: Any) -> FallRiskTests:
    base: dict[str, Any] = {"age_years": 70, "sex": Sex.FEMALE}
    base.update(values)
    return FallRiskTests(**base)


BATTERY: dict[str, Any] = {"tug_s": 9.0, "tandem_stance_s": 12.0, "steadi": NO}
"""The minimum battery for a low verdict (RULES.md §7.3), every part normal."""


def battery(**values: Any) -> FallRiskTests:
    """The full low-risk battery with ``values`` changed."""
    return make_tests(**{**BATTERY, **values})


def fired(**values: Any) -> tuple[FallRiskTest, ...]:
    return assess_fall_risk(make_tests(**values)).fired


@pytest.mark.parametrize(("tug_s", "at_risk"), [(11.9, False), (12.0, True), (12.1, True)])
def test_tug_at_risk_from_12_s(tug_s: float, at_risk: bool) -> None:
    result = assess_fall_risk(battery(tug_s=tug_s))
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
    result = assess_fall_risk(battery(age_years=age, chair_stand_count=0, tug_s=8.0))
    assert FallRiskTest.CHAIR_STAND not in result.fired
    assert FallRiskTest.CHAIR_STAND in result.no_verdict
    assert any(
        r.code == "fall_risk.chair_stand.no_norm" and str(age) in r.message for r in result.reasons
    )
    assert result.level is FallRiskLevel.LOW  # the tandem stance completes the battery
    without_tandem = assess_fall_risk(
        battery(age_years=age, chair_stand_count=0, tandem_stance_s=None)
    )
    assert (
        without_tandem.level is FallRiskLevel.NOT_KNOWN
    )  # a chair stand with no norm is no evidence


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


def test_the_3m_walk_speed_is_not_counted_a_second_time() -> None:
    slow = assess_fall_risk(battery(backward_walk_3m_s=6.0))
    assert slow.fired == (FallRiskTest.BACKWARD_WALK_3M,)  # once, as the walk: not as a speed
    assert slow.backward_speed_m_s is None
    assert any(
        r.code == "fall_risk.backward_speed.same_walk" and "0.50 m/s" in r.message
        for r in slow.reasons
    )
    grey = assess_fall_risk(make_tests(backward_walk_3m_s=4.0, steadi=NO))
    # 4.0 s says neither, and its 0.75 m/s is no evidence of low risk either
    assert grey.level is FallRiskLevel.NOT_KNOWN
    assert FallRiskTest.BACKWARD_SPEED in grey.not_assessed


def test_a_separately_measured_overground_speed_is_its_own_test() -> None:
    result = assess_fall_risk(battery(backward_walk_3m_s=6.0, backward_speed_m_s=0.8))
    assert result.backward_speed_m_s == 0.8
    assert FallRiskTest.BACKWARD_SPEED not in result.fired


@pytest.mark.parametrize(
    "field", ["fell_past_12_months", "feels_unsteady", "worries_about_falling"]
)
def test_each_steadi_yes_alone_marks_high_risk(field: str) -> None:
    steadi = NO.model_copy(update={field: True})
    result = assess_fall_risk(battery(steadi=steadi, tug_s=8.0))
    assert result.fired == (FallRiskTest.STEADI_QUESTIONS,)
    assert result.level is FallRiskLevel.HIGH


def test_missing_tests_are_listed_and_make_the_risk_not_known() -> None:
    result = assess_fall_risk(make_tests(tug_s=9.0))
    assert result.level is FallRiskLevel.NOT_KNOWN
    assert set(result.not_assessed) == set(FallRiskTest) - {FallRiskTest.TUG}
    assert result.missing == (
        "the 30-s chair stand (ages 60–94) or the tandem stance",
        "the three questions about falls",
    )
    assert result.supervision is Supervision.EVERY_SESSION  # not known gates like high
    supervision = next(r for r in result.reasons if r.code == "fall_risk.supervision")
    assert supervision.policy
    assert "not known" in supervision.message


@pytest.mark.parametrize(
    "skipped", [("tug_s",), ("tandem_stance_s",), ("steadi",), ("tug_s", "steadi")]
)
def test_low_needs_every_part_of_the_minimum_battery(skipped: tuple[str, ...]) -> None:
    assert assess_fall_risk(battery()).level is FallRiskLevel.LOW
    values = dict.fromkeys(skipped)
    assert assess_fall_risk(battery(**values)).level is FallRiskLevel.NOT_KNOWN


def test_chair_stand_or_tandem_stance_completes_the_battery() -> None:
    chair = battery(tandem_stance_s=None, chair_stand_count=12)
    assert assess_fall_risk(chair).level is FallRiskLevel.LOW


def test_a_3m_walk_alone_is_never_low_risk() -> None:
    """Persona: every test skipped but the 3-m backward walk, in 2.9 s."""
    result = assess_fall_risk(make_tests(backward_walk_3m_s=2.9))
    assert result.level is FallRiskLevel.NOT_KNOWN


def test_any_test_at_risk_is_high_even_with_parts_missing() -> None:
    assert assess_fall_risk(make_tests(tug_s=13.0)).level is FallRiskLevel.HIGH


def test_no_physical_test_at_all_cannot_decide() -> None:
    with pytest.raises(CannotDecideError, match="No test was filled in"):
        assess_fall_risk(make_tests())
    with pytest.raises(CannotDecideError, match="No test was filled in"):
        assess_fall_risk(make_tests(steadi=NO))  # the fall questions alone are not a test


@pytest.mark.parametrize(
    ("retest_s", "level"),
    [
        (11.8, FallRiskLevel.HIGH),  # persona M: 0.7 s faster is within the 1.1 s error
        (11.4, FallRiskLevel.HIGH),  # exactly 1.1 s: still no change (change must exceed it)
        (11.39, FallRiskLevel.LOW),  # 1.11 s: a real change
        (9.0, FallRiskLevel.LOW),
    ],
)
def test_a_retested_tug_within_its_measurement_error_is_no_change(
    retest_s: float, level: FallRiskLevel
) -> None:
    result = assess_fall_risk(battery(tug_s=retest_s), earlier_at_risk_tug_s=12.5)
    assert result.level is level
    if level is FallRiskLevel.HIGH:
        reason = next(r for r in result.reasons if r.code == "fall_risk.tug_within_error")
        assert "1.1 s" in reason.message
        assert "tug_mdc_knee_oa" in reason.sources
        assert result.tug_at_risk_reference_s == 12.5
    else:
        assert result.tug_at_risk_reference_s is None


def test_the_tug_error_never_makes_a_worse_time_look_better() -> None:
    """The error band only stops a small improvement from lifting a risk: 12.0 s is at risk
    whatever came before, and 11.0 s after a normal 11.5 s stays normal."""
    assert assess_fall_risk(battery(tug_s=12.0)).level is FallRiskLevel.HIGH
    assert assess_fall_risk(battery(tug_s=11.0), earlier_at_risk_tug_s=None).level is (
        FallRiskLevel.LOW
    )


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
    result = assess_fall_risk(battery(tug_s=8.0, tandem_stance_s=10.0))
    assert SUPERVISED_FIRST_SESSIONS_LOW_RISK == 2
    assert result.supervision is Supervision.FIRST_SESSIONS
    assert result.supervised_first_sessions == 2
    assert Surface.FLAT_CLEAR_KNOWN_PATH in result.surfaces
    assert any(r.code == "fall_risk.supervision" and r.policy for r in result.reasons)


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("tug_s", 0.0, "tug_s.*from 1 to 300"),
        ("tug_s", 1e-300, "tug_s.*from 1 to 300"),
        ("backward_walk_3m_s", 0.99, "backward_walk_3m_s.*from 1"),
        ("tug_s", -3.0, "tug_s"),
        ("tug_s", 301.0, "from 1 to 300"),
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
times = st.one_of(st.none(), st.floats(1.0, 300.0))


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
    if all(
        values[k] is None
        for k in (
            "tug_s",
            "tandem_stance_s",
            "backward_walk_3m_s",
            "backward_speed_m_s",
            "chair_stand_count",
        )
    ):
        with pytest.raises(CannotDecideError):
            assess_fall_risk(make_tests(**values))
        return
    result = assess_fall_risk(make_tests(**values))
    assert (result.level is FallRiskLevel.HIGH) is bool(result.fired)
    if result.level is FallRiskLevel.LOW:  # low only on the full battery
        assert tug is not None
        assert tandem is not None or count is not None
    rank = {FallRiskLevel.LOW: 0, FallRiskLevel.NOT_KNOWN: 1, FallRiskLevel.HIGH: 2}
    if tug is not None:
        worse = assess_fall_risk(make_tests(**{**values, "tug_s": min(tug + 5.0, 300.0)}))
        assert rank[worse.level] >= rank[result.level] or result.level is FallRiskLevel.NOT_KNOWN


def test_low_risk_reason_gives_each_result_with_its_number() -> None:
    result = assess_fall_risk(make_tests(tug_s=8.5, chair_stand_count=10, steadi=NO))
    assert result.level is FallRiskLevel.LOW
    reason = next(r for r in result.reasons if r.code == "fall_risk.low")
    assert "Timed Up and Go 8.5 s" in reason.message
    assert "30-s chair stand 10 (norm 10)" in reason.message
    assert set(reason.sources) == {"steadi", "steadi_chair_stand_norms"}


@pytest.mark.parametrize("value", [True, "12"])
def test_model_refuses_non_numbers_for_times(value: object) -> None:
    with pytest.raises(ValidationError, match="tug_s"):
        make_tests(tug_s=value)


def test_the_steadi_answers_are_read_back_in_her_words() -> None:
    assert steadi_said(["worries_about_falling"]) == "You said that you worry about falling."
    assert steadi_said(["fell_past_12_months", "feels_unsteady", "worries_about_falling"]) == (
        "You said that you fell in the past year, that you feel unsteady when standing or "
        "walking, and that you worry about falling."
    )
