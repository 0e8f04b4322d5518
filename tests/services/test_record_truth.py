"""The walker's record tells the truth after the fact (found by the outside-in test): a check-in
that made a rest day says so in the history, the tables, the decisions and the PDF, not only in
its own reply; every decision is dated by the walker's own day and timed by the moment it was
stored, never by a midnight made up from a date. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from retrowalk.reports.build import choose_period, report_record
from retrowalk.reports.csv_tables import csv_tables
from retrowalk.reports.decisions import decisions_of
from retrowalk.reports.report_pdf import report_html, report_pdf
from retrowalk.services import (
    accounts,
    assessments,
    checkins,
    clinician,
    history,
    my_data,
    plans,
    screening,
    sessions,
    walkers,
)
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import Actor, CheckinOut, HistoryOut, Role
from retrowalk.store.models import Prescription
from tests.reports.pdf_text import flat, pages_text
from tests.services.factory import (
    MORE_NO,
    NO_STEADI,
    PARQ_CLEAR,
    T0,
    morning,
    planned_walker,
    session_data,
)

DAY = timedelta(days=1)
LATER = T0 + 5 * DAY


@pytest.fixture
def admin(ctx: AppContext) -> Actor:
    return accounts.ensure_local_admin(ctx)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _rest_day_after_an_ordinary_morning(ctx: AppContext, admin: Actor) -> tuple[int, CheckinOut]:
    """Two sessions: the first morning is ordinary, the second's pain of 7 makes a rest day."""
    walker = planned_walker(ctx, admin)
    sessions.log_session(ctx, admin, walker.id, session_data("s0", T0, pain_before_nprs=2))
    ordinary = checkins.morning_checkin(ctx, admin, walker.id, morning(T0))
    assert not ordinary.rest_day
    second = T0 + 2 * DAY
    sessions.log_session(ctx, admin, walker.id, session_data("s1", second, pain_before_nprs=2))
    rest = checkins.morning_checkin(ctx, admin, walker.id, morning(second, pain=7))
    assert rest.rest_day, "the reply says rest day"
    return walker.id, rest


def _history(ctx: AppContext, admin: Actor, walker_id: int) -> HistoryOut:
    return history.walker_history(ctx.at(LATER), admin, walker_id)


def test_a_check_in_that_made_a_rest_day_says_so_in_every_part_of_the_record(
    ctx: AppContext, admin: Actor
) -> None:
    walker_id, rest = _rest_day_after_an_ordinary_morning(ctx, admin)
    record = _history(ctx, admin, walker_id)
    by_id = {c.id: c.rest_day for c in record.checkins}
    assert by_id[rest.id] is True
    assert sorted(by_id.values()) == [False, True], "only the painful morning is a rest day"

    rows = _rows(csv_tables([record])["checkins"])
    assert {r["checkin_id"]: r["rest_day"] for r in rows}[str(rest.id)] == "true"
    assert sorted(r["rest_day"] for r in rows) == ["false", "true"]

    words = {d.record_id: d.what for d in decisions_of(record) if d.record_kind == "checkin"}
    assert words[rest.id].endswith("(rest day)")
    assert sum("(rest day)" in w for w in words.values()) == 1
    decided = _rows(csv_tables([record])["decisions"])
    assert any(r["record_id"] == str(rest.id) and r["what"].endswith("(rest day)") for r in decided)

    later = ctx.at(LATER)
    chosen = choose_period(later, admin, walker_id, None, None)
    report = report_record(later, admin, walker_id, chosen)
    text = flat(" ".join(pages_text(report_pdf(report))))
    assert "next-morning pain 7/10" in text
    assert text.count("(rest day)") == 1


