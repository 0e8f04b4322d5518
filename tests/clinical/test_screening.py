"""Screening: PAR-Q, knee red flags, STEADI key questions (RULES.md §1.1, §1.2)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrowalk.clinical.errors import InvalidInputError
from retrowalk.clinical.red_flags import RED_FLAGS, KneeRedFlag, RedFlagUrgency
from retrowalk.clinical.screening import (
    PARQ_QUESTIONS,
    ScreeningAnswers,
    ScreeningOutcome,
    SteadiAnswers,
    screen,
)

NO_STEADI = SteadiAnswers(
    fell_past_12_months=False, feels_unsteady=False, worries_about_falling=False
)


def answers(**changes: Any) -> ScreeningAnswers:
    base: dict[str, Any] = {
        "age_years": 65,
        "used_to_activity": True,
        "parq": (False,) * 7,
        "red_flags": frozenset(),
        "steadi": NO_STEADI,
    }
    base.update(changes)
    return ScreeningAnswers(**base)


def parq_yes(*items: int) -> tuple[bool, ...]:
    return tuple(i in items for i in range(1, 8))


def test_parq_questions_are_the_rules_text(shared: Any) -> None:
    rules = (shared / "clinical" / "RULES.md").read_text(encoding="utf-8")
    assert len(PARQ_QUESTIONS) == 7
    for number, question in enumerate(PARQ_QUESTIONS, start=1):
        assert f"{number}. {question}" in rules


def test_all_no_is_cleared() -> None:
    result = screen(answers())
    assert result.outcome is ScreeningOutcome.CLEARED
    assert result.reasons


@pytest.mark.parametrize("item", [1, 2, 3, 4, 6, 7])
def test_each_parq_item_alone_requires_clearance(item: int) -> None:
    result = screen(answers(parq=parq_yes(item)))
    assert result.outcome is ScreeningOutcome.CLEARANCE_REQUIRED
    assert [r.code for r in result.reasons] == [f"screening.parq.item{item}"]
    assert "parq_classic" in result.reasons[0].sources
    assert not result.reasons[0].policy


def test_item5_alone_is_recorded_as_policy_but_does_not_block() -> None:
    result = screen(answers(parq=parq_yes(5)))
    assert result.outcome is ScreeningOutcome.CLEARED
    (reason,) = result.reasons
    assert reason.code == "screening.parq.item5"
    assert reason.policy


def test_every_reason_is_returned_not_just_the_first() -> None:
    result = screen(answers(parq=parq_yes(1, 5, 7), age_years=75, used_to_activity=False))
    codes = {r.code for r in result.reasons}
    assert codes == {
        "screening.parq.item1",
        "screening.parq.item5",
        "screening.parq.item7",
        "screening.parq.age",
    }


@pytest.mark.parametrize(
    ("age", "used", "outcome"),
    [
        (69, False, ScreeningOutcome.CLEARED),
        (70, False, ScreeningOutcome.CLEARANCE_REQUIRED),
        (70, True, ScreeningOutcome.CLEARED),
    ],
)
def test_age_note_applies_above_69_when_not_used_to_activity(
    age: int, used: bool, outcome: ScreeningOutcome
) -> None:
    result = screen(answers(age_years=age, used_to_activity=used))
    assert result.outcome is outcome
    if outcome is ScreeningOutcome.CLEARANCE_REQUIRED:
        assert any("70" in r.message for r in result.reasons)


@pytest.mark.parametrize("flag", list(KneeRedFlag))
def test_every_red_flag_alone_stops_and_refers(flag: KneeRedFlag) -> None:
    result = screen(answers(red_flags=frozenset({flag})))
    assert result.outcome is ScreeningOutcome.STOP_AND_REFER
    assert result.red_flags == (flag,)
    assert [r.code for r in result.reasons] == [f"screening.red_flag.{flag.value}"]
    assert result.actions == (flag.info.action,)


def test_every_red_flag_has_urgency_action_and_source() -> None:
    assert set(RED_FLAGS) == set(KneeRedFlag)
    urgent = {f for f in KneeRedFlag if f.info.urgency is RedFlagUrgency.URGENT}
    assert KneeRedFlag.CALF_PAIN_SWELLING_WARMTH in urgent
    assert KneeRedFlag.UNEXPLAINED_WEIGHT_LOSS not in urgent
    for info in RED_FLAGS.values():
        assert info.question.endswith("?")
        assert info.action
        assert "nhs_knee_red_flags" in info.sources


def test_red_flags_win_over_clearance_and_urgent_actions_come_first() -> None:
    flags = frozenset({KneeRedFlag.HARD_LUMP, KneeRedFlag.LOCKED_KNEE})
    result = screen(answers(red_flags=flags, parq=parq_yes(2)))
    assert result.outcome is ScreeningOutcome.STOP_AND_REFER
    assert result.red_flags == (KneeRedFlag.LOCKED_KNEE, KneeRedFlag.HARD_LUMP)
    assert result.actions[0] == KneeRedFlag.LOCKED_KNEE.info.action
    assert len(result.actions) == 2
    assert "screening.parq.item2" in {r.code for r in result.reasons}


@given(
    fell=st.booleans(),
    unsteady=st.booleans(),
    worries=st.booleans(),
    parq=st.tuples(*[st.booleans()] * 7),
)
def test_steadi_answers_are_recorded_but_never_change_the_outcome(
    fell: bool, unsteady: bool, worries: bool, parq: tuple[bool, ...]
) -> None:
    steadi = SteadiAnswers(
        fell_past_12_months=fell, feels_unsteady=unsteady, worries_about_falling=worries
    )
    with_steadi = screen(answers(parq=parq, steadi=steadi))
    without = screen(answers(parq=parq))
    assert with_steadi.outcome is without.outcome
    assert with_steadi.steadi == steadi
    steadi_codes = [r.code for r in with_steadi.reasons if r.code.startswith("screening.steadi")]
    assert len(steadi_codes) == sum((fell, unsteady, worries))


@given(parq=st.tuples(*[st.booleans()] * 7), age=st.integers(18, 120), used=st.booleans())
def test_clearance_iff_a_blocking_item_or_the_age_note(
    parq: tuple[bool, ...], age: int, used: bool
) -> None:
    result = screen(answers(parq=parq, age_years=age, used_to_activity=used))
    blocking = any(yes for i, yes in enumerate(parq, 1) if i != 5) or (age > 69 and not used)
    expected = ScreeningOutcome.CLEARANCE_REQUIRED if blocking else ScreeningOutcome.CLEARED
    assert result.outcome is expected


@pytest.mark.parametrize("age", [17, 121, -1, 0])
def test_age_outside_adult_range_is_refused_with_the_range(age: int) -> None:
    with pytest.raises(InvalidInputError, match=r"age_years.*18 to 120") as info:
        screen(answers(age_years=age))
    assert info.value.field == "age_years"


def test_non_integer_age_or_answers_are_refused() -> None:
    bad_age = ScreeningAnswers.model_construct(
        age_years=65.5,
        used_to_activity=True,
        parq=(False,) * 7,
        red_flags=frozenset(),
        steadi=NO_STEADI,
    )
    with pytest.raises(InvalidInputError, match="whole number"):
        screen(bad_age)
    bad_answer = ScreeningAnswers.model_construct(
        age_years=65,
        used_to_activity=True,
        parq=(False, 1, False, False, False, False, False),
        red_flags=frozenset(),
        steadi=NO_STEADI,
    )
    with pytest.raises(InvalidInputError, match="parq item 2"):
        screen(bad_answer)


def test_parq_needs_exactly_seven_answers() -> None:
    with pytest.raises(InvalidInputError, match="exactly 7"):
        screen(answers(parq=(False,) * 6))
