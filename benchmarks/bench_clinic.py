"""The clinician's walker list (``/clinician``), ``/api/v1/flags`` and one walker's page
(``/clinician/walkers/{id}``) at 10, 100 and 1,000 walkers: time and SQL statements.

The peer is the same request at 10 walkers: the statements must be the same at 1,000, and
issue 11 asks ≤ 200 ms at 1,000 walkers on both databases. One template walker is made
through the services (screened, assessed, a plan, sessions — one with a near-fall — and
check-ins); the others are copies of its rows (bulk insert, new ids), all the clinician's.
Requests go through the whole app in process (Starlette's TestClient: routing, sign-in,
rendering), counted with SQLAlchemy's ``before_cursor_execute``. Medians of ``REPEATS``.
The list and the flags are measured three times: as a clinician meets them (each walker's
flags kept from the load before while their record is unchanged, ``services.flag_cache``, and
prepared in the background by the server's ``services.list_keeper``), on a new day (the
records kept, the date's part computed) and cold (every walker computed, as after a restart
before the keeper's first run).

``RETROWALK_BENCH_CLINIC_AGAINST=/path/to/other/src`` measures instead the list's service call
(``clinician.walker_flags``) of that tree against this one, alternately in one process on the
same 1,000 walkers (:func:`compare_trees`): on a shared, loaded machine two runs minutes apart
differ by more than a change does, so what is reported is each round's ratio, in CPU time
of the calling thread (on PostgreSQL the server's own work is left out of it, so the wall
time is given too).
"""

from __future__ import annotations

import gc
import importlib
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, func, insert, select, text

from benchmarks.bench_store import MORE_NO, on_each_database
from retrowalk.services import (
    accounts,
    assessments,
    checkins,
    plans,
    screening,
    sessions,
    sign_ins,
    walkers,
)
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.schemas import AccountIn, Actor, Role
from retrowalk.store.models import Base

SIZES = (10, 100, 1_000)
REPEATS = int(os.environ.get("RETROWALK_BENCH_CLINIC_REPEATS", "5"))
AGAINST = os.environ.get("RETROWALK_BENCH_CLINIC_AGAINST", "")
ROUNDS = 4
"""Rounds of :func:`compare_trees` (each tree measured once a round, in alternating order)."""
RECORD_TABLES = (
    "screenings",
    "assessments",
    "prescriptions",
    "sessions",
    "checkins",
    "clearances",
    "clinician_notes",
    "audit_log",
)
ENTITY_TABLE = {
    "screening": "screenings",
    "assessment": "assessments",
    "prescription": "prescriptions",
    "session": "sessions",
    "checkin": "checkins",
    "clearance": "clearances",
    "note": "clinician_notes",
}


def _template(ctx: AppContext, dr: Actor) -> int:
    now = datetime.now(UTC)
    start = ctx.at(now - timedelta(days=20))
    walker = walkers.enrol_walker(
        start,
        dr,
        {
            "email": "template@example.org",
            "display_name": "Template Walker",
            "age_years": 66,
            "sex": "female",
            "knee_condition": "oa",
            "knee_side": "left",
            "timezone": "UTC",
        },
    )
    no = {"fell_past_12_months": False, "feels_unsteady": False, "worries_about_falling": False}
    screening.screen_walker(
        start,
        dr,
        walker.id,
        {"used_to_activity": True, "parq": [False] * 7, "steadi": no, **MORE_NO},
    )
    assessments.record_assessment(
        start,
        dr,
        walker.id,
        {"tug_s": 9.0, "tandem_stance_s": 15, "chair_stand_count": 13, "backward_walk_3m_s": 4},
    )
    plans.make_plan(start, dr, walker.id)
    for day in range(10, 0, -2):
        at = now - timedelta(days=day)
        events = ["near_fall"] if day == 2 else []
        sessions.log_session(
            ctx.at(at),
            dr,
            walker.id,
            {
                "client_key": f"t-{day}",
                "performed_at": at,
                "duration_min": 10,
                "speed_m_s": 0.75,
                "surface": "flat_clear_known_path",
                "supervised": True,
                "pain_before_nprs": 2,
                "pain_peak_nprs": 3,
                "pain_after_nprs": 2,
                "effort_cr10": 4,
                "adverse_events": events,
            },
        )
        if not events:
            checkins.morning_checkin(
                ctx.at((at + timedelta(days=1)).replace(hour=8, minute=0)),  # next morning
                dr,
                walker.id,
                {"pain_nprs": 3, "stiffness_nprs": 2, "new_red_flags": []},
            )
    return walker.id


