"""A walker's time zone can be corrected: by her, her clinician or an administrator, audited
before → after. Found by the outside-in test: a walker in Auckland stored as UTC (no
JavaScript on the join form) had her next-morning check-in open at 19:00 the same day she
walked, and nothing could change it. The server's clock says when something happened; her
time zone says which day it was for her. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from retrowalk.services import accounts, audit_view, history, plans, sessions, walkers
from retrowalk.services.context import AppContext
from retrowalk.services.errors import AccessDenied, HiddenRecord, InvalidRequest
from retrowalk.services.schemas import Actor, Role, TodayStatus
from retrowalk.store import repositories as repo
from tests.services.factory import T0, enrol, screened_and_planned, session_data
from tests.services.factory import clinician as make_clinician

AUCKLAND = "Pacific/Auckland"  # UTC+13 in January (summer time)
TESTS = {"tug_s": 9.0, "tandem_stance_s": 15, "chair_stand_count": 13, "backward_walk_3m_s": 4.0}
WALKED = datetime(2026, 1, 5, 19, 0, tzinfo=UTC)  # 08:00 on Tuesday 6 January in Auckland


def _her(walker_account_id: int) -> Actor:
    return Actor(account_id=walker_account_id, role=Role.WALKER)


def _entries(ctx: AppContext, walker_id: int) -> list[dict[str, object]]:
    with ctx.db.reader() as tx:
        return [
            dict(e.detail_json or {})
            for e in repo.audit_entries(tx, walker_id=walker_id, action="walker.set_timezone")
        ]


def test_she_corrects_it_herself_and_the_change_is_audited(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin, timezone="UTC")
    her = _her(walker.account_id)
    changed = walkers.set_timezone(ctx, her, walker.id, AUCKLAND)
    assert changed.timezone == AUCKLAND
    assert walkers.get_walker(ctx, admin, walker.id).timezone == AUCKLAND
    assert _entries(ctx, walker.id) == [{"timezone": {"before": "UTC", "after": AUCKLAND}}]
    page = audit_view.walker_audit(ctx, admin, walker.id)
    assert "changed the walker's time zone" in [e.what for e in page.entries]
    # the same zone again (a form sent twice) changes nothing and writes nothing
    walkers.set_timezone(ctx, her, walker.id, AUCKLAND)
    assert len(_entries(ctx, walker.id)) == 1


def test_her_clinician_and_an_administrator_may_nobody_else(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    ng = make_clinician(ctx, admin, "ng@example.org")
    ola = make_clinician(ctx, admin, "ola@example.org")
    walker = enrol(ctx, ng, timezone="UTC")
    other = enrol(ctx, ola, "bea@example.org")
    assert walkers.set_timezone(ctx, ng, walker.id, AUCKLAND).timezone == AUCKLAND
    assert walkers.set_timezone(ctx, admin, walker.id, "Europe/London").timezone == (
        "Europe/London"
    )
    for intruder in (ola, _her(other.account_id)):
        with pytest.raises(HiddenRecord, match=f"no walker with id {walker.id}"):
            walkers.set_timezone(ctx, intruder, walker.id, AUCKLAND)
    forged = Actor(account_id=walker.account_id, role=Role.CLINICIAN)
    with pytest.raises(AccessDenied):
        walkers.set_timezone(ctx, forged, walker.id, AUCKLAND)
    assert walkers.get_walker(ctx, admin, walker.id).timezone == "Europe/London"
    assert len(_entries(ctx, walker.id)) == 2


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "utc+13", "", "Auckland", "Etc/../UTC"])
def test_an_unknown_zone_is_refused_naming_the_field(ctx: AppContext, zone: str) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin, timezone="UTC")
    with pytest.raises(InvalidRequest, match="timezone") as refused:
        walkers.set_timezone(ctx, admin, walker.id, zone)
    assert "Europe/London" in str(refused.value)
    assert refused.value.problems[0].field == "timezone"
    assert walkers.get_walker(ctx, admin, walker.id).timezone == "UTC"
    assert _entries(ctx, walker.id) == []


def test_from_the_change_on_her_days_are_counted_on_her_clock(ctx: AppContext) -> None:
    """UTC → Auckland: "today" and the next-morning check-in follow the new zone."""
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin, timezone="UTC")
    screened_and_planned(ctx.at(T0 + timedelta(hours=1)), admin, walker.id, TESTS)
    her = _her(walker.account_id)
    assert plans.todays_prescription(ctx.at(WALKED), her, walker.id).local_date == date(2026, 1, 5)
    walkers.set_timezone(ctx.at(WALKED - timedelta(minutes=5)), her, walker.id, AUCKLAND)
    assert plans.todays_prescription(ctx.at(WALKED), her, walker.id).local_date == date(2026, 1, 6)
    saved = sessions.log_session(
        ctx.at(WALKED + timedelta(minutes=40)), her, walker.id, session_data("am", WALKED)
    )
    assert saved.local_date == date(2026, 1, 6)
    evening = ctx.at(WALKED + timedelta(hours=11))  # 19:00 on Tuesday in Auckland
    today = plans.todays_prescription(evening, her, walker.id)
    assert today.status is TodayStatus.DONE_TODAY  # stored as UTC, her check-in opened here
    assert today.checkin_open is False
    dawn = ctx.at(datetime(2026, 1, 6, 16, 0, tzinfo=UTC))  # 05:00 on Wednesday in Auckland
    today = plans.todays_prescription(dawn, her, walker.id)
    assert today.local_date == date(2026, 1, 7)
    assert today.status is TodayStatus.CHECKIN_FIRST
    assert today.checkin_open is False
    # from 6 in the morning on Wednesday 7 January in Auckland (the policy hour)
    assert today.checkin_opens_at == datetime(2026, 1, 6, 17, 0, tzinfo=UTC)
    six = ctx.at(datetime(2026, 1, 6, 17, 0, tzinfo=UTC))
    assert plans.todays_prescription(six, her, walker.id).checkin_open


def test_records_already_stored_keep_their_dates(ctx: AppContext) -> None:
    """The past is not rewritten: a session stored as Monday stays Monday."""
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin, timezone="UTC")
    screened_and_planned(ctx.at(T0 + timedelta(hours=1)), admin, walker.id, TESTS)
    late = datetime(2026, 1, 5, 11, 30, tzinfo=UTC)  # Monday in UTC, Tuesday in Auckland
    sessions.log_session(ctx.at(late), admin, walker.id, session_data("mon", late))
    walkers.set_timezone(ctx.at(late + timedelta(hours=1)), admin, walker.id, AUCKLAND)
    record = history.walker_history(ctx.at(late + timedelta(hours=2)), admin, walker.id, weeks=4)
    assert [s.local_date for s in record.sessions] == [date(2026, 1, 5)]


def test_a_session_logged_the_same_evening_is_never_late_after_the_zone_is_corrected(
    ctx: AppContext,
) -> None:
    """Found by the outside-in test: logged at once in London, then the zone changed to one
    a day ahead, the session read "logged on a later day" and its check-in waited a day more."""
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin, timezone="Europe/London")
    screened_and_planned(ctx.at(T0 + timedelta(hours=1)), admin, walker.id, TESTS)
    her = _her(walker.account_id)
    evening = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)
    sessions.log_session(
        ctx.at(evening + timedelta(minutes=20)), her, walker.id, session_data("eve", evening)
    )
    walkers.set_timezone(ctx.at(evening + timedelta(hours=1)), her, walker.id, "Pacific/Kiritimati")
    today = plans.todays_prescription(ctx.at(evening + timedelta(hours=2)), her, walker.id)
    assert today.checkin_logged_late is False
