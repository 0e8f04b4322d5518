"""What a person types into a form becomes the value they meant."""

from __future__ import annotations

import pytest

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
