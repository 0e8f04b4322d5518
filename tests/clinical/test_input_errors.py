"""Bad input to the clinical rules never crashes and is never stored: it raises
:class:`InvalidInputError` naming the field and what is allowed, in a plain sentence.

``clinician_adjust`` works through ``model_copy``, which does not validate, so its own checks
are all that stands between a typo and a stored plan.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrowalk.clinical.clinician_changes import clinician_adjust, clinician_clear, clinician_review
from retrowalk.clinical.errors import InvalidInputError
from retrowalk.clinical.fall_risk import Surface
from retrowalk.clinical.prescription import (
    Prescription,
    is_positive_number,
    speed_from_three_m_backward_walk,
    speed_from_treadmill,
    treadmill_overshoot_speed_m_s,
)
from retrowalk.clinical.progression import after_break
from tests.clinical.test_prescription import prescription


def plan() -> Prescription:
    return prescription()


@pytest.mark.parametrize(
    ("changes", "field", "allowed"),
    [
        ({"duration_min": 12.5}, "duration_min", "a whole number of minutes from 1 to 30"),
        ({"duration_min": 31}, "duration_min", "a whole number of minutes from 1 to 30"),
        ({"duration_min": True}, "duration_min", "a whole number of minutes"),
        ({"speed_m_s": "fast"}, "speed_m_s", "a speed in m/s above 0 and at most 3"),
        ({"speed_m_s": 50.0}, "speed_m_s", "a speed in m/s above 0 and at most 3"),
        ({"speed_m_s": float("nan")}, "speed_m_s", "a speed in m/s above 0"),
        ({"sessions_per_week": 2.5}, "sessions_per_week", "a whole number of sessions a week"),
        ({"sessions_per_week": 4}, "sessions_per_week", "from 1 to 3"),
        ({"incline_pct": 5.0}, "incline_pct", "one of 0, 5, 10 %"),
        ({"incline_pct": 7}, "incline_pct", "one of 0, 5, 10 %"),
        ({"surface": "beach"}, "surface", "one of treadmill_with_handrails"),
    ],
)
def test_clinician_adjust_refuses_a_wrong_value_or_type_by_name(
    changes: dict[str, Any], field: str, allowed: str
) -> None:
    before = plan()
    with pytest.raises(InvalidInputError) as caught:
        clinician_adjust(before, "typo check", **changes)
    assert caught.value.field == field
    assert allowed in caught.value.allowed
    assert str(caught.value).startswith(f"{field}: ")


def test_an_adjustment_that_changes_nothing_is_refused() -> None:
    """No value, or only the values the plan has: no new plan version (which would also
    restart the count of qualifying sessions)."""
    before = plan()
    for changes in ({}, {"duration_min": before.duration_min, "surface": before.surface}):
        with pytest.raises(InvalidInputError) as caught:
            clinician_adjust(before, "nothing changed here", **changes)
        assert caught.value.field == "adjustment"
        assert "the plan already has these values" in caught.value.allowed
        assert "_" not in str(caught.value), "in words, never a field's code (speed_m_s)"


def test_clinician_adjust_stores_the_checked_values_with_the_reason() -> None:
    adjusted = clinician_adjust(
        plan(), "walks well", duration_min=20, speed_m_s=1, surface=Surface.TREADMILL
    )
    assert adjusted.duration_min == 20
    assert adjusted.speed_m_s == 1.0
    assert isinstance(adjusted.speed_m_s, float)
    assert adjusted.reasons[-1].message == "Adjusted by a clinician: walks well"


@pytest.mark.parametrize("note", ["", "   ", None, 3])
def test_clinician_notes_must_be_a_sentence(note: Any) -> None:
    for action in (clinician_adjust, clinician_clear, clinician_review):
        with pytest.raises(InvalidInputError) as caught:
            action(plan(), note)
        assert caught.value.field == "reason"
        assert caught.value.allowed.startswith("a sentence")


@pytest.mark.parametrize("bad", ["4.2", None, float("inf"), 0, -1.5, True])
def test_speed_helpers_refuse_non_numbers_without_crashing(bad: Any) -> None:
    with pytest.raises(InvalidInputError) as walk:
        speed_from_three_m_backward_walk(bad)
    assert walk.value.field == "backward_walk_3m_s"
    with pytest.raises(InvalidInputError) as up:
        treadmill_overshoot_speed_m_s(bad)
    assert up.value.field == "comfortable_going_up_m_s"
    with pytest.raises(InvalidInputError) as down:
        speed_from_treadmill(0.8, bad)
    assert down.value.field == "comfortable_coming_down_m_s"


@given(st.one_of(st.floats(allow_nan=True), st.integers(), st.text(), st.none(), st.booleans()))
def test_property_is_positive_number_accepts_only_finite_numbers_above_0(value: Any) -> None:
    expected = (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and value == value  # not NaN
        and value not in (float("inf"), float("-inf"))
        and value > 0
    )
    assert is_positive_number(value) is expected


@pytest.mark.parametrize("days", [-1, 2.5, "7", True])
def test_a_break_length_must_be_whole_days_0_or_more(days: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        after_break(plan(), days, on=date(2026, 3, 2))
    assert caught.value.field == "days_since_last_session"
    assert caught.value.allowed == "a whole number of days, 0 or more"