def test_a_check_in_stored_before_decisions_kept_the_rest_day_flag_still_reads_right(
    ctx: AppContext, admin: Actor
) -> None:
    """An older plan version keeps the decision without its ``rest_day`` field: its rest-day
    reason says it, so an old record reads right with no migration."""
    walker_id, rest = _rest_day_after_an_ordinary_morning(ctx, admin)
    assert rest.next_prescription is not None
    with ctx.db.transaction() as tx:
        row = tx.scalars(select(Prescription).where(Prescription.id == rest.next_prescription.id))
        version = row.one()
        detail: dict[str, Any] = dict(version.decision_json or {})
        detail.pop("rest_day")
        version.decision_json = detail
    record = _history(ctx, admin, walker_id)
    assert {c.id: c.rest_day for c in record.checkins}[rest.id] is True


def test_the_walkers_own_download_says_which_check_in_made_a_rest_day(
    ctx: AppContext, admin: Actor
) -> None:
    """ "Download my data" (JSON and the ZIP of CSV files) carries ``rest_day`` on each check-in,
    as the history does (found by the outside-in test: it had no such field)."""
    walker_id, rest = _rest_day_after_an_ordinary_morning(ctx, admin)
    account_id = walkers.get_walker(ctx, admin, walker_id).account_id
    assert account_id is not None
    me = Actor(account_id=account_id, role=Role.WALKER)
    data = my_data.my_data(ctx.at(LATER), me)
    by_id = {row["id"]: row["rest_day"] for row in data["records"]["checkins"]}
    assert by_id[rest.id] is True
    assert sorted(by_id.values()) == [False, True]
    assert json.loads(my_data.as_json(data))["records"]["checkins"][1]["rest_day"] is True
    with zipfile.ZipFile(io.BytesIO(my_data.as_csv_zip(data))) as archive:
        rows = _rows(archive.read("checkins.csv").decode())
    assert {r["id"]: r["rest_day"] for r in rows} == {
        str(i): "true" if made else "false" for i, made in by_id.items()
    }


# --- dates: the walker's own day, the stored moment ------------------------------------------


def _at(zone: str, day: date, clock: time) -> datetime:
    """A moment on the walker's own clock, as the instant (aware) it is."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone))


FAR_ZONES = [
    pytest.param("Pacific/Honolulu", time(23, 30), id="UTC-10 at 23:30"),
    pytest.param("Pacific/Kiritimati", time(0, 30), id="UTC+14 at 00:30"),
]
"""A screening late in the evening west of UTC, or just after midnight east of it: its UTC date
is another day than the walker's."""


def _walker_far_from_utc(
    ctx: AppContext, admin: Actor, zone: str, clock: time
) -> tuple[int, dict[str, datetime]]:
    """Screened, tested and planned at ``clock`` on day 1 (her time), a session on day 2, a
    rest-day morning on day 3, cleared on day 4 at ``clock``; the moments by name."""
    day1 = date(2026, 1, 6)
    when = {
        "screening": _at(zone, day1, clock),
        "assessment": _at(zone, day1, clock) + timedelta(minutes=10),
        "plan": _at(zone, day1, clock) + timedelta(minutes=15),
        "session": _at(zone, day1 + DAY, time(10, 0)),
        "checkin": _at(zone, day1 + 2 * DAY, time(7, 10)),
        "clearance": _at(zone, day1 + 3 * DAY, clock),
    }
    walker = walkers.enrol_walker(
        ctx.at(when["screening"] - timedelta(hours=2)),
        admin,
        {
            "email": "kai@example.org",
            "display_name": "Kai",
            "age_years": 70,
            "sex": "female",
            "knee_condition": "oa",
            "knee_side": "right",
            "timezone": zone,
        },
    )
    answers = {
        "used_to_activity": True,
        "parq": PARQ_CLEAR,
        "red_flags": [],
        "steadi": NO_STEADI,
        **MORE_NO,
    }
    screening.screen_walker(ctx.at(when["screening"]), admin, walker.id, answers)
    tests = {"tug_s": 9.0, "tandem_stance_s": 15, "chair_stand_count": 13, "backward_walk_3m_s": 4}
    assessments.record_assessment(ctx.at(when["assessment"]), admin, walker.id, tests)
    plans.make_plan(ctx.at(when["plan"]), admin, walker.id)
    sessions.log_session(
        ctx.at(when["session"] + timedelta(minutes=20)),
        admin,
        walker.id,
        session_data("far-1", when["session"], pain_before_nprs=2),
    )
    checkins.morning_checkin(
        ctx.at(when["checkin"]),
        admin,
        walker.id,
        {"pain_nprs": 7, "stiffness_nprs": 2, "new_red_flags": []},
    )
    clinician.clear_walker(
        ctx.at(when["clearance"]),
        admin,
        walker.id,
        {"scope": "rest_day", "reason": "Phoned: the knee has settled"},
    )
    return walker.id, when


