"""Query cost of "today" and a 12-week history as the sessions table grows (1 k → 100 k),
and the cost of logging one session on PostgreSQL against SQLite (the named peer).

The filler rows (other walkers and their sessions) are bulk-loaded directly for speed; every
timed call goes through the services, as the CLI and the web app do. Indexes on
``(walker_id, local_date)`` should keep the 100 k / 1 k ratio near 1.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from retrowalk.services import (
    accounts,
    assessments,
    history,
    plans,
    screening,
    sessions,
    walkers,
)
from retrowalk.services.schemas import Actor
from retrowalk.store import Database, open_database
from retrowalk.store.models import Account, Walker, WalkSession

SIZES = (1_000, 10_000, 100_000)
SESSIONS_PER_FILLER_WALKER = 100
NOW = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get(
    "RETROWALK_TEST_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)


def _best_s(call: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` calls: like ``timeit``, the least disturbed by other load."""
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def _target_walker(db: Database) -> tuple[Actor, int]:
    admin = accounts.ensure_local_admin(db)
    start = NOW - timedelta(days=90)
    walker = walkers.enrol_walker(
        db,
        admin,
        {
            "email": "target@example.org",
            "display_name": "Target",
            "age_years": 66,
            "sex": "female",
            "knee_condition": "oa",
            "knee_side": "left",
            "timezone": "Europe/London",
        },
        now=start,
    )
    no = {"fell_past_12_months": False, "feels_unsteady": False, "worries_about_falling": False}
    screening.screen_walker(
        db,
        admin,
        walker.id,
        {"used_to_activity": True, "parq": [False] * 7, "steadi": no},
        now=start,
    )
    assessments.record_assessment(
        db, admin, walker.id, {"tug_s": 9.0, "backward_walk_3m_s": 4.0}, now=start
    )
    plans.make_plan(db, admin, walker.id, now=start)
    for day in range(0, 84, 2):
        at = NOW - timedelta(days=84 - day)
        sessions.log_session(
            db,
            admin,
            walker.id,
            {
                "client_key": f"target-{day}",
                "performed_at": at,
                "duration_min": 10,
                "speed_m_s": 0.75,
                "surface": "flat_clear_known_path",
                "supervised": True,
                "pain_before_nprs": 2,
                "pain_peak_nprs": 2,
                "pain_after_nprs": 2,
                "effort_cr10": 4,
            },
            now=at,
        )
    return admin, walker.id


def _fill(db: Database, start: int, stop: int, admin_id: int) -> None:
    """Add filler sessions ``start..stop`` for other walkers (bulk insert, no services)."""
    created = datetime(2025, 1, 1, tzinfo=UTC)
    first_walker = start // SESSIONS_PER_FILLER_WALKER
    last_walker = (stop - 1) // SESSIONS_PER_FILLER_WALKER
    with db.transaction() as s:
        walker_ids = {}
        for n in range(first_walker, last_walker + 1):
            account = Account(
                email=f"filler-{n}@example.org",
                display_name=f"Filler {n}",
                role="walker",
                created_at=created,
            )
            s.add(account)
            s.flush()
            walker = Walker(
                account_id=account.id,
                age_years=65,
                sex="female",
                knee_condition="oa",
                knee_side="left",
                timezone="UTC",
                created_at=created,
            )
            s.add(walker)
            s.flush()
            walker_ids[n] = walker.id
        rows = []
        for i in range(start, stop):
            day = date(2025, 6, 1) + timedelta(days=i % 300)
            rows.append(
                {
                    "walker_id": walker_ids[i // SESSIONS_PER_FILLER_WALKER],
                    "client_key": f"f-{i}",
                    "prescription_id": None,
                    "performed_at": datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
                    "local_date": day,
                    "logged_at": created,
                    "duration_min": 10.0,
                    "speed_m_s": 0.7,
                    "distance_m": None,
                    "incline_pct": 0.0,
                    "surface": "treadmill",
                    "supervised": True,
                    "pain_before_nprs": 2,
                    "pain_peak_nprs": 2,
                    "pain_after_nprs": 2,
                    "effort_cr10": 3,
                    "adverse_events": [],
                    "completed": True,
                    "note": None,
                    "recorded_by": admin_id,
                }
            )
        s.execute(insert(WalkSession), rows)


def _log_one_s(db: Database, admin: Actor, walker_id: int, tag: str) -> float:
    counter = iter(range(1_000_000))

    def log() -> None:
        n = next(counter)
        sessions.log_session(
            db,
            admin,
            walker_id,
            {
                "client_key": f"bench-{tag}-{n}",
                "performed_at": NOW - timedelta(minutes=n),
                "duration_min": 10,
                "speed_m_s": 0.75,
                "surface": "flat_clear_known_path",
                "supervised": True,
                "pain_before_nprs": 2,
                "pain_peak_nprs": 2,
                "pain_after_nprs": 2,
                "effort_cr10": 4,
            },
            now=NOW,
        )

    return _best_s(log, 40)


def _run(name: str, url: str) -> dict[str, float]:
    db = open_database(url)
    admin, walker_id = _target_walker(db)
    results: dict[str, float] = {}
    loaded = 0
    for size in SIZES:
        _fill(db, loaded, size, admin.account_id)
        loaded = size
        if db.backend == "postgresql":
            with db.transaction() as s:
                s.execute(text("ANALYZE"))
        today_s = _best_s(lambda: plans.todays_prescription(db, admin, walker_id, now=NOW), 30)
        history_s = _best_s(
            lambda: history.walker_history(db, admin, walker_id, weeks=12, now=NOW), 15
        )
        results[f"today_{size}"] = today_s
        results[f"history_{size}"] = history_s
        print(
            f"{name:10s} {size:>7,d} sessions: today {today_s * 1e3:7.2f} ms, "
            f"12-week history {history_s * 1e3:7.2f} ms (best of 30 / 15)",
            flush=True,
        )
    results["log"] = _log_one_s(db, admin, walker_id, name)
    print(f"{name:10s} log one session: {results['log'] * 1e3:.2f} ms (best of 40)")
    db.dispose()
    return results


def _postgres_schema() -> tuple[str, Callable[[], None]] | None:
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(POSTGRES_URL)
        conn = psycopg.connect(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database,
            autocommit=True,
            connect_timeout=5,
        )
    except Exception as exc:
        print(f"PostgreSQL skipped: no PostgreSQL at {POSTGRES_URL}: {exc}")
        return None
    schema = f"rw_bench_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.close()

    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}", drop


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sqlite = _run("sqlite", f"sqlite+pysqlite:///{Path(folder) / 'bench.sqlite'}")
    for kind in ("today", "history"):
        ratio = sqlite[f"{kind}_100000"] / sqlite[f"{kind}_1000"]
        print(f"sqlite     {kind}: 100 k / 1 k = {ratio:.2f} (near 1: served by indexes)")
    pg = _postgres_schema()
    if pg is None:
        return
    url, drop = pg
    try:
        postgres = _run("postgresql", url)
    finally:
        drop()
    for kind in ("today", "history"):
        ratio = postgres[f"{kind}_100000"] / postgres[f"{kind}_1000"]
        print(f"postgresql {kind}: 100 k / 1 k = {ratio:.2f} (near 1: served by indexes)")
    print(
        f"log one session: PostgreSQL / SQLite = {postgres['log'] / sqlite['log']:.2f} "
        f"(SQLite {sqlite['log'] * 1e3:.2f} ms, PostgreSQL {postgres['log'] * 1e3:.2f} ms)"
    )


if __name__ == "__main__":
    main()
