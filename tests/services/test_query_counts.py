"""The number of SQL statements a request issues does not grow with the clinic or with a
walker's own history (issue 11): the walker list, the flags and one walker's page read every
walker in one query per kind of fact; "today" and logging a session read a history of 1,000
sessions in as many statements as one of 42. Counted with SQLAlchemy's
``before_cursor_execute`` event on both databases; never timed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, event, insert, select

from retrowalk.services import checkins, clinician, plans, sessions, walkers
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import Actor
from retrowalk.store import repositories as repo
from retrowalk.store.models import AuditEntry, Checkin, WalkSession
from tests.services.factory import T0, morning, planned_walker, session_data
from tests.services.factory import clinician as make_clinician


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """The statements sent to the database inside the block."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements_of(ctx: AppContext, call: Callable[[], object]) -> int:
    with counting(ctx.db.engine) as statements:
        call()
    return len(statements)


def _walker_with_a_record(ctx: AppContext, dr: Actor, n: int) -> int:
    """A planned walker with a session; every third reported a near-fall, every other one
    has its morning check-in (so each kind of fact and flag is there to read)."""
    walker = planned_walker(ctx, dr, f"w{n}@example.org")
    at = T0 + timedelta(days=1)
    events = ["near_fall"] if n % 3 == 0 else []
    sessions.log_session(
        ctx.at(at), dr, walker.id, session_data(f"s{n}", at, adverse_events=events)
    )
    if n % 2 == 0 and not events:
        checkins.morning_checkin(ctx.at(at + timedelta(days=1)), dr, walker.id, morning(at))
    return walker.id


def test_the_list_flags_and_one_walkers_page_do_not_grow_with_walkers(ctx: AppContext) -> None:
    from retrowalk.services import accounts

    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    later = ctx.at(T0 + timedelta(days=3))
    ids = [_walker_with_a_record(ctx, dr, n) for n in range(10)]

    def cold(call: Callable[[], object]) -> int:
        later.flag_cache.clear()  # as after a restart: every walker's flags computed
        return statements_of(later, call)

    def counts() -> tuple[int, ...]:
        return (
            cold(lambda: clinician.walker_flags(later, dr)),
            cold(lambda: clinician.walker_flags(later, admin)),
            # kept from the call before: nobody's record changed
            statements_of(later, lambda: clinician.walker_flags(later, admin)),
            statements_of(later, lambda: clinician.walker_flag(later, dr, ids[3])),
            statements_of(later, lambda: walkers.list_walkers(later, dr)),
        )

    at_10 = counts()
    rows = clinician.walker_flags(later, dr)
    assert len(rows) == 10
    assert any(row.restrictions for row in rows)  # the near-falls supervise
    ids += [_walker_with_a_record(ctx, dr, n) for n in range(10, 100)]
    assert len(clinician.walker_flags(later, dr)) == 100
    assert counts() == at_10


def _grow_own_history(ctx: AppContext, walker_id: int, account_id: int, total: int) -> None:
    """Bulk-load the walker's own uneventful sessions (each with its check-in and audit
    entry) up to ``total``, long before today: what years of use leave behind."""
    with ctx.db.transaction() as tx:
        have = repo.count_sessions(tx, walker_id)
        first = T0 - timedelta(days=total + 10)
        rows = []
        for n in range(total - have):
            at = first + timedelta(days=n)
            rows.append(
                {
                    "walker_id": walker_id,
                    "client_key": f"old-{n}",
                    "prescription_id": None,
                    "performed_at": at,
                    "local_date": at.date(),
                    "logged_at": at,
                    "duration_min": 10.0,
                    "speed_m_s": 0.7,
                    "distance_m": None,
                    "incline_pct": 0.0,
                    "surface": "flat_clear_known_path",
                    "supervised": n % 2 == 0,
                    "pain_before_nprs": 2,
                    "pain_peak_nprs": 2,
                    "pain_after_nprs": 2,
                    "effort_cr10": 3,
                    "adverse_events": [],
                    "completed": True,
                    "note": None,
                    "steps": None,
                    "recorded_by": account_id,
                }
            )
        tx.execute(insert(WalkSession), rows)
        added = tx.execute(
            select(WalkSession.id, WalkSession.local_date, WalkSession.performed_at).where(
                WalkSession.walker_id == walker_id, WalkSession.client_key.like("old-%")
            )
        ).all()
        tx.execute(
            insert(Checkin),
            [
                {
                    "walker_id": walker_id,
                    "session_id": sid,
                    "created_at": performed + timedelta(hours=22),
                    "local_date": day + timedelta(days=1),
                    "pain_nprs": 2,
                    "stiffness_nprs": 2,
                    "report_missing": False,
                    "red_flags": [],
                    "usual_pain_nprs": 2.0,
                    "decision": "hold",
                    "next_prescription_id": None,
                    "recorded_by": account_id,
                }
                for sid, day, performed in added
            ],
        )
        tx.execute(
            insert(AuditEntry),
            [
                {
                    "at": performed,
                    "actor_account_id": account_id,
                    "actor_role": "clinician",
                    "action": "session.log",
                    "entity": "session",
                    "entity_id": sid,
                    "walker_id": walker_id,
                    "detail_json": {},
                }
                for sid, _, performed in added
            ],
        )