def _clone(ctx: AppContext, template_id: int, copies: int, first: int) -> None:
    """``copies`` more walkers whose rows are the template's (new ids, FKs remapped)."""
    tables: dict[str, Table] = dict(Base.metadata.tables)
    with ctx.db.transaction() as tx:
        walker = tx.execute(select(tables["walkers"]).where(text(f"id = {template_id}"))).one()
        account = tx.execute(
            select(tables["accounts"]).where(tables["accounts"].c.id == walker.account_id)
        ).one()
        rows = {
            name: [
                dict(r._mapping)
                for r in tx.execute(
                    select(tables[name])
                    .where(tables[name].c.walker_id == template_id)
                    .order_by(tables[name].c.id)
                )
            ]
            for name in RECORD_TABLES
        }
        base = {
            name: int(tx.scalar(select(func.max(tables[name].c.id))) or 0) + 1
            for name in ("accounts", "walkers", *RECORD_TABLES)
        }
        out: dict[str, list[dict[str, Any]]] = {name: [] for name in base}
        for k in range(copies):
            ids: dict[str, dict[int, int]] = {name: {} for name in base}

            def new_id(name: str, old: int, ids: dict[str, dict[int, int]] = ids) -> int:
                ids[name][old] = base[name]
                base[name] += 1
                return ids[name][old]

            a = dict(account._mapping)
            a.update(id=new_id("accounts", a["id"]), email=f"copy-{first + k}@example.org")
            a["display_name"] = f"Walker {first + k:04d}"
            out["accounts"].append(a)
            w = dict(walker._mapping)
            w.update(id=new_id("walkers", w["id"]), account_id=a["id"])
            out["walkers"].append(w)
            for name in RECORD_TABLES:
                if name == "audit_log":
                    continue
                for r in rows[name]:
                    c = dict(r, id=new_id(name, r["id"]), walker_id=w["id"])
                    for column, target in (
                        ("prescription_id", "prescriptions"),
                        ("session_id", "sessions"),
                        ("next_prescription_id", "prescriptions"),
                    ):
                        if c.get(column) is not None:
                            c[column] = ids[target][c[column]]
                    out[name].append(c)
            for r in rows["audit_log"]:
                c = dict(r, id=new_id("audit_log", r["id"]), walker_id=w["id"])
                kind = ENTITY_TABLE.get(c["entity"])
                if kind and c["entity_id"] in ids[kind]:
                    c["entity_id"] = ids[kind][c["entity_id"]]
                out["audit_log"].append(c)
        for name in ("accounts", "walkers", *RECORD_TABLES):
            if out[name]:
                tx.execute(insert(tables[name]), out[name])
        if ctx.db.backend == "postgresql":
            for name in ("accounts", "walkers", *RECORD_TABLES):
                tx.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )


def _median_ms(call: Callable[[], object], before: Callable[[], object] | None = None) -> float:
    """The median of ``REPEATS`` timed calls, after one untimed (``before``: untimed, each)."""
    call()
    times = []
    for _ in range(REPEATS):
        if before is not None:
            before()
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


PAGES = (
    ("list page", "/clinician"),
    ("/api/v1/flags", "/api/v1/flags"),
    ("list page, new day", "/clinician"),
    ("/api/v1/flags, new day", "/api/v1/flags"),
    ("list page, cold", "/clinician"),
    ("/api/v1/flags, cold", "/api/v1/flags"),
)
"""Each request measured; "new day": the kept flags are forgotten before each call but not
the kept records (as on the first load of a day, or five minutes after the last load without
the server's list keeper); "cold": both forgotten (as after a restart before the keeper ran,
or when every walker's record changed since the last load)."""


