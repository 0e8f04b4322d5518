"""CSV tables: one tidy table per kind, units in the column names, one walker or all of a
clinician's, the known walker's values, nothing a spreadsheet would run."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from retrowalk.reports.csv_tables import TABLES, csv_tables, csv_zip
from retrowalk.reports.errors import ReportInputError
from retrowalk.reports.record import WalkerRecord
from retrowalk.services import history
from tests.reports.known_walker import BASELINE, NOW, SESSION_DAYS, Known, build

UNIT_SUFFIXES = ("_min", "_m_s", "_m", "_pct", "_s", "_0_10", "_0_100", "_30s", "_utc", "_count")
NOT_MEASURES = {
    "walker_id",
    "session_id",
    "checkin_id",
    "red_flag_report_id",
    "assessment_id",
    "record_id",
    "local_date",
    "surface",
    "supervised",
    "planned_supervised",
    "adverse_events",
    "completed",
    "note",
    "report_missing",
    "new_red_flags",
    "rest_day",
    "decision",
    "next_plan_version",
    "kind",
    "fall_risk",
    "chair_stand_used_arms",
    "rule_version",
    "record_kind",
    "what",
    "reason_index",
    "reason_code",
    "reason_message",
    "reason_policy",
    "reason_extrapolation",
    "reason_sources",
    "recorded_by_role",
}


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_every_measure_column_names_its_unit() -> None:
    for name, columns in TABLES.items():
        for column in columns:
            assert column in NOT_MEASURES or column.endswith(UNIT_SUFFIXES), (name, column)


def test_the_known_walkers_tables(known: Known, report: WalkerRecord) -> None:
    tables = csv_tables([known.record], tests=report.tests)
    assert set(tables) == set(TABLES)
    sessions = _rows(tables["sessions"])
    assert len(sessions) == len(SESSION_DAYS)
    assert {r["pain_peak_nprs_0_10"] for r in sessions} == {"2"}
    assert {r["duration_min"] for r in sessions} == {"10"}
    assert [r["adverse_events"] for r in sessions].count("near_fall") == 1
    checkins = _rows(tables["checkins"])
    assert len(checkins) == len(SESSION_DAYS)
    assert {r["pain_nprs_0_10"] for r in checkins} == {"2"}
    assessments = _rows(tables["assessments"])
    baseline = assessments[0]
    assert baseline["tug_s"] == "9"
    assert baseline["chair_stand_count_30s"] == str(BASELINE["chair_stand_count"])
    assert baseline["koos_pain_0_100"] == "75"
    assert assessments[1]["koos_pain_0_100"] == "100"
    decisions = _rows(tables["decisions"])
    assert {r["record_kind"] for r in decisions} >= {
        "screening",
        "assessment",
        "plan",
        "checkin",
        "clearance",
    }
    assert all(r["reason_message"] for r in decisions if r["record_kind"] != "clearance")
    assert any(r["reason_policy"] == "true" for r in decisions)


def test_all_of_a_clinicians_walkers_in_one_table(known: Known) -> None:
    other = build(known.ctx, email="bob@example.org")
    both = csv_tables([other.record, known.record])
    ids = [r["walker_id"] for r in _rows(both["sessions"])]
    assert ids == sorted(ids, key=int)
    assert set(ids) == {str(known.walker_id), str(other.walker_id)}
    with pytest.raises(ReportInputError, match="twice"):
        csv_tables([known.record, known.record])


def test_typed_text_never_runs_as_a_formula(known: Known) -> None:
    session = known.record.sessions[0].model_copy(update={"note": '=HYPERLINK("http://x")'})
    record = known.record.model_copy(update={"sessions": (session,)})
    (row,) = _rows(csv_tables([record])["sessions"])
    assert row["note"] == '\'=HYPERLINK("http://x")'


def test_the_zip_holds_one_file_per_table_and_repeats(known: Known) -> None:
    tables = csv_tables([known.record])
    data = csv_zip(tables)
    assert data == csv_zip(tables)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{n}.csv" for n in TABLES)
        assert archive.read("sessions.csv").decode() == tables["sessions"]


def test_a_clinicians_history_and_the_tables_agree(known: Known) -> None:
    again = history.walker_history(
        known.ctx.at(NOW),
        known.actor,
        known.walker_id,
        weeks=3,
    )
    assert csv_tables([again]) == csv_tables([known.record])
    assert not re.search(r"\d\.\d{11,}", csv_tables([again])["sessions"])