@pytest.mark.parametrize(("zone", "clock"), FAR_ZONES)
def test_every_decision_is_dated_by_the_walkers_own_day_and_in_that_order(
    ctx: AppContext, admin: Actor, zone: str, clock: time
) -> None:
    walker_id, when = _walker_far_from_utc(ctx, admin, zone, clock)
    local = {name: at.date() for name, at in when.items()}
    record = history.walker_history(ctx.at(when["clearance"] + DAY), admin, walker_id)
    found = decisions_of(record)
    days = {d.record_kind: d.day for d in found if d.record_kind != "plan"}
    assert days == {
        "screening": local["screening"],
        "assessment": local["assessment"],
        "checkin": local["checkin"],
        "clearance": local["clearance"],
    }
    assert [d.day for d in found] == sorted(d.day for d in found)
    kinds = [d.record_kind for d in found]
    assert kinds[:3] == ["screening", "assessment", "plan"], "in the order she did them"
    assert kinds.index("checkin") < kinds.index("clearance")

    rows = _rows(csv_tables([record])["decisions"])
    first = {r["record_kind"]: r for r in reversed(rows)}
    assert first["screening"]["local_date"] == local["screening"].isoformat()
    assert first["clearance"]["local_date"] == local["clearance"].isoformat()
    assert [r["local_date"] for r in rows] == sorted(r["local_date"] for r in rows)

    later = ctx.at(when["clearance"] + DAY)
    chosen = choose_period(later, admin, walker_id, None, None)
    html = report_html(report_record(later, admin, walker_id, chosen))
    assert f"{local['screening'].isoformat()} — Screening" in html
    assert f"Latest screening {local['screening'].isoformat()}" in html
    assert f"{local['clearance'].isoformat()} — Cleared (rest day)" in html


@pytest.mark.parametrize(("zone", "clock"), FAR_ZONES[:1])
def test_decided_at_is_the_moment_stored_never_a_midnight_made_up(
    ctx: AppContext, admin: Actor, zone: str, clock: time
) -> None:
    walker_id, when = _walker_far_from_utc(ctx, admin, zone, clock)
    record = history.walker_history(ctx.at(when["clearance"] + DAY), admin, walker_id)
    rows = _rows(csv_tables([record])["decisions"])
    decided = {r["record_kind"]: r["decided_at_utc"] for r in rows}
    for kind in ("screening", "assessment", "checkin", "clearance"):
        assert datetime.fromisoformat(decided[kind]) == when[kind], kind
    assert not any(r["decided_at_utc"].endswith("T00:00:00+00:00") for r in rows)


def test_tests_entered_for_an_earlier_day_keep_that_day_and_the_moment_they_were_entered(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned_walker(ctx, admin)
    entered = T0 + 3 * DAY
    assessments.record_assessment(
        ctx.at(entered),
        admin,
        walker.id,
        {"kind": "reassessment", "tug_s": 8.5, "local_date": (T0 + DAY).date().isoformat()},
    )
    record = _history(ctx, admin, walker.id)
    (later,) = [d for d in decisions_of(record) if d.record_kind == "assessment" and d.at > T0]
    assert later.day == (T0 + DAY).date()
    assert later.at == entered