def _walker_with_twelve_weeks(ctx: AppContext) -> tuple[Actor, int]:
    """A clinician and her planned walker with 42 sessions, one every other day or so."""
    from retrowalk.services import accounts

    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    for day in range(42):
        at = T0 + timedelta(days=day, hours=1)
        sessions.log_session(ctx.at(at), dr, walker.id, session_data(f"k{day}", at))
    return dr, walker.id


def test_today_and_logging_do_not_grow_with_the_walkers_own_history(ctx: AppContext) -> None:
    dr, walker_id = _walker_with_twelve_weeks(ctx)
    now = T0 + timedelta(days=43)
    moment = ctx.at(now)
    counter = iter(range(1_000))

    def today() -> object:
        return plans.todays_prescription(moment, dr, walker_id)

    def log() -> object:
        n = next(counter)
        at = now - timedelta(minutes=n)
        return sessions.log_session(moment, dr, walker_id, session_data(f"n{n}", at))

    def afresh(call: Callable[[], object]) -> int:
        ctx.record_cache.clear()  # the record read, not the one kept (services.record_cache)
        return statements_of(ctx, call)

    def counts() -> tuple[int, int, int, int]:
        return (
            afresh(today),
            statements_of(ctx, today),  # the record kept
            afresh(log),
            statements_of(ctx, lambda: clinician.walker_flag(moment, dr, walker_id)),
        )

    log()  # the first log of the day decides yesterday's unreported session: not the same work
    at_42 = counts()
    _grow_own_history(ctx, walker_id, dr.account_id, 1_000)
    with ctx.db.reader() as tx:
        assert repo.count_sessions(tx, walker_id) >= 1_000
    assert counts() == at_42


def test_adverse_sessions_are_read_from_their_partial_index(sqlite_url: str) -> None:
    """SQLite's plan for the sessions that reported an adverse event uses the partial index,
    so uneventful sessions are never read (PostgreSQL chooses by table size)."""
    from retrowalk.store import open_database

    db = open_database(sqlite_url)
    try:
        with db.reader() as tx:
            for query, index in (
                (
                    select(WalkSession.id).where(
                        WalkSession.walker_id == 1, repo.ADVERSE_EVENTS_REPORTED
                    ),
                    "ix_sessions_walker_adverse",
                ),
                (
                    select(Checkin.id).where(Checkin.walker_id == 1, repo.RED_FLAGS_REPORTED),
                    "ix_checkins_walker_red_flags",
                ),
            ):
                compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
                plan = tx.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
                assert index in " ".join(str(row) for row in plan)
    finally:
        db.dispose()


SESSION_NAMES = ("sessions", "last_session", "keyed_session")
"""The names the sessions table goes by in the statements of today and logging."""


