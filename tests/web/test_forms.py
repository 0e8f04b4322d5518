"""What a person types into a form becomes the value they meant."""

from __future__ import annotations

import pytest

from retrowalk.clinical.fall_risk import CHAIR_STAND_COUNT_MAX
from retrowalk.services.schemas import BaselineTestsIn, NoteIn
from retrowalk.web import forms


@pytest.mark.parametrize(("typed", "value"), [("9,5", 9.5), ("12,25", 12.25), ("9.5", 9.5)])
def test_a_decimal_comma_in_a_number_box_is_a_decimal(typed: str, value: float) -> None:
    """Half of Europe writes 2,8 for 2.8: the tests page must not call that a mistake."""
    assert forms.validate(BaselineTestsIn, {"tug_s": typed}).tug_s == value


def test_a_comma_in_text_stays_a_comma() -> None:
    assert forms.validate(NoteIn, {"text": "2,8"}).text == "2,8"


def test_a_comma_that_is_not_a_decimal_is_still_refused() -> None:
    with pytest.raises(forms.FormError):
        forms.validate(BaselineTestsIn, {"tug_s": "1,2,3"})


@pytest.mark.parametrize("typed", ["1_0", "²", "٣", "inf", "nan", "1e3", "0x10", "1 0", "--1"])
def test_a_number_box_takes_the_digits_0_to_9_only(typed: str) -> None:
    """Python reads ``1_0`` as 10 and ``inf`` as a number; a person meant neither."""
    with pytest.raises(forms.FormError) as refused:
        forms.validate(BaselineTestsIn, {"tug_s": typed})
    assert refused.value.fields == {
        "tug_s": "Please write a number with the digits 0 to 9, for example 9.5."
    }


@pytest.mark.parametrize("typed", ["1_0", "²", "10.0", "1,5", "12 "])
def test_a_whole_number_box_takes_a_whole_number_in_digits(typed: str) -> None:
    form = {"chair_stand_count": typed}
    if typed == "12 ":
        assert forms.validate(BaselineTestsIn, form).chair_stand_count == 12
        return
    with pytest.raises(forms.FormError) as refused:
        forms.validate(BaselineTestsIn, form)
    # with the box's range (found by the outside-in test of the words: no range was said)
    assert refused.value.fields == {
        "chair_stand_count": (
            "Please write a whole number with the digits 0 to 9, from 0 to "
            f"{CHAIR_STAND_COUNT_MAX} (no decimals)."
        )
    }


def test_a_thousands_comma_is_asked_back_never_guessed() -> None:
    """``1,000`` read as 1.0 (a decimal comma) could be a thousand: the box asks."""
    with pytest.raises(forms.FormError) as refused:
        forms.validate(BaselineTestsIn, {"tug_s": "1,000"})
    assert "could mean a thousand or one" in refused.value.fields["tug_s"]


def test_a_checkbox_sent_as_0_or_no_is_not_ticked() -> None:
    """``none_of_these=0`` used to count as ticked (any value did)."""
    from starlette.datastructures import FormData

    for sent, ticked in (("1", True), ("on", True), ("yes", True), ("0", False), ("no", False)):
        assert forms.checked(FormData([("none_of_these", sent)]), "none_of_these") is ticked
    assert forms.checked(FormData([]), "none_of_these") is False
