"""The gates read each walker's record kept under the version it was read at (issue 11) —
and still hold: every change of the record, of the policy or of the copy of the database is
decided on at the very next gate, exactly as a fresh read decides. On both databases, through
the real use cases; statements counted, never timed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from retrowalk.services import accounts, checkins, clinician, plans, policies, sessions
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.errors import NotReadyToWalk
from retrowalk.services.record_cache import RecordCache
from retrowalk.services.schemas import Actor, TodayOut
from retrowalk.store import backup
from retrowalk.store.models import WalkSession
from tests.services.factory import T0, morning, planned_walker, session_data
from tests.services.factory import clinician as make_clinician
from tests.services.test_query_counts import statements_of

DAY = T0 + timedelta(days=1)


@pytest.fixture
def clinic(ctx: AppContext) -> tuple[AppContext, Actor, Actor, int]:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    return ctx.at(DAY + timedelta(hours=3)), admin, dr, walker.id


def _today(ctx: AppContext, actor: Actor, walker_id: int) -> TodayOut:
    return plans.todays_prescription(ctx, actor, walker_id)


def _kinds(ctx: AppContext, actor: Actor, walker_id: int) -> set[str]:
    return {r.kind.value for r in _today(ctx, actor, walker_id).restrictions}


def _fresh(ctx: AppContext) -> AppContext:
    """The same database and clock with nothing kept: what a fresh read decides."""
    return replace(ctx, record_cache=RecordCache())


def _same_as_fresh(ctx: AppContext, actor: Actor, walker_id: int) -> set[str]:
    """What stops or limits the walker today (asserted equal to a fresh read, to the detail)."""
    kept = _today(ctx, actor, walker_id)
    assert kept == _today(_fresh(ctx), actor, walker_id)
    return {r.kind.value for r in kept.restrictions}


def test_each_change_of_the_record_holds_at_the_next_gate(
    clinic: tuple[AppContext, Actor, Actor, int],
) -> None:
    """A fall stops the next session, a clearance lifts it, a red flag in the morning stops
    it again: "today" and logging decide each at once, as a fresh read does."""
    ctx, admin, dr, walker_id = clinic
    assert _same_as_fresh(ctx, dr, walker_id) == set()  # the record is kept now
    at = DAY + timedelta(hours=1)
    sessions.log_session(ctx, dr, walker_id, session_data("plain", at))
    assert _same_as_fresh(ctx, dr, walker_id) == set()
    sessions.log_session(ctx, dr, walker_id, session_data("fall", at, adverse_events=["fall"]))
    assert _same_as_fresh(ctx, dr, walker_id) == {"adverse_event"}
    with pytest.raises(NotReadyToWalk):
        sessions.log_session(ctx, dr, walker_id, session_data("after-fall", at))
    clinician.clear_walker(
        ctx, dr, walker_id, {"scope": "adverse_event", "reason": "Reviewed by phone: tripped."}
    )
    next_day = ctx.at(DAY + timedelta(days=1, hours=3))
    checkins.morning_checkin(next_day, dr, walker_id, morning(at))
    assert _same_as_fresh(next_day, dr, walker_id) == set()
    on_day_2 = DAY + timedelta(days=1, hours=1)
    sessions.log_session(next_day, dr, walker_id, session_data("day-2", on_day_2))
    report = morning(on_day_2)
    report["new_red_flags"] = ["locked_knee"]
    later = ctx.at(DAY + timedelta(days=2, hours=3))
    checkins.morning_checkin(later, dr, walker_id, report)
    assert _same_as_fresh(later, dr, walker_id) == {"red_flag"}
    with pytest.raises(NotReadyToWalk):
        sessions.log_session(later, dr, walker_id, session_data("red", later.now()))
    policies.set_policy(later, admin, {"flag_window_days": 10}, "A shorter window for us.")
    assert _same_as_fresh(later, dr, walker_id) == {"red_flag"}


def test_a_kept_record_spares_its_queries_and_a_plain_session_keeps_it(
    clinic: tuple[AppContext, Actor, Actor, int],
) -> None:
    """The second "today" reads no record; a session without an adverse event is no fact of
    the record, so "today" after it reads none either; one with an event is read again."""
    ctx, _admin, dr, walker_id = clinic
    cold = statements_of(ctx, lambda: _today(ctx, dr, walker_id))
    kept = statements_of(ctx, lambda: _today(ctx, dr, walker_id))
    assert kept <= cold - 6  # the record's six queries (and the policy history) spared
    at = DAY + timedelta(hours=1)
    sessions.log_session(ctx, dr, walker_id, session_data("plain", at))
    assert statements_of(ctx, lambda: _today(ctx, dr, walker_id)) == kept
    sessions.log_session(ctx, dr, walker_id, session_data("near", at, adverse_events=["near_fall"]))
    assert statements_of(ctx, lambda: _today(ctx, dr, walker_id)) > kept


def test_a_hand_made_change_is_decided_on_when_the_kept_record_expires(
    clinic: tuple[AppContext, Actor, Actor, int],
) -> None:
    """A record changed outside the program (no audit entry, so no new version) is the time
    limit's case: the gate reads it again within ``ttl_s``."""
    ctx, _admin, dr, walker_id = clinic
    now = [0.0]
    ctx = replace(ctx, record_cache=RecordCache(ttl_s=300, clock=lambda: now[0]))
    at = DAY + timedelta(hours=1)
    sessions.log_session(ctx, dr, walker_id, session_data("plain", at))
    assert _kinds(ctx, dr, walker_id) == set()
    with ctx.db.transaction() as tx:  # a hand-made change: a fall written in, nothing audited
        tx.execute(update(WalkSession).values(adverse_events=["fall"]))
    now[0] = 301.0
    assert _kinds(ctx, dr, walker_id) == {"adverse_event"}
    with pytest.raises(NotReadyToWalk):
        sessions.log_session(ctx, dr, walker_id, session_data("after", at))


