"""One vocabulary: every code has words, in both forms, and an unknown code never breaks."""

from __future__ import annotations

from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrowalk.clinical.restriction_models import RestrictionKind
from retrowalk.clinical.surfaces import Surface
from retrowalk.present import vocabulary as vocab
from retrowalk.services.schemas import Decision, Flag, Role, TodayStatus


@pytest.mark.parametrize("table", vocab.ALL, ids=lambda t: t.enum.__name__)
def test_every_member_has_words_in_both_forms(table: vocab.Vocabulary[StrEnum]) -> None:
    for member in table.enum:
        short, long = table.short(member), table.long(member)
        assert short.strip(), member
        assert long.strip(), member
        assert "_" not in short + long, member  # words, never the code
        assert table.short(member.value) == short  # a stored string reads the same


def test_the_codes_the_issue_names_all_have_a_table() -> None:
    covered = {table.enum for table in vocab.ALL}
    assert {Decision, TodayStatus, Flag, Role, RestrictionKind, Surface} <= covered


def test_a_table_missing_a_member_is_refused() -> None:
    with pytest.raises(ValueError, match="Role: no words for admin"):
        vocab.Vocabulary(Role, {Role.WALKER: ("w", "W"), Role.CLINICIAN: ("c", "C")})


@given(st.text(alphabet="abcdefghij_", min_size=1, max_size=20))
def test_an_unknown_code_is_worded_never_hidden_nor_a_crash(code: str) -> None:
    for table in vocab.ALL:
        if code in {m.value for m in table.enum}:
            continue
        assert table.short(code) == code.replace("_", " ")
        assert table.long(code).lower() == code.replace("_", " ").lower()


def test_the_surface_words_are_the_clinical_cores_own() -> None:
    from retrowalk.clinical.surfaces import SURFACE_WORDS

    for surface in Surface:
        assert vocab.SURFACES.long(surface) == SURFACE_WORDS[surface]


def test_lists_and_choices() -> None:
    assert vocab.FLAGS.listed([]) == "—"
    assert vocab.FLAGS.listed([Flag.RED_FLAG, "rest_day"]) == "red flag, rest day"
    assert list(vocab.SURFACES.choices()) == [s.value for s in Surface]
    assert vocab.knee("oa", "left") == "knee osteoarthritis, left knee"
    assert vocab.knee("oa", "both", "short") == "osteoarthritis, both knees"
