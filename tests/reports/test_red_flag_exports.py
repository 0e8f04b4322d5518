"""A red flag reported at any time (RULES.md §7.7) reaches every export, on SQLite and
PostgreSQL: the walker's history, the CSV tables, the FHIR bundle (coded as the check-in's red
flags: a retrowalk code, no LOINC or SNOMED CT), the PDF, and her own "my data". The PDF names,
under a clearance, the flags it lifted. Found by the outside-in test: every export left the
reports out."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from retrowalk.clinical.red_flags import CLINICIAN_NAMES, RED_FLAGS, KneeRedFlag
from retrowalk.reports import fhir_codes as fc
from retrowalk.reports.build import choose_period, report_record
from retrowalk.reports.csv_tables import RED_FLAG_REPORT_COLUMNS, TABLES, csv_tables
from retrowalk.reports.fhir_bundle import walker_bundle_json
from retrowalk.reports.period import period, within
from retrowalk.reports.record import WalkerRecord
from retrowalk.reports.report_pdf import report_html, report_pdf
from retrowalk.services import (
    accounts,
    checkins,
    clinician,
    history,
    my_data,
    red_flag_reports,
    sessions,
)
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import Actor, Role
from tests.reports.pdf_text import flat, pages_text
from tests.services.factory import T0, planned_walker, session_data
from tests.services.factory import clinician as make_clinician

LOCKED = KneeRedFlag.LOCKED_KNEE
GIVING_WAY = KneeRedFlag.KNEE_GIVING_WAY
HOT = KneeRedFlag.HOT_SWOLLEN_KNEE
MONDAY_EVENING = T0 + timedelta(hours=10)
TUESDAY_EVENING = T0 + timedelta(days=1, hours=10)
CLEARED = T0 + timedelta(days=2, hours=1)
THURSDAY = T0 + timedelta(days=3, hours=2)
NOW = T0 + timedelta(days=4)
REASON = "Seen in clinic: the knee moves freely and holds."


@dataclass(frozen=True)
class Story:
    ctx: AppContext
    dr: Actor
    walker_id: int
    me: Actor
    report_ids: tuple[int, ...]


@pytest.fixture
def story(ctx: AppContext) -> Story:
    """Monday a session; Tuesday morning the check-in names a locked knee; Tuesday evening she
    reports her knee gave way; Wednesday the clinician clears both; Thursday the clinician
    records, from a phone call, that the knee is hot and swollen; then "none of these"."""
    dr = make_clinician(ctx, accounts.ensure_local_admin(ctx), "dr@clinic.org")
    walker = planned_walker(ctx, dr)
    me = Actor(account_id=walker.account_id, role=Role.WALKER)
    sessions.log_session(ctx.at(T0), me, walker.id, session_data("mon", T0))
    checkins.morning_checkin(
        ctx.at(T0 + timedelta(hours=22)),
        me,
        walker.id,
        {"pain_nprs": 2, "stiffness_nprs": 1, "new_red_flags": [LOCKED.value]},
    )
    gave = red_flag_reports.report_red_flags(
        ctx.at(TUESDAY_EVENING), me, walker.id, {"new_red_flags": [GIVING_WAY.value]}
    )
    clinician.clear_walker(ctx.at(CLEARED), dr, walker.id, {"scope": "red_flag", "reason": REASON})
    hot = red_flag_reports.report_red_flags(
        ctx.at(NOW), dr, walker.id, {"new_red_flags": [HOT.value], "at": THURSDAY.isoformat()}
    )
    none = red_flag_reports.report_red_flags(ctx.at(NOW), me, walker.id, {"new_red_flags": []})
    return Story(ctx, dr, walker.id, me, (gave.id, hot.id, none.id))


def _record(story: Story) -> WalkerRecord:
    ctx = story.ctx.at(NOW)
    return report_record(
        ctx, story.dr, story.walker_id, choose_period(ctx, story.dr, story.walker_id, None, None)
    )


def test_the_history_holds_the_reports_and_the_period_cuts_them(story: Story) -> None:
    record = history.walker_history(story.ctx.at(NOW), story.dr, story.walker_id)
    assert tuple(r.id for r in record.red_flag_reports) == story.report_ids
    assert [r.new_red_flags for r in record.red_flag_reports] == [(GIVING_WAY,), (HOT,), ()]
    assert record.red_flag_reports[1].created_at == THURSDAY
    own = history.walker_history(story.ctx.at(NOW), story.me, story.walker_id)
    assert own.red_flag_reports == record.red_flag_reports
    tuesday = TUESDAY_EVENING.date()
    cut = within(record, period(tuesday, tuesday))
    assert [r.id for r in cut.red_flag_reports] == [story.report_ids[0]]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_tables_have_one_row_per_report(story: Story) -> None:
    record = _record(story)
    tables = csv_tables([record.history])
    assert set(tables) == set(TABLES)
    rows = _rows(tables["red_flag_reports"])
    assert tuple(rows[0]) == RED_FLAG_REPORT_COLUMNS
    assert [(r["red_flag_report_id"], r["new_red_flags"]) for r in rows] == [
        (str(story.report_ids[0]), GIVING_WAY.value),
        (str(story.report_ids[1]), HOT.value),
        (str(story.report_ids[2]), ""),
    ]
    assert rows[1]["reported_at_utc"] == THURSDAY.isoformat()
    assert rows[1]["local_date"] == THURSDAY.date().isoformat()
    assert {r["walker_id"] for r in rows} == {str(story.walker_id)}
    assert [r["recorded_by_role"] for r in rows] == ["walker", "clinician", "walker"]
    # and each report is a line of the decisions, with who recorded it
    decided = [r for r in _rows(tables["decisions"]) if r["record_kind"] == "red_flag_report"]
    assert {r["record_id"] for r in decided} == {str(i) for i in story.report_ids}
    hot = next(r for r in decided if r["record_id"] == str(story.report_ids[1]))
    assert hot["what"] == (
        f"Red-flag report (recorded by the clinician): {CLINICIAN_NAMES[HOT]} → stop and refer"
    )


def _observations(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == code
    ]


def test_the_bundle_codes_each_reported_flag_as_the_check_in_does(story: Story) -> None:
    bundle = json.loads(walker_bundle_json(_record(story)))
    reported = _observations(bundle, "red-flag-report")
    at_checkin = _observations(bundle, "next-morning-red-flag")
    assert len(reported) == 2  # "none of these" adds none, as a check-in without a flag
    assert len(at_checkin) == 1
    for obs in (*reported, *at_checkin):
        # the retrowalk observation code alone (no standard code was verified for it) ...
        assert [(c["system"]) for c in obs["code"]["coding"]] == [fc.RW_OBSERVATION]
        (value,) = obs["valueCodeableConcept"]["coding"]
        # ... and the flag from the retrowalk red-flag code system, in the walker's words
        assert value["system"] == fc.RW_RED_FLAG
        assert (
            obs["valueCodeableConcept"]["text"] == RED_FLAGS[KneeRedFlag(value["code"])].statement
        )
        assert obs["category"] == at_checkin[0]["category"]
    by_flag = {o["valueCodeableConcept"]["coding"][0]["code"]: o for o in reported}
    assert set(by_flag) == {GIVING_WAY.value, HOT.value}
    # who recorded each: the walker (as at her check-in), or her clinician from a phone call
    assert by_flag[GIVING_WAY.value]["performer"] == at_checkin[0]["performer"]
    assert by_flag[GIVING_WAY.value]["note"] == [
        {"text": "Reported at any time, recorded by the walker."}
    ]
    hot = by_flag[HOT.value]
    assert hot["performer"] != at_checkin[0]["performer"]
    assert hot["performer"][0]["reference"] in {
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Practitioner"
    }
    assert hot["note"] == [{"text": "Reported at any time, recorded by the clinician."}]
    assert hot["effectiveDateTime"].startswith(THURSDAY.date().isoformat())
    assert hot["identifier"][0]["value"] == (
        f"walker/{story.walker_id}/red-flag-report/{story.report_ids[1]}/red-flag-report/"
        "hot_swollen_knee"
    )


def test_the_bundle_names_the_flags_a_lifted_restriction_was_for(story: Story) -> None:
    bundle = json.loads(walker_bundle_json(_record(story)))
    flags = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Flag"]
    (lifted,) = [f for f in flags if f["status"] == "inactive"]
    text = lifted["code"]["text"]
    assert CLINICIAN_NAMES[LOCKED] in text
    assert CLINICIAN_NAMES[GIVING_WAY] in text
    assert REASON in text
    assert text.index(CLINICIAN_NAMES[LOCKED]) < text.index(CLINICIAN_NAMES[GIVING_WAY])


def test_the_pdf_lists_every_warning_sign_and_what_the_clearance_lifted(story: Story) -> None:
    record = _record(story)
    printed = flat(" ".join(pages_text(report_pdf(record))))
    assert "Warning signs (red flags)" in printed
    assert RED_FLAGS[GIVING_WAY].statement in printed
    # the words as laid out (a page's footer may fall inside a printed sentence)
    text = flat(html.unescape(re.sub(r"<[^>]+>", " ", report_html(record))))
    section = text.split("Warning signs (red flags)")[1].split("Fall-risk tests")[0]
    assert (
        f"{(T0 + timedelta(days=1)).date()}, morning check-in: {RED_FLAGS[LOCKED].statement}"
        in section
    )
    assert (
        f"reported at any time, recorded by the walker: {RED_FLAGS[GIVING_WAY].statement}, "
        "needing a doctor soon" in section
    )
    assert (
        f"reported at any time, recorded by the clinician: {RED_FLAGS[HOT].statement}, "
        "needing a doctor today" in section
    )
    assert "recorded by the walker: none of the warning signs is new" in section
    cleared = text.split("Adverse events and clearances")[1].split("Clinician notes")[0]
    assert REASON in cleared
    lifted = cleared.split("It lifted:")[1]
    assert RED_FLAGS[LOCKED].statement in lifted
    assert ", needing emergency care now — morning check-in of" in lifted
    assert (
        f"{RED_FLAGS[GIVING_WAY].statement}, needing a doctor soon — red-flag report of" in lifted
    )
    assert RED_FLAGS[HOT].statement not in lifted  # reported after the clearance: still open
    # the open restriction's line is the hot knee (the only open flag), in the clinician's
    # words, not the walker's tick (found by the outside-in test of the words)
    active = text.split("Active restrictions")[1].split("Warning signs (red flags)")[0]
    assert f"Red flag: {CLINICIAN_NAMES[HOT]}, needing a doctor today" in active
    assert RED_FLAGS[HOT].statement not in active


def test_a_period_without_a_warning_sign_says_so(story: Story) -> None:
    record = _record(story)
    monday = T0.date()
    quiet = record.model_copy(update={"history": within(record.history, period(monday, monday))})
    assert "No warning sign reported in this period." in report_html(quiet)


def test_her_own_data_holds_her_reports(story: Story) -> None:
    data = my_data.my_data(story.ctx.at(NOW), story.me)
    rows = data["records"]["red_flag_reports"]
    assert [r["id"] for r in rows] == list(story.report_ids)
    assert [r["red_flags"] for r in rows] == [[GIVING_WAY.value], [HOT.value], []]
    assert date.fromisoformat(rows[1]["local_date"]) == THURSDAY.date()