def test_a_restore_under_a_running_server_never_decides_on_a_kept_record(
    sqlite_url: str, tmp_path: Path
) -> None:
    """A restore puts older version numbers back, which later changes reach again; the
    restored copy's new database id is in the key, so the gate reads the restored record."""
    ctx = build_context(sqlite_url)
    try:
        admin = accounts.ensure_local_admin(ctx)
        walker_id = planned_walker(ctx, admin).id
        later = ctx.at(DAY + timedelta(hours=3))
        at = DAY + timedelta(hours=1)
        sessions.log_session(
            later, admin, walker_id, session_data("fall", at, adverse_events=["fall"])
        )
        backup.backup(ctx.db, tmp_path / "before.sqlite")
        clinician.clear_walker(
            later, admin, walker_id, {"scope": "adverse_event", "reason": "Reviewed: tripped."}
        )
        assert _kinds(later, admin, walker_id) == set()  # kept, cleared
        backup.restore(ctx.db, tmp_path / "before.sqlite")  # the review is open again
        clinician.add_note(later, admin, walker_id, {"text": "Phoned."})  # the same version
        assert _kinds(later, admin, walker_id) == {"adverse_event"}
        with pytest.raises(NotReadyToWalk):
            sessions.log_session(later, admin, walker_id, session_data("after", at))
    finally:
        ctx.db.dispose()


def test_the_kept_record_equals_a_fresh_read_after_a_mixed_run(
    clinic: tuple[AppContext, Actor, Actor, int],
) -> None:
    """A fortnight of sessions, mornings (one painful), a near-fall and its review: after
    each, what the gates read from the kept record is what a fresh read gives."""
    ctx, _admin, dr, walker_id = clinic
    for day in range(14):
        moment = ctx.at(DAY + timedelta(days=day, hours=3))
        at = DAY + timedelta(days=day, hours=1)
        events = ["near_fall"] if day == 5 else []
        try:
            sessions.log_session(
                moment, dr, walker_id, session_data(f"d{day}", at, adverse_events=events)
            )
        except NotReadyToWalk:
            continue  # refused (a rest day): nothing to report on the next morning
        _same_as_fresh(moment, dr, walker_id)
        pain = 7 if day == 9 else 2
        checkins.morning_checkin(
            ctx.at(at + timedelta(hours=22)), dr, walker_id, morning(at, pain=pain)
        )
        _same_as_fresh(ctx.at(at + timedelta(hours=23)), dr, walker_id)
        if day == 7:
            clinician.clear_walker(
                moment, dr, walker_id, {"scope": "adverse_event", "reason": "Seen in clinic."}
            )
            _same_as_fresh(moment, dr, walker_id)
