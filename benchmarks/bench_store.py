"""The cost of "today", logging a session and a 12-week history as the MEASURED walker's own
history grows (42 → 1,000 → 10,000 of her sessions, each with its morning check-in and audit
entry), on SQLite and PostgreSQL. The named peer is the same call with 42 sessions: a ratio
near 1 means no request reads the walker's whole history (issue 11 asks ≤ 1.5).

Her older sessions are bulk-loaded directly, long before today; every timed call goes through
the services, as the CLI and the web app do. Medians of ``REPEATS`` calls, never the best.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from retrowalk.services import accounts, assessments, history, plans, screening, sessions, walkers
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.schemas import Actor
from retrowalk.store.models import AuditEntry, Checkin, WalkSession

MORE_NO = {
    "fever_or_unwell": False,
    "uses_walking_aid": False,
    "takes_anticoagulant": False,
    "recent_knee_surgery": False,
    "red_flags": [],
}
SIZES = (42, 1_000, 10_000)
REPEATS = int(os.environ.get("RETROWALK_BENCH_STORE_REPEATS", "15"))
NOW = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get(
    "RETROWALK_TEST_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)


def median_s(call: Callable[[], object], repeat: int = REPEATS) -> float:
    """The median of ``repeat`` timed calls after one untimed (never the best of them)."""
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _target_walker(ctx: AppContext) -> tuple[Actor, int]:
    """A walker with a plan and 42 sessions logged through the services (12 weeks)."""
    admin = accounts.ensure_local_admin(ctx)
    start = ctx.at(NOW - timedelta(days=90))
    walker = walkers.enrol_walker(
        start,
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
    )
    no = {"fell_past_12_months": False, "feels_unsteady": False, "worries_about_falling": False}
    screening.screen_walker(
        start,
        admin,
        walker.id,
        {"used_to_activity": True, "parq": [False] * 7, "steadi": no, **MORE_NO},
    )
    assessments.record_assessment(
        start, admin, walker.id, {"tug_s": 9.0, "backward_walk_3m_s": 4.0}
    )
    plans.make_plan(start, admin, walker.id)
    for day in range(0, 84, 2):
        at = NOW - timedelta(days=84 - day)
        sessions.log_session(ctx.at(at), admin, walker.id, _session(f"target-{day}", at))
    return admin, walker.id


def _session(key: str, at: datetime) -> dict[str, object]:
    return {
        "client_key": key,
        "performed_at": at,
        "duration_min": 10,
        "speed_m_s": 0.75,
        "surface": "flat_clear_known_path",
        "supervised": True,
        "pain_before_nprs": 2,
        "pain_peak_nprs": 2,
        "pain_after_nprs": 2,
        "effort_cr10": 4,
    }


def grow_own_history(ctx: AppContext, walker_id: int, recorder: int, start: int, stop: int) -> None:
    """Add the walker's own older sessions ``start..stop`` (each with its check-in and audit
    entry), every one long before the 12 weeks shown: years of use (bulk insert)."""
    first = NOW - timedelta(days=90 + 3 * stop)
    rows = []
    for n in range(start, stop):
        at = first + timedelta(hours=7 * n)
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
                "recorded_by": recorder,
            }
        )
    with ctx.db.transaction() as tx:
        tx.execute(insert(WalkSession), rows)
        keys = [r["client_key"] for r in rows]
        added: list[Any] = []
        for chunk in range(0, len(keys), 500):
            added += tx.execute(
                select(WalkSession.id, WalkSession.local_date, WalkSession.performed_at).where(
                    WalkSession.walker_id == walker_id,
                    WalkSession.client_key.in_(keys[chunk : chunk + 500]),
                )
            ).all()
        tx.execute(
            insert(Checkin),
            [
                {
                    "walker_id": walker_id,
                    "session_id": sid,
                    "created_at": performed + timedelta(hours=6),
                    "local_date": day,
                    "pain_nprs": 2,
                    "stiffness_nprs": 2,
                    "report_missing": False,
                    "red_flags": [],
                    "usual_pain_nprs": 2.0,
                    "decision": "hold",
                    "next_prescription_id": None,
                    "recorded_by": recorder,
                }
                for sid, day, performed in added
            ],
        )
        tx.execute(
            insert(AuditEntry),
            [
                {
                    "at": performed,
                    "actor_account_id": recorder,
                    "actor_role": "admin",
                    "action": "session.log",
                    "entity": "session",
                    "entity_id": sid,
                    "walker_id": walker_id,
                    "detail_json": {},
                }
                for sid, _, performed in added
            ],
        )


def _run(name: str, url: str) -> dict[str, float]:
    ctx = build_context(url)
    admin, walker_id = _target_walker(ctx)
    now = ctx.at(NOW)
    counter = iter(range(10**6))

    def log() -> None:
        n = next(counter)
        at = NOW - timedelta(minutes=n + 1)
        sessions.log_session(now, admin, walker_id, _session(f"bench-{n}", at))

    log()  # the first of the day decides the last unreported session: not the steady state
    results: dict[str, float] = {}
    loaded = 42
    for size in SIZES:
        if size > loaded:
            grow_own_history(ctx, walker_id, admin.account_id, loaded, size)
            loaded = size
        if ctx.db.backend == "postgresql":
            with ctx.db.transaction() as s:
                s.execute(text("ANALYZE"))
        results[f"today_{size}"] = median_s(
            lambda: plans.todays_prescription(now, admin, walker_id)
        )
        results[f"log_{size}"] = median_s(log)
        results[f"history_{size}"] = median_s(
            lambda: history.walker_history(now, admin, walker_id, weeks=12)
        )
        print(
            f"{name:10s} {size:>6,d} own sessions: today {results[f'today_{size}'] * 1e3:6.2f} "
            f"ms, log {results[f'log_{size}'] * 1e3:6.2f} ms, 12-week history "
            f"{results[f'history_{size}'] * 1e3:6.2f} ms (medians of {REPEATS})",
            flush=True,
        )
    for kind in ("today", "log", "history"):
        print(
            f"{name:10s} {kind:7s}: 10,000 / 42 own sessions = "
            f"{results[f'{kind}_10000'] / results[f'{kind}_42']:.2f}, 1,000 / 42 = "
            f"{results[f'{kind}_1000'] / results[f'{kind}_42']:.2f} (target ≤ 1.5)"
        )
    ctx.db.dispose()
    return results


def postgres_schema() -> tuple[str, Callable[[], None]] | None:
    """A URL in a new PostgreSQL schema and the function that drops it (None: no server)."""
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


def on_each_database(
    run: Callable[[str, str], object],
    file_name: str,
    names: Sequence[str] = ("sqlite", "postgresql"),
) -> None:
    """``run(name, url)`` on a new SQLite file, then in a new PostgreSQL schema (dropped after;
    skipped with a line when no server answers)."""
    if "sqlite" in names:
        with tempfile.TemporaryDirectory() as folder:
            run("sqlite", f"sqlite+pysqlite:///{Path(folder) / file_name}")
    if "postgresql" not in names:
        return
    pg = postgres_schema()
    if pg is None:
        return
    url, drop = pg
    try:
        run("postgresql", url)
    finally:
        drop()


def main() -> None:
    on_each_database(_run, "bench.sqlite")


if __name__ == "__main__":
    main()
