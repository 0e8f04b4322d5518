"""The clinician's list computed fast (issue 11) shows exactly what each walker's own page
and gates show: on a mixed clinic — falls, red flags, clearances, rest days, high fall risk,
no plan, not screened, a record that cannot be read — the list cold, on a new day (the
records kept) and kept equals, walker by walker, the flags computed for that walker alone
and the restrictions of the walker's restrictions page. On both databases.

The list reads its rows as plain tuples (a column row's attribute costs ten times an index):
the tuples must name the queries' columns in order, or a value would be read as another."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, NamedTuple

import pytest
from sqlalchemy import create_engine, text, update

from retrowalk.services import (
    checkins,
    clinician,
    red_flag_reports,
    restrictions,
    screening,
    sessions,
)
from retrowalk.services.clinician import WindowSession
from retrowalk.services.context import AppContext
from retrowalk.services.restrictions import (
    AssessmentRow,
    CheckinRow,
    ClearanceRow,
    RedFlagReportRow,
    ScreeningRow,
    SessionRow,
    plain_rows,
)
from retrowalk.services.schemas import Actor, Flag, WalkerFlags
from retrowalk.store import repositories as repo
from retrowalk.store.models import Screening
from tests.services.factory import (
    CLEAR_SCREENING,
    HIGH_RISK_TESTS,
    T0,
    enrol,
    morning,
    planned_walker,
    screened_and_planned,
    session_data,
)
from tests.services.test_restriction_gates import admin

__all__ = ["admin"]

DAY = timedelta(days=1)
SEEN = T0 + 10 * DAY
"""When the list is loaded: every session below is inside the flag window."""


def _walk(ctx: AppContext, dr: Actor, walker_id: int, day: int, key: str, **more: Any) -> None:
    at = T0 + day * DAY
    sessions.log_session(ctx.at(at), dr, walker_id, session_data(key, at, **more))


def _morning(ctx: AppContext, dr: Actor, walker_id: int, day: int, **more: Any) -> None:
    at = T0 + day * DAY
    report = morning(at, pain=more.pop("pain", 2))
    report.update(more)
    checkins.morning_checkin(ctx.at(at + timedelta(hours=22)), dr, walker_id, report)


def mixed_clinic(ctx: AppContext, dr: Actor) -> dict[str, int]:
    """One walker of each kind the list tells apart, through the real use cases (each name
    → walker id)."""
    ids: dict[str, int] = {}

    def planned(name: str, **profile: Any) -> int:
        walker = planned_walker(ctx, dr, f"{name}@example.org")
        if profile:
            with ctx.db.transaction() as tx:
                tx.execute(
                    text(
                        f"UPDATE walkers SET timezone = '{profile['timezone']}'"
                        f" WHERE id = {walker.id}"
                    )
                )
        ids[name] = walker.id
        return walker.id

    ann = planned("ann")  # walks as planned, the next morning a little sorer than usual
    for day in (1, 3, 5, 7, 9):
        _walk(ctx, dr, ann, day, f"ann-{day}")
    _morning(ctx, dr, ann, 9, pain=4)
    fay = planned("fay")  # a fall: no session until reviewed; then walks against it
    _walk(ctx, dr, fay, 2, "fay-fall", adverse_events=["fall"])
    _walk(ctx, dr, fay, 6, "fay-again", adverse_events=["sharp_knee_pain"])
    ned = planned("ned")  # a near-fall, reviewed and cleared by the clinician
    _walk(ctx, dr, ned, 2, "ned-near", adverse_events=["near_fall"])
    clinician.clear_walker(
        ctx.at(T0 + 3 * DAY),
        dr,
        ned,
        {"scope": "adverse_event", "reason": "Reviewed by phone: tripped on a rug."},
    )
    _walk(ctx, dr, ned, 4, "ned-after")
    rex = planned("rex")  # a red flag in a morning check-in
    _walk(ctx, dr, rex, 3, "rex-3")
    _morning(ctx, dr, rex, 3, new_red_flags=["locked_knee"])
    rory = planned("rory")  # a red flag reported outside a check-in
    red_flag_reports.report_red_flags(
        ctx.at(T0 + 4 * DAY), dr, rory, {"new_red_flags": ["calf_pain_swelling_warmth"]}
    )
    rita = planned("rita")  # a painful morning: a rest day until cleared
    _walk(ctx, dr, rita, 5, "rita-5", pain_peak_nprs=7)
    _morning(ctx, dr, rita, 5, pain=8)
    abe = planned("abe", timezone="Pacific/Auckland")  # far above the plan, another zone
    _walk(ctx, dr, abe, 6, "abe-6", duration_min=40, speed_m_s=1.4)
    hal = enrol(ctx, dr, "hal@example.org")  # high fall risk: walks alone, off the rail
    ids["hal"] = hal.id
    screened_and_planned(ctx.at(T0), dr, hal.id, HIGH_RISK_TESTS)
    _walk(ctx, dr, hal.id, 4, "hal-4", supervised=False, surface="flat_clear_known_path")
    wally = enrol(ctx, dr, "wally@example.org")  # a walking aid and a blood thinner
    ids["wally"] = wally.id
    aid = {**CLEAR_SCREENING, "uses_walking_aid": True, "takes_anticoagulant": True}
    screened_and_planned(ctx.at(T0), dr, wally.id, HIGH_RISK_TESTS, aid)
    cora = enrol(ctx, dr, "cora@example.org")  # a clearance required, then given
    ids["cora"] = cora.id
    heart = {**CLEAR_SCREENING, "parq": [True, False, False, False, True, False, False]}
    screening.screen_walker(ctx.at(T0), dr, cora.id, heart)
    clinician.clear_walker(
        ctx.at(T0 + DAY),
        dr,
        cora.id,
        {"scope": "clearance_required", "reason": "Her cardiologist agrees to walking."},
    )
    ids["nia"] = enrol(ctx, dr, "nia@example.org").id  # not screened
    noel = enrol(ctx, dr, "noel@example.org")  # screened, no tests, no plan
    ids["noel"] = noel.id
    screening.screen_walker(ctx.at(T0), dr, noel.id, CLEAR_SCREENING)
    odd = planned("odd")  # a screening changed by hand: the record cannot be read
    with ctx.db.transaction() as tx:
        tx.execute(
            update(Screening).where(Screening.walker_id == odd).values(answers_json={"age": 1})
        )
    return ids


F = Flag
FLAGS = {
    "ann": (F.MORNING_PAIN_UP,),
    "fay": (F.ADVERSE_EVENT, F.RED_FLAGS_UNASKED, F.WALKED_AGAINST_RESTRICTION),
    "ned": (F.RED_FLAGS_UNASKED, F.MISSED_SESSIONS),  # the near-fall cleared
    "rex": (F.RED_FLAG,),
    "rory": (F.RED_FLAG,),
    "rita": (F.REST_DAY, F.PAIN_FLARE, F.MORNING_PAIN_UP),
    "abe": (F.ABOVE_PLAN, F.MISSED_SESSIONS),
    "hal": (F.FALL_RISK, F.WALKED_OUTSIDE_SUPERVISION, F.ABOVE_PLAN, F.MISSED_SESSIONS),
    "wally": (F.WAITING_FOR_CLEARANCE, F.FALL_RISK, F.WALKING_AID),
    "cora": (F.NO_PLAN,),  # the clearance given
    "nia": (F.NOT_SCREENED,),
    "noel": (F.NO_PLAN,),
    "odd": (F.RECORD_UNREADABLE,),
}
"""Each walker's flags, in order, as main computed them before the list was made faster."""


