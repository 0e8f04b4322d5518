"""norms.py holds the numbers of RULES.md and evidence-report.md, each with a catalogued source.

The tables are parsed from the shared documents, so a change there that the code misses fails
here rather than silently diverging.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrowalk.clinical import fall_risk, norms, red_flags, screening
from retrowalk.clinical.evidence import CATALOGUE
from retrowalk.clinical.measures import meaningful_change
from retrowalk.clinical.measures.koos import KOOS_ITEMS, MIN_ANSWERED
from retrowalk.clinical.norms import CHAIR_STAND_NORMS, KOOS_PS_RAW_TO_SCORE


def _source_tuples() -> list[tuple[str, tuple[str, ...]]]:
    return [
        (name, value)
        for name, value in vars(norms).items()
        if name.endswith("_SOURCES") and isinstance(value, tuple)
    ]


def test_every_source_key_is_in_the_evidence_catalogue() -> None:
    keys = {key for _, value in _source_tuples() for key in value}
    keys |= {key for info in red_flags.RED_FLAGS.values() for key in info.sources}
    keys |= {key for band in meaningful_change.CHANGE_BANDS.values() for key in band.sources}
    alternative = meaningful_change.change_bands(
        meaningful_change.KoosMicSource.PHYSIOTHERAPY_MOSTAFAEE_2021
    )
    keys |= {key for band in alternative.values() for key in band.sources}
    assert keys
    assert keys <= set(CATALOGUE), sorted(keys - set(CATALOGUE))


def test_every_reason_source_used_by_a_rule_is_catalogued() -> None:
    steadi = screening.SteadiAnswers(
        fell_past_12_months=True, feels_unsteady=True, worries_about_falling=True
    )
    result = fall_risk.assess_fall_risk(
        fall_risk.FallRiskTests(
            age_years=70, sex=fall_risk.Sex.MALE, tug_s=20.0, tandem_stance_s=1.0,
            chair_stand_count=1, backward_walk_3m_s=9.0, steadi=steadi,
        )
    )  # fmt: skip
    screened = screening.screen(
        screening.ScreeningAnswers(
            age_years=80, used_to_activity=False, parq=(True,) * 7,
            red_flags=frozenset(red_flags.KneeRedFlag), steadi=steadi,
        )
    )  # fmt: skip
    for reason in (*result.reasons, *screened.reasons):
        assert set(reason.sources) <= set(CATALOGUE), reason


def test_chair_stand_norms_match_rules_md(shared: Path) -> None:
    rules = (shared / "clinical" / "RULES.md").read_text(encoding="utf-8")
    men = re.search(r"^\| men \|(.+)\|$", rules, re.MULTILINE)
    women = re.search(r"^\| women \|(.+)\|$", rules, re.MULTILINE)
    ages = re.search(r"^\| age \|(.+)\|$", rules, re.MULTILINE)
    assert men
    assert women
    assert ages
    assert [int(x) for x in men.group(1).split("|")] == [
        b.men_at_risk_below for b in CHAIR_STAND_NORMS
    ]
    assert [int(x) for x in women.group(1).split("|")] == [
        b.women_at_risk_below for b in CHAIR_STAND_NORMS
    ]
    assert [x.strip() for x in ages.group(1).split("|")] == [
        f"{b.age_min_years}–{b.age_max_years}" for b in CHAIR_STAND_NORMS
    ]


def test_koos_ps_table_matches_evidence_report(shared: Path) -> None:
    report = (shared / "clinical" / "evidence-report.md").read_text(encoding="utf-8")
    pairs = re.findall(r"(\d+)→(\d+(?:\.\d+)?)", report)
    table = {int(raw): float(score) for raw, score in pairs}
    assert sorted(table) == list(range(29))
    assert tuple(table[raw] for raw in range(29)) == KOOS_PS_RAW_TO_SCORE
    assert KOOS_PS_RAW_TO_SCORE[11] == 64.7
    assert list(KOOS_PS_RAW_TO_SCORE) == sorted(KOOS_PS_RAW_TO_SCORE, reverse=True)


def test_koos_minimums_are_half_of_each_subscale_as_the_report_says(shared: Path) -> None:
    report = (shared / "clinical" / "evidence-report.md").read_text(encoding="utf-8")
    assert "Pain ≥ 5, Symptoms ≥ 4, ADL ≥ 9, Sport/Rec ≥ 3, QOL ≥ 2" in report
    for subscale, items in KOOS_ITEMS.items():
        assert MIN_ANSWERED[subscale] == -(-len(items) // 2)
    assert sum(len(items) for items in KOOS_ITEMS.values()) == 42


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Pain 11.3", norms.KOOS_MIC_NON_SURGICAL_KNEE_OA["pain"]),
        ("Symptoms 12.1", norms.KOOS_MIC_NON_SURGICAL_KNEE_OA["symptoms"]),
        ("ADL 10.2", norms.KOOS_MIC_NON_SURGICAL_KNEE_OA["adl"]),
        ("Sport/Rec 15.5", norms.KOOS_MIC_NON_SURGICAL_KNEE_OA["sport_rec"]),
        ("QOL 13.2", norms.KOOS_MIC_NON_SURGICAL_KNEE_OA["qol"]),
        ("Pain 15", norms.KOOS_MIC_PHYSIOTHERAPY_MOSTAFAEE["pain"]),
        ("ADL 15.5", norms.KOOS_MIC_PHYSIOTHERAPY_MOSTAFAEE["adl"]),
        ("Sport/Rec 17.5", norms.KOOS_MIC_PHYSIOTHERAPY_MOSTAFAEE["sport_rec"]),
        ("MDC = 1.10 s", norms.TUG_MDC_S),
        ("≈ 0.07–0.12 m/s", norms.GAIT_SPEED_IMPORTANT_CHANGE_LOW_M_S),
        ("(KOOS-PS)", norms.KOOS_PS_MCID),
    ],
)
def test_meaningful_change_numbers_appear_in_the_report(
    shared: Path, text: str, value: float
) -> None:
    report = (shared / "clinical" / "evidence-report.md").read_text(encoding="utf-8")
    assert text in report
    assert f"{value:g}" in report
