"""The catalogue file is checked as it is read: a wrong file is refused, naming entry and field."""

from __future__ import annotations

from importlib.resources import files

import pytest

from retrowalk.clinical.evidence import (
    BOTTOM_LINE,
    CATALOGUE,
    SEED_CLAIMS,
    CatalogueFileError,
    Group,
    Status,
    load_catalogue,
)

SOURCE = "test.toml"

SMALL = """\
bottom_line = "Certainty is low."

[[evidence]]
key = "alpha2019"
group = "Knee OA: randomised trials"
citation = "Alpha A. 2019."
population = "Knee OA."
protocol = "Not retrieved."
result = "Better."
status = "verified"

[[evidence]]
key = "beta2020"
group = "Knee OA: randomised trials"
citation = "Beta B. 2020."
doi = "10.1/beta"
population = "Knee OA."
protocol = "Not retrieved."
result = "No better."
status = "unverified"
status_note = "From memory."

[[seed_claim]]
number = 1
claim = "It works."
verdict = "contradicted"
explanation = "It did not."
closest_evidence = ["alpha2019", "beta2020"]
"""


def _refused(text: str) -> str:
    with pytest.raises(CatalogueFileError) as refused:
        load_catalogue(text, SOURCE)
    message = str(refused.value)
    assert message.startswith(f"{SOURCE}: "), message
    return message


def test_a_well_formed_file_loads_in_file_order() -> None:
    catalogue = load_catalogue(SMALL, SOURCE)
    assert [e.key for e in catalogue.entries] == ["alpha2019", "beta2020"]
    assert catalogue.entries[1].status is Status.UNVERIFIED
    assert catalogue.entries[1].group is Group.KNEE_OA_TRIALS
    assert catalogue.entries[0].doi is None
    assert catalogue.entries[0].status_note == ""
    assert catalogue.seed_claims[0].closest_evidence == ("alpha2019", "beta2020")
    assert catalogue.bottom_line == "Certainty is low."


def test_the_shipped_file_is_the_catalogue() -> None:
    text = files("retrowalk.clinical").joinpath("evidence.toml").read_text(encoding="utf-8")
    catalogue = load_catalogue(text, "evidence.toml")
    assert catalogue.entries == tuple(CATALOGUE.values())
    assert catalogue.seed_claims == SEED_CLAIMS
    assert catalogue.bottom_line == BOTTOM_LINE


def test_an_unknown_field_is_refused_naming_entry_and_field() -> None:
    message = _refused(SMALL.replace('status_note = "From', 'status_notes = "From'))
    assert "evidence entry 2 ('beta2020'): field 'status_notes' is unknown" in message
    assert "the fields are key, group, citation" in message


def test_a_missing_field_is_refused_naming_entry_and_field() -> None:
    message = _refused(SMALL.replace('citation = "Beta B. 2020."\n', ""))
    assert "evidence entry 2 ('beta2020'): field 'citation' is missing" in message


def test_an_entry_without_a_key_is_named_by_its_place() -> None:
    message = _refused(SMALL.replace('key = "beta2020"\n', ""))
    assert "evidence entry 2: field 'key' is missing" in message


def test_a_value_of_the_wrong_kind_is_refused_naming_entry_and_field() -> None:
    message = _refused(SMALL.replace('status = "unverified"', 'status = "probably"'))
    assert "evidence entry 2 ('beta2020'): field 'status':" in message
    assert "'probably'" in message


def test_a_key_used_twice_is_refused_naming_both_entries() -> None:
    message = _refused(SMALL.replace('key = "beta2020"', 'key = "alpha2019"'))
    assert (
        "evidence entry 2 ('alpha2019'): field 'key': 'alpha2019' is already the key of "
        "evidence entry 1 ('alpha2019')"
    ) in message


def test_a_seed_claim_naming_an_uncatalogued_key_is_refused() -> None:
    message = _refused(SMALL.replace('["alpha2019", "beta2020"]', '["alpha2019", "smith2020"]'))
    assert (
        "seed claim 1 (number 1): field 'closest_evidence': 'smith2020' is not the key of an "
        "evidence entry"
    ) in message


def test_a_seed_claim_number_used_twice_is_refused() -> None:
    claim = SMALL[SMALL.index("[[seed_claim]]") :]
    message = _refused(SMALL + "\n" + claim)
    assert "seed claim 2 (number 1): field 'number': 1 is already the number of seed claim 1" in (
        message
    )


def test_the_top_level_holds_exactly_its_three_keys() -> None:
    message = _refused("title = 'x'\n" + SMALL)
    assert "the top level: key 'title' is unknown" in message
    message = _refused(SMALL[: SMALL.index("[[seed_claim]]")])
    assert "the top level: key 'seed_claim' is missing" in message
    message = _refused(SMALL.replace("[[seed_claim]]", "[seed_claim]"))
    assert "'seed_claim' must be a list of [[seed_claim]] tables" in message


def test_a_file_that_is_not_toml_is_refused_with_its_line() -> None:
    message = _refused(SMALL.replace('key = "alpha2019"', "key = alpha2019"))
    assert "the file: not valid TOML" in message
    assert "line 4" in message