def _by_id(rows: list[WalkerFlags]) -> dict[int, WalkerFlags]:
    return {row.walker.id: row for row in rows}


def test_the_list_equals_each_walkers_own_flags_and_restrictions(
    ctx: AppContext, admin: Actor
) -> None:
    ids = mixed_clinic(ctx, admin)
    seen = ctx.at(SEEN)
    seen.flag_cache.clear()
    cold = _by_id(clinician.walker_flags(seen, admin))
    seen.flag_cache.flags.clear()  # a new day's load: the records kept, the date's part not
    new_day = _by_id(clinician.walker_flags(seen, admin))
    kept = _by_id(clinician.walker_flags(seen, admin))
    assert set(cold) == set(ids.values())
    assert cold == new_day == kept
    for name, walker_id in ids.items():
        flags = cold[walker_id]
        alone = clinician.walker_flag(seen, admin, walker_id)
        assert flags == alone, name
        assert flags.flags == FLAGS[name], name
        if Flag.RECORD_UNREADABLE in flags.flags:
            continue
        page = restrictions.walker_restrictions(seen, admin, walker_id)
        assert flags.restrictions == page.active, name


def test_a_new_day_shows_the_restrictions_with_a_recorders_new_name(
    ctx: AppContext, admin: Actor
) -> None:
    """The restrictions kept with a walker's record are shown under the names of whoever
    recorded them: a name changed since is shown the next day, never the old one."""
    ids = mixed_clinic(ctx, admin)
    seen = ctx.at(SEEN)
    before = _by_id(clinician.walker_flags(seen, admin))[ids["fay"]]
    assert {t.recorded_by_name for r in before.restrictions for t in r.triggers} == {
        "Local administrator"
    }
    with ctx.db.transaction() as tx:
        tx.execute(
            text(f"UPDATE accounts SET display_name = 'Dr Ng' WHERE id = {admin.account_id}")
        )
    tomorrow = ctx.at(SEEN + DAY)
    after = _by_id(clinician.walker_flags(tomorrow, admin))[ids["fay"]]
    assert {t.recorded_by_name for r in after.restrictions for t in r.triggers} == {"Dr Ng"}
    assert after == clinician.walker_flag(tomorrow, admin, ids["fay"])


