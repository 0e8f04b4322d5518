"""The evidence catalogue: exactly the report's sources, nothing invented, every key used exists."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

import retrowalk.clinical
from retrowalk.clinical.evidence import (
    BOTTOM_LINE,
    CATALOGUE,
    SEED_CLAIMS,
    Group,
    Status,
    UnknownEvidenceError,
    Verdict,
    by_group,
    lookup,
)

AGREED_KEYS = (
    "alghadir2019",
    "alghadir2016",
    "gondhalekar2013",
    "chen2021",
    "rangey2016",
    "almutairi2023",
    "nct06274346",
    "lin2025",
    "chen2020",
    "wang2019",
    "klemenov2021",
    "shen2021",
    "ozden2024",
    "parikh2022",
    "flynn1995",
    "roos2012",
    "odu1998",
    "cipriani1995",
    "dekrey2003",
    "hooper2004",
    "chaloupka1997",
    "lee2013",
    "laufer2005",
    "fritz2013",
    "carter2020",
    "polo_ferrero2025",
    "kapan2025",
    "silbernagel2007",
    "silbernagel2015",
    "timmermans2016",
    "van_de_venis",
    "garber2011_acsm",
    "parq_classic",
    "steadi",
    "steadi_chair_stand_norms",
    "nhs_knee_red_flags",
    "ottawa_knee_rule",
    "roos1998_koos",
    "koos_scoring_2012",
    "gandek2019_koos12",
    "perruccio2008_koos_ps",
    "awell_score_koos_ps_table",
    "salaffi2004",
    "koos_mic_2025",
    "mostafaee2021",
    "koos_ps_mcid",
    "tug_mdc_knee_oa",
    "gilbert2021",
    "oarsi2019",
    "acr2019",
    "eular2023",
    "fransen2015",
)

CLINICAL_DIR = Path(retrowalk.clinical.__file__).parent
KEY_LIKE = re.compile(r"\b[a-z][a-z_]*\d{4}[a-z0-9_]*\b")


def _clinical_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(retrowalk.clinical.__path__, "retrowalk.clinical.")
    ]


def test_the_catalogue_holds_exactly_the_agreed_keys() -> None:
    assert sorted(CATALOGUE) == sorted(AGREED_KEYS)
    assert all(entry.key == key for key, entry in CATALOGUE.items())


def test_every_doi_and_pmid_appears_in_the_evidence_report(shared: Path) -> None:
    report = (shared / "clinical" / "evidence-report.md").read_text(encoding="utf-8")
    for entry in CATALOGUE.values():
        if entry.doi:
            assert entry.doi in report, entry.key
        if entry.pmid:
            assert entry.pmid in report, entry.key


def test_lookup_finds_a_study_and_names_an_unknown_key() -> None:
    assert lookup("alghadir2019").citation.startswith("Alghadir AH")
    with pytest.raises(UnknownEvidenceError, match="'smith2020' is not in the catalogue"):
        lookup("smith2020")


def test_statuses_follow_the_report() -> None:
    assert lookup("lin2025").status is Status.VERIFIED
    assert lookup("alghadir2019").status is Status.VERIFIED_PARTIAL
    assert lookup("parq_classic").status is Status.VERIFIED_SECONDARY
    assert "[U]" in lookup("acr2019").status_note
    assert "Achilles" in lookup("silbernagel2007").population
    assert "Stroke" in lookup("timmermans2016").population


def test_groups_cover_every_entry_once() -> None:
    grouped = by_group()
    assert sum(len(entries) for entries in grouped.values()) == len(CATALOGUE)
    assert next(iter(grouped)) is Group.KNEE_OA_TRIALS


def test_the_seed_claims_carry_the_report_verdicts() -> None:
    assert [claim.verdict for claim in SEED_CLAIMS] == [
        Verdict.UNSUPPORTED_AS_CITED,
        Verdict.CONTRADICTED,
        Verdict.UNVERIFIED_PLAUSIBLE,
    ]
    assert Verdict.UNVERIFIED_PLAUSIBLE.value == (
        "citation unverified; plausible in healthy young adults"
    )
    assert "chen2021" in SEED_CLAIMS[1].closest_evidence
    for claim in SEED_CLAIMS:
        assert all(key in CATALOGUE for key in claim.closest_evidence)
    assert "P = 0.10" in BOTTOM_LINE


def test_every_sources_constant_in_the_clinical_core_uses_catalogue_keys() -> None:
    seen = 0
    for name in _clinical_modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if not attr.endswith("_SOURCES"):
                continue
            groups = value.values() if isinstance(value, Mapping) else [value]
            for keys in groups:
                for key in keys:
                    assert key in CATALOGUE, f"{name}.{attr}: {key}"
                    seen += 1
    assert seen > 20


def test_every_literal_sources_argument_uses_catalogue_keys() -> None:
    for path in CLINICAL_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "sources":
                for const in ast.walk(node.value):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        assert const.value in CATALOGUE, f"{path.name}: {const.value}"


def test_every_key_named_in_a_clinical_docstring_exists() -> None:
    for path in CLINICAL_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef):
                doc = ast.get_docstring(node) or ""
                for key in KEY_LIKE.findall(doc):
                    assert key in CATALOGUE, f"{path.name}: {key}"
