"""docs/fhir.md lists every code, code system and extension the export uses."""

from __future__ import annotations

from retrowalk.reports import fhir_codes as fc
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "fhir.md").read_text(encoding="utf-8")
STANDARD = DOC.split("## Standard codes")[1].split("\n## ")[0]


def test_every_standard_code_is_listed_with_where_it_was_verified() -> None:
    for code in fc.STANDARD_CODES:
        rows = [line for line in STANDARD.splitlines() if line.startswith("|")]
        row = next((r for r in rows if f"`{code.code}`" in r.split("|")[2]), None)
        assert row is not None, f"{code.code} is not in the table of standard codes"
        name = {fc.LOINC: "LOINC", fc.UCUM: "UCUM"}.get(code.system, code.system)
        assert name in row.split("|")[1], f"{code.code}: system {name} not named"
        assert row.split("|")[4].strip(), f"{code.code}: no 'verified in' column"
        assert row.count("|") >= 5, f"{code.code}: no 'verified in' column"


def test_every_retrowalk_code_system_code_and_extension_is_listed() -> None:
    for code in fc.OBS:
        assert f"| `{code}` |" in DOC, code
    for url in (
        fc.RW_CONDITION,
        fc.RW_KNEE_SIDE,
        fc.RW_FALL_RISK,
        fc.RW_ADVERSE_EVENT,
        fc.RW_RED_FLAG,
        fc.RW_ACTIVITY,
        fc.RW_SURFACE,
        fc.RW_SUPERVISION,
        fc.RW_RESTRICTION,
        fc.Q_SCREENING,
        fc.Q_KOOS,
        *fc.EXTENSIONS,
    ):
        assert url.replace(fc.RETROWALK_FHIR_BASE, "…") in DOC, url
    assert fc.RETROWALK_FHIR_BASE in DOC