def _columns(columns: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(column.key for column in columns)


def test_the_plain_tuples_name_the_queries_columns_in_order() -> None:
    assert WindowSession._fields == _columns(repo.FLAG_SESSION_COLUMNS)
    for entity, kind in (
        ("screening", ScreeningRow),
        ("assessment", AssessmentRow),
        ("session", SessionRow),
        ("checkin", CheckinRow),
        ("red_flag_report", RedFlagReportRow),
        ("clearance", ClearanceRow),
    ):
        assert kind._fields == (*_columns(repo.FACT_COLUMNS[entity]), "seq"), entity


class _Swapped(NamedTuple):
    b: int
    a: int


def test_rows_of_other_columns_are_refused_never_read_as_others() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        rows = list(conn.execute(text("SELECT 1 AS a, 2 AS b")))
    with pytest.raises(RuntimeError, match=r"_Swapped has the fields \('b', 'a'\)"):
        plain_rows(rows, _Swapped)
    assert plain_rows([], _Swapped) == []


def test_the_lists_sentences_give_dates_in_words(ctx: AppContext, admin: Actor) -> None:
    """Found by the outside-in test: "Walked alone on 2026-12-03 although a helper (and the
    planned surface) was needed", "Next-morning pain 8/10 after the session of 2026-12-02"
    beside "Thursday 3 December" elsewhere on the same list."""
    mixed_clinic(ctx, admin)
    seen = ctx.at(SEEN)
    rows = clinician.walker_flags(seen, admin)
    details = [d for row in rows for d in row.details]
    assert any("Walked alone on" in d for d in details)
    for detail in details:
        assert not re.search(r"\d{4}-\d{2}-\d{2}", detail), detail
        assert "(and the planned surface)" not in detail, detail