def _run(name: str, url: str) -> dict[tuple[str, int], tuple[float, int]]:
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from starlette.testclient import TestClient

    from retrowalk.web.app import create_app
    from retrowalk.web.gc_startup import freeze_startup_objects
    from retrowalk.web.passwords import hash_password

    ctx = build_context(url)
    admin = accounts.ensure_local_admin(ctx)
    out = accounts.create_account(
        ctx,
        admin,
        AccountIn(
            email="dr@example.org",
            display_name="Dr Bench",
            role=Role.CLINICIAN,
            password_hash=hash_password("bench-password-1"),
        ),
    )
    dr = Actor(account_id=out.id, role=Role.CLINICIAN)
    template = _template(ctx, dr)
    signed = sign_ins.start(ctx, dr.account_id)
    client = TestClient(create_app(ctx))
    client.cookies.set("retrowalk_session", signed.token)
    freeze_startup_objects()  # as ``retrowalk serve`` does once the app is built
    statements: list[str] = []
    event.listen(ctx.db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    results: dict[tuple[str, int], tuple[float, int]] = {}
    measured = (*PAGES, ("walker page", f"/clinician/walkers/{template}"))
    have = 1
    for size in SIZES:
        _clone(ctx, template, size - have, have)
        have = size
        if ctx.db.backend == "postgresql":
            with ctx.db.transaction() as tx:
                tx.execute(text("ANALYZE"))
        for what, path in measured:

            def get(path: str = path) -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            forget = {
                "cold": ctx.flag_cache.clear,
                "new day": ctx.flag_cache.flags.clear,
            }.get(what.rsplit(", ", 1)[-1])
            get()
            if forget is not None:
                forget()
            statements.clear()
            get()
            count = len(statements)
            results[(what, size)] = (_median_ms(get, forget), count)
        print(
            f"{name:10s} {size:>5,d} walkers: "
            + "; ".join(
                f"{what} {results[(what, size)][0]:7.1f} ms, {results[(what, size)][1]} statements"
                for what, _ in measured
            ),
            flush=True,
        )
    for what, _ in measured:
        (t10, n10), (t1k, n1k) = results[(what, 10)], results[(what, 1_000)]
        print(
            f"{name:10s} {what:22s}: 1,000 / 10 walkers: statements {n1k} / {n10}, time "
            f"{t1k / t10:.1f}x ({t1k:.0f} ms at 1,000; target ≤ 200 ms)"
        )
    ctx.db.dispose()
    return results


def _clinic(url: str, size: int) -> Actor:
    """A clinic of ``size`` copies of the template walker, all one clinician's."""
    ctx = build_context(url)
    admin = accounts.ensure_local_admin(ctx)
    out = accounts.create_account(
        ctx,
        admin,
        AccountIn(email="dr@example.org", display_name="Dr Bench", role=Role.CLINICIAN),
    )
    dr = Actor(account_id=out.id, role=Role.CLINICIAN)
    _clone(ctx, _template(ctx, dr), size - 1, 1)
    if ctx.db.backend == "postgresql":
        with ctx.db.transaction() as tx:
            tx.execute(text("ANALYZE"))
    ctx.db.dispose()
    return dr


def _load_tree(src: str) -> Any:
    """``retrowalk.services.clinician`` imported afresh from the tree at ``src`` (every
    ``retrowalk`` module forgotten first)."""
    for name in [m for m in sys.modules if m == "retrowalk" or m.startswith("retrowalk.")]:
        del sys.modules[name]
    sys.path.insert(0, src)
    try:
        importlib.invalidate_caches()
        module = importlib.import_module("retrowalk.services.clinician")
    finally:
        sys.path.remove(src)
    if not str(module.__file__).startswith(src):
        raise RuntimeError(f"{module.__file__} is not from {src}")
    return module


STATES = ("kept", "new day", "cold")


def compare_trees(name: str, url: str, trees: dict[str, str], size: int = 1_000) -> None:
    """The list's service call of each tree (``{label: src folder}``) on one clinic of
    ``size`` walkers, in turns in this process: for each state, the fastest of ``REPEATS``
    calls in each round, in CPU time of this thread and wall time, and each round's ratio
    of the first tree to the second."""
    dr = _clinic(url, size)
    found: dict[tuple[str, str], list[tuple[float, float]]] = {}
    labels = list(trees)
    for round_ in range(ROUNDS):
        for label in labels if round_ % 2 == 0 else labels[::-1]:
            module = _load_tree(trees[label])
            context = importlib.import_module("retrowalk.services.context")
            schemas = importlib.import_module("retrowalk.services.schemas")
            ctx = context.build_context(url, migrate=False)
            actor = schemas.Actor(account_id=dr.account_id, role=schemas.Role.CLINICIAN)
            module.walker_flags(ctx, actor)
            gc.collect()
            gc.freeze()  # as ``retrowalk serve`` does once the app is built
            forget = {"kept": lambda: None, "new day": ctx.flag_cache.flags.clear}
            for state in STATES:
                times = []
                for _ in range(REPEATS):
                    forget.get(state, ctx.flag_cache.clear)()
                    cpu, wall = time.thread_time(), time.perf_counter()
                    module.walker_flags(ctx, actor)
                    times.append((time.thread_time() - cpu, time.perf_counter() - wall))
                found.setdefault((label, state), []).append(min(times))
            gc.unfreeze()
            ctx.db.dispose()
    first, second = labels
    for state in STATES:
        a, b = found[(first, state)], found[(second, state)]
        ratios = [x[0] / y[0] for x, y in zip(a, b, strict=True)]
        print(
            f"{name:10s} {state:8s} {size:,} walkers: CPU {first} "
            f"{statistics.median(x[0] for x in a) * 1e3:6.1f} ms, {second} "
            f"{statistics.median(y[0] for y in b) * 1e3:6.1f} ms (wall "
            f"{statistics.median(x[1] for x in a) * 1e3:.0f} / "
            f"{statistics.median(y[1] for y in b) * 1e3:.0f} ms); {first}/{second} by round "
            + " ".join(f"{r:.2f}" for r in ratios)
            + f", median {statistics.median(ratios):.2f}",
            flush=True,
        )


def main() -> None:
    if AGAINST:
        here = str(Path(__file__).resolve().parents[1] / "src")
        trees = {"other": str(Path(AGAINST).resolve()), "this": here}
        on_each_database(lambda name, url: compare_trees(name, url, trees), "clinic-compare.sqlite")
        return
    on_each_database(_run, "clinic.sqlite")


if __name__ == "__main__":
    main()
