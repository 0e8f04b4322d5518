"""The clinician's list keeps each walker's flags between loads (issue 11) — and never shows
a stale one: every change of a walker's record, of the policy, of the date or of a recorder's
name is on the very next load. On both databases, through the real use cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from retrowalk.services import accounts, checkins, clinician, policies, sessions
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.flag_cache import FlagCache, StampedCache
from retrowalk.services.schemas import Actor, Flag
from retrowalk.store import backup, transfer
from retrowalk.store.models import Account, AuditEntry, DatabaseInstance, Walker, WalkSession
from tests.services.factory import T0, morning, planned_walker, session_data
from tests.services.factory import clinician as make_clinician
from tests.services.test_query_counts import statements_of


def _flags_of(ctx: AppContext, dr: Actor, walker_id: int) -> tuple[Flag, ...]:
    rows = {row.walker.id: row for row in clinician.walker_flags(ctx, dr)}
    return rows[walker_id].flags


def _version(ctx: AppContext, walker_id: int) -> int:
    with ctx.db.reader() as tx:
        return int(tx.scalar(select(Walker.record_version).where(Walker.id == walker_id)) or 0)


@pytest.fixture
def clinic(ctx: AppContext) -> tuple[AppContext, Actor, Actor, int]:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    planned_walker(ctx, dr, "bea@example.org")
    return ctx.at(T0 + timedelta(days=1)), admin, dr, walker.id


def test_each_change_of_the_record_is_on_the_next_load(
    clinic: tuple[AppContext, Actor, Actor, int],
) -> None:
    ctx, _admin, dr, walker_id = clinic
    assert Flag.ADVERSE_EVENT not in _flags_of(ctx, dr, walker_id)  # now kept
    at = T0 + timedelta(hours=26)
    sessions.log_session(
        ctx.at(at), dr, walker_id, session_data("fall", at, adverse_events=["near_fall"])
    )
    assert Flag.ADVERSE_EVENT in _flags_of(ctx, dr, walker_id)
    clinician.clear_walker(
        ctx.at(at + timedelta(minutes=30)),  # never dated before what it lifts
        dr,
        walker_id,
        {"scope": "adverse_event", "reason": "Reviewed by phone: tripped."},
    )
    assert Flag.ADVERSE_EVENT not in _flags_of(ctx, dr, walker_id)
    report = morning(at)
    report["new_red_flags"] = ["locked_knee"]
    checkins.morning_checkin(ctx.at(at + timedelta(hours=22)), dr, walker_id, report)
    assert Flag.RED_FLAG in _flags_of(ctx.at(at + timedelta(hours=23)), dr, walker_id)


def test_every_audited_change_raises_the_record_version(
    clinic: tuple[AppContext, Actor, Actor, int],
) -> None:
    """The stamp the cache keys on moves with each change, and equals the walker's number of
    audit entries: no change of the record goes without moving it."""
    ctx, _admin, dr, walker_id = clinic
    before = _version(ctx, walker_id)
    at = T0 + timedelta(hours=26)
    sessions.log_session(ctx.at(at), dr, walker_id, session_data("one", at))
    after_session = _version(ctx, walker_id)
    checkins.morning_checkin(ctx.at(at + timedelta(hours=22)), dr, walker_id, morning(at))
    clinician.add_note(ctx, dr, walker_id, {"text": "Walked well."})
    assert before < after_session < _version(ctx, walker_id)
    with ctx.db.reader() as tx:
        entries = tx.scalar(select(func.count()).where(AuditEntry.walker_id == walker_id))
    assert _version(ctx, walker_id) == entries


def test_a_kept_list_reads_no_record_and_a_changed_walker_is_read_again(
    clinic: tuple[AppContext, Actor, Actor, int],
) -> None:
    ctx, _admin, dr, walker_id = clinic
    ctx.flag_cache.clear()
    cold = statements_of(ctx, lambda: clinician.walker_flags(ctx, dr))
    warm = statements_of(ctx, lambda: clinician.walker_flags(ctx, dr))
    assert warm < cold
    at = T0 + timedelta(hours=26)
    sessions.log_session(ctx.at(at), dr, walker_id, session_data("two", at))
    assert statements_of(ctx, lambda: clinician.walker_flags(ctx, dr)) == cold


def test_a_policy_change_or_a_new_day_computes_everyone_again(
    clinic: tuple[AppContext, Actor, Actor, int],
) -> None:
    ctx, admin, dr, _walker_id = clinic
    ctx.flag_cache.clear()
    cold = statements_of(ctx, lambda: clinician.walker_flags(ctx, dr))
    assert statements_of(ctx, lambda: clinician.walker_flags(ctx, dr)) < cold
    policies.set_policy(ctx, admin, {"flag_window_days": 10}, "A shorter window for our clinic.")
    assert statements_of(ctx, lambda: clinician.walker_flags(ctx, dr)) == cold
    assert statements_of(ctx, lambda: clinician.walker_flags(ctx, dr)) < cold
    kept = statements_of(ctx, lambda: clinician.walker_flags(ctx, dr))
    tomorrow = ctx.at(T0 + timedelta(days=2))
    new_day = statements_of(tomorrow, lambda: clinician.walker_flags(tomorrow, dr))
    assert kept < new_day < cold  # the date's part read again, the restrictions kept


def test_a_new_day_keeps_the_restrictions_and_recomputes_the_days_flags(
    clinic: tuple[AppContext, Actor, Actor, int],
) -> None:
    """The restrictions do not depend on the date (only a clearance lifts them), so a new day
    reuses them; what the date says (missed sessions, the last two weeks) is computed again."""
    ctx, _admin, dr, walker_id = clinic
    at = T0 + timedelta(hours=26)
    sessions.log_session(
        ctx.at(at), dr, walker_id, session_data("fall", at, adverse_events=["near_fall"])
    )
    assert Flag.ADVERSE_EVENT in _flags_of(ctx, dr, walker_id)
    weeks_later = ctx.at(T0 + timedelta(days=30))
    later = {r.walker.id: r for r in clinician.walker_flags(weeks_later, dr)}[walker_id]
    assert Flag.ADVERSE_EVENT in later.flags  # still held: nobody cleared it
    assert "adverse_event" in {r.kind for r in later.restrictions}
    fresh = {
        r.walker.id: r
        for r in clinician.walker_flags(replace(weeks_later, flag_cache=FlagCache()), dr)
    }
    assert later == fresh[walker_id]  # what a cold computation says, to the detail


def test_a_renamed_recorder_and_a_hand_made_change_are_seen(
    clinic: tuple[AppContext, Actor, Actor, int],
) -> None:
    """A name changed in the database shows at once; a record changed by hand (no audit
    entry, so no new version) shows when the kept restrictions expire (the flags' shorter
    limit recomputes only the date's part)."""
    ctx, _admin, dr, walker_id = clinic
    now = [0.0]
    ctx = replace(ctx, flag_cache=FlagCache(ttl_s=60, restrictions_ttl_s=600, clock=lambda: now[0]))
    at = T0 + timedelta(hours=26)
    sessions.log_session(
        ctx.at(at), dr, walker_id, session_data("fall", at, adverse_events=["near_fall"])
    )
    shown = {r.walker.id: r for r in clinician.walker_flags(ctx, dr)}[walker_id]
    assert shown.restrictions[0].triggers[0].recorded_by_name == "dr"
    with ctx.db.transaction() as tx:
        tx.execute(update(Account).where(Account.id == dr.account_id).values(display_name="Dr Ng"))
    shown = {r.walker.id: r for r in clinician.walker_flags(ctx, dr)}[walker_id]
    assert shown.restrictions[0].triggers[0].recorded_by_name == "Dr Ng"
    with ctx.db.transaction() as tx:  # a hand-made fix: the event removed, nothing audited
        tx.execute(update(WalkSession).values(adverse_events=[]))
    assert Flag.ADVERSE_EVENT in _flags_of(ctx, dr, walker_id)
    now[0] = 61.0
    assert Flag.ADVERSE_EVENT in _flags_of(ctx, dr, walker_id)
    now[0] = 601.0
    assert Flag.ADVERSE_EVENT not in _flags_of(ctx, dr, walker_id)


def test_the_cache_is_bounded_and_keys_on_the_whole_stamp(
    clinic: tuple[AppContext, Actor, Actor, int],
) -> None:
    ctx, _admin, dr, _walker_id = clinic
    flags = clinician.walker_flags(ctx, dr)[0]
    cache: StampedCache[object] = StampedCache(capacity=2)
    day = (T0 + timedelta(days=1)).date()
    cache.put(1, (3, 1, day, ()), flags)
    assert cache.get(1, (3, 1, day, ())) is flags
    assert cache.get(1, (4, 1, day, ())) is None  # another version: dropped
    assert cache.get(1, (3, 1, day, ())) is None
    for walker in (1, 2, 3):
        cache.put(walker, (1, 1, day, ()), flags)
    assert len(cache) == 2
    assert cache.get(1, (1, 1, day, ())) is None  # the oldest went first
    with pytest.raises(ValueError, match="capacity"):
        StampedCache(capacity=0)


def test_a_restore_under_a_running_server_never_shows_a_stale_list(
    sqlite_url: str, tmp_path: Path
) -> None:
    """Found by the outside-in test: a restore puts older version numbers back, and a later
    change reached the number of a kept entry, so the list hid an active restriction. The
    restored copy gets a new database id, which the kept flags are keyed on."""
    ctx = build_context(sqlite_url)
    try:
        admin = accounts.ensure_local_admin(ctx)
        walker_id = planned_walker(ctx, admin).id
        later = ctx.at(T0 + timedelta(days=2))
        at = T0 + timedelta(hours=26)
        sessions.log_session(
            later, admin, walker_id, session_data("fall", at, adverse_events=["near_fall"])
        )
        backup.backup(ctx.db, tmp_path / "before.sqlite")
        clinician.clear_walker(
            later, admin, walker_id, {"scope": "adverse_event", "reason": "Reviewed: tripped."}
        )
        assert Flag.ADVERSE_EVENT not in _flags_of(later, admin, walker_id)  # kept
        backup.restore(ctx.db, tmp_path / "before.sqlite")  # the restriction is back
        clinician.add_note(later, admin, walker_id, {"text": "Phoned."})  # the same version
        assert Flag.ADVERSE_EVENT in _flags_of(later, admin, walker_id)
    finally:
        ctx.db.dispose()


def test_an_import_names_a_new_copy_of_the_database(sqlite_url: str, tmp_path: Path) -> None:
    """An export imported (or restored) into a database gives it a new instance id, so a
    server on that database never takes flags kept for the copy before for the new data."""
    source = build_context(sqlite_url)
    target = build_context(f"sqlite+pysqlite:///{tmp_path / 'target.sqlite'}")
    try:
        planned_walker(source, accounts.ensure_local_admin(source))
        with source.db.reader() as tx:
            data = transfer.dump(tx)
        with target.db.reader() as tx:
            before = tx.scalar(select(DatabaseInstance.instance_id))
        with target.db.transaction() as tx:
            transfer.load(tx, data)
        with target.db.reader() as tx:
            after = tx.scalar(select(DatabaseInstance.instance_id))
        assert before is not None
        assert after is not None
        assert after != before
    finally:
        source.db.dispose()
        target.db.dispose()