def test_today_and_logging_read_the_sessions_by_index_steps_only(sqlite_url: str) -> None:
    """On SQLite every statement of "today" and of logging a session finds the walker's
    sessions by an index step, never by reading or sorting all of them: the last session
    by the (walker, date, time) index, even on a day with hundreds of sessions (a paper
    diary entered at once); the newest counted steps by the partial index of sessions with
    steps, even when thousands have none (the planner has no statistics to see that alone).
    PostgreSQL chooses by table statistics, so its plans are not asserted."""
    from retrowalk.services import accounts
    from retrowalk.services.context import build_context

    ctx = build_context(sqlite_url)
    try:
        admin = accounts.ensure_local_admin(ctx)
        dr = make_clinician(ctx, admin, "dr@example.org")
        walker = planned_walker(ctx, dr)
        _grow_own_history(ctx, walker.id, dr.account_id, 2_000)
        day = T0 + timedelta(days=1)
        for n in range(300):
            at = day + timedelta(minutes=n)
            sessions.log_session(ctx.at(at), dr, walker.id, session_data(f"d{n}", at))
        moment = ctx.at(day + timedelta(hours=8))
        sent: list[tuple[str, Any]] = []

        def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            sent.append((statement, parameters))

        event.listen(ctx.db.engine, "before_cursor_execute", keep)
        try:
            plans.todays_prescription(moment, dr, walker.id)
            sessions.log_session(moment, dr, walker.id, session_data("last", day))
        finally:
            event.remove(ctx.db.engine, "before_cursor_execute", keep)
        reads = [(s, p) for s, p in sent if s.lstrip().startswith("SELECT") and "sessions" in s]
        assert len(reads) == 2  # today's and logging's one statement each (walker_day)
        with ctx.db.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            for statement, parameters in reads:
                plan = [
                    row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                ]
                on_sessions = [
                    step
                    for step in plan
                    if any(f" {name} " in f"{step} " for name in SESSION_NAMES)
                ]
                assert not any(step.startswith("SCAN") for step in on_sessions), plan
                assert not any("RIGHT PART OF ORDER BY" in step for step in plan), plan
                if "steps IS NOT NULL" in statement:
                    assert any("ix_sessions_walker_steps" in step for step in on_sessions), plan
    finally:
        ctx.db.dispose()


def _steps_of_reads(ctx: AppContext, call: Callable[[], object]) -> int:
    """How much work SQLite does for the reads ``call`` sends: each SELECT run again on its
    own, counting the virtual machine's steps (a progress handler called at every step).
    A count of work, not a time: it grows when a statement reads more rows."""
    sent: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(ctx.db.engine, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", keep)
    steps = 0

    def step() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    with ctx.db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        for statement, parameters in sent:
            if statement.lstrip().startswith("SELECT"):
                raw.set_progress_handler(step, 1)
                try:
                    raw.execute(statement, parameters).fetchall()
                finally:
                    raw.set_progress_handler(None, 1)
    return steps


def test_today_and_logging_do_as_much_work_with_2000_sessions_as_with_42(
    sqlite_url: str,
) -> None:
    """The statements not growing is not enough: one statement can read the walker's whole
    history (the red-flag questions still unasked once read every check-in she ever gave).
    SQLite's steps for the reads of "today" (the record read afresh) and of logging a
    session stay within 1.5 times when her own history grows from 42 sessions to 2,000."""
    from retrowalk.services.context import build_context

    ctx = build_context(sqlite_url)
    try:
        dr, walker_id = _walker_with_twelve_weeks(ctx)
        now = T0 + timedelta(days=43)
        moment = ctx.at(now)
        counter = iter(range(100))

        def today() -> object:
            ctx.record_cache.clear()
            return plans.todays_prescription(moment, dr, walker_id)

        def log() -> object:
            n = next(counter)
            at = now - timedelta(minutes=n)
            return sessions.log_session(moment, dr, walker_id, session_data(f"n{n}", at))

        log()  # the first of the day decides yesterday's session: not the steady state
        at_42 = (_steps_of_reads(ctx, today), _steps_of_reads(ctx, log))
        _grow_own_history(ctx, walker_id, dr.account_id, 2_000)
        at_2000 = (_steps_of_reads(ctx, today), _steps_of_reads(ctx, log))
        assert at_2000[0] <= 1.5 * at_42[0], (at_42, at_2000)
        assert at_2000[1] <= 1.5 * at_42[1], (at_42, at_2000)
    finally:
        ctx.db.dispose()
