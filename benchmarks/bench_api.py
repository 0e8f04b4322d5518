"""The API's "log a session" and "today" against a bare Starlette app on the same database.

The named peer is :mod:`benchmarks.bare_app`: the same session and audit rows inserted (same
pragmas, BEGIN IMMEDIATE on SQLite), the same plan row and count read, with no sign-in, no
checks and no clinical rules. Both are served by uvicorn (1 and 2 worker processes) on SQLite
and PostgreSQL and driven over real sockets by asyncio + httpx clients on the same machine:

- closed loop: 1, 10 and 100 clients, each sending its next request when the last one is
  answered; throughput and p50/p95/p99 latency, medians of ``REPEATS`` runs (never the best);
- open loop: Poisson arrivals at half the bare app's best closed-loop throughput; latency
  counted from each request's arrival time, so a queue shows.

Each client is a different walker signed in through the sign-in store (a real cookie and
CSRF token). ``RETROWALK_BENCH_API_SECONDS`` (default 1.0) and ``RETROWALK_BENCH_API_REPEATS``
(default 3) set the length; ``RETROWALK_BENCH_API_DATABASES`` (``sqlite,postgresql``) and
``RETROWALK_BENCH_API_WORKERS`` (``1,2``) what is run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from benchmarks.bare_app import URL_ENV
from benchmarks.bench_store import MORE_NO, on_each_database
from retrowalk.services import accounts, assessments, plans, screening, sign_ins, walkers
from retrowalk.services.context import build_context
from retrowalk.store.config import DATABASE_URL_ENV
from retrowalk.store.models import Prescription
from retrowalk.web.http_protocol import PROTOCOL as NO_DELAY_PROTOCOL

CLIENTS = (1, 10, 100)
SECONDS = float(os.environ.get("RETROWALK_BENCH_API_SECONDS", "1.0"))
REPEATS = int(os.environ.get("RETROWALK_BENCH_API_REPEATS", "3"))
DATABASES = os.environ.get("RETROWALK_BENCH_API_DATABASES", "sqlite,postgresql").split(",")
WORKERS = tuple(int(n) for n in os.environ.get("RETROWALK_BENCH_API_WORKERS", "1,2").split(","))
OPEN_LOOP_SECONDS = 3 * SECONDS
SESSION = {
    "duration_min": 10,
    "speed_m_s": 0.7,
    "surface": "treadmill_with_handrails",
    "supervised": True,
    "pain_before_nprs": 2,
    "pain_peak_nprs": 2,
    "pain_after_nprs": 2,
    "effort_cr10": 4,
}


@dataclass(frozen=True)
class Client:
    walker_id: int
    cookie: str
    csrf: str


def _prepare(url: str, count: int) -> list[Client]:
    """``count`` walkers, each screened, assessed and with a plan, and signed in."""
    ctx = build_context(url)
    admin = accounts.ensure_local_admin(ctx)
    start = ctx.at(datetime.now(UTC) - timedelta(days=1))
    no = {"fell_past_12_months": False, "feels_unsteady": False, "worries_about_falling": False}
    found = []
    for n in range(count):
        walker = walkers.enrol_walker(
            start,
            admin,
            {
                "email": f"api-{n}@example.org",
                "display_name": f"Walker {n}",
                "age_years": 66,
                "sex": "female",
                "knee_condition": "oa",
                "knee_side": "left",
                "timezone": "UTC",
            },
        )
        screening.screen_walker(
            start,
            admin,
            walker.id,
            {"used_to_activity": True, "parq": [False] * 7, "steadi": no, **MORE_NO},
        )
        assessments.record_assessment(
            start,
            admin,
            walker.id,
            {"tug_s": 9.0, "tandem_stance_s": 15, "chair_stand_count": 13, "backward_walk_3m_s": 4},
        )
        plans.make_plan(start, admin, walker.id)
        signed = sign_ins.start(ctx, walker.account_id, walker_id=walker.id)
        found.append(Client(walker.id, signed.token, signed.sign_in.csrf_token))
    with ctx.db.reader() as tx:
        assert tx.query(Prescription).count() == count
    ctx.db.dispose()
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _server(app: str, url: str, workers: int) -> Iterator[str]:
    """uvicorn serving ``app`` ("retrowalk" or "bare") in its own process(es)."""
    port = _free_port()
    factory = (
        "retrowalk.web.app:app_from_environment"
        if app == "retrowalk"
        else "benchmarks.bare_app:app_from_environment"
    )
    env = {**os.environ, DATABASE_URL_ENV: url, URL_ENV: url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            factory,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
            "--timeout-keep-alive",
            "60",
            "--backlog",
            "4096",
            "--http",
            NO_DELAY_PROTOCOL,
        ],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{app} did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


Request = Callable[[httpx.AsyncClient, Client, int], Awaitable[httpx.Response]]


def _requests(app: str, op: str, tag: str) -> Request:
    async def retrowalk_log(http: httpx.AsyncClient, c: Client, n: int) -> httpx.Response:
        return await http.post(
            f"/api/v1/walkers/{c.walker_id}/sessions",
            json={**SESSION, "client_key": f"{tag}-{n}"},
            headers={"X-CSRF-Token": c.csrf},
            cookies={"retrowalk_session": c.cookie},
        )

    async def retrowalk_today(http: httpx.AsyncClient, c: Client, n: int) -> httpx.Response:
        return await http.get(
            f"/api/v1/walkers/{c.walker_id}/today", cookies={"retrowalk_session": c.cookie}
        )

    async def bare_log(http: httpx.AsyncClient, c: Client, n: int) -> httpx.Response:
        return await http.post(f"/log/{c.walker_id}", json={**SESSION, "client_key": f"{tag}-{n}"})

    async def bare_today(http: httpx.AsyncClient, c: Client, n: int) -> httpx.Response:
        return await http.get(f"/today/{c.walker_id}")

    return {
        ("retrowalk", "log"): retrowalk_log,
        ("retrowalk", "today"): retrowalk_today,
        ("bare", "log"): bare_log,
        ("bare", "today"): bare_today,
    }[(app, op)]


@dataclass(frozen=True)
class Run:
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int


def _run(latencies: list[float], seconds: float, errors: int) -> Run:
    if not latencies:
        return Run(0.0, float("nan"), float("nan"), float("nan"), errors)
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return Run(len(latencies) / seconds, q[49] * 1e3, q[94] * 1e3, q[98] * 1e3, errors)


def _median(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.throughput for r in runs),
        statistics.median(r.p50_ms for r in runs),
        statistics.median(r.p95_ms for r in runs),
        statistics.median(r.p99_ms for r in runs),
        sum(r.errors for r in runs),
    )


_counter = iter(range(10**9))


async def _send(request: Request, http: httpx.AsyncClient, client: Client) -> bool:
    """One request; False for an error status or a dropped connection (counted, not fatal)."""
    try:
        response = await request(http, client, next(_counter))
    except httpx.TransportError:
        return False
    return response.status_code < 400


async def _closed(base: str, request: Request, clients: list[Client], seconds: float) -> Run:
    """Each client sends its next request when the last one is answered."""
    limits = httpx.Limits(max_connections=len(clients) + 5, max_keepalive_connections=len(clients))
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as http:

        async def loop(client: Client, until: float, record: bool) -> None:
            nonlocal errors
            while time.perf_counter() < until:
                started = time.perf_counter()
                ok = await _send(request, http, client)
                if record:
                    if ok:
                        latencies.append(time.perf_counter() - started)
                    else:
                        errors += 1

        warm = time.perf_counter() + min(0.3, seconds / 4)
        await asyncio.gather(*(loop(c, warm, False) for c in clients))
        begin = time.perf_counter()
        await asyncio.gather(*(loop(c, begin + seconds, True) for c in clients))
        elapsed = time.perf_counter() - begin
    return _run(latencies, elapsed, errors)


async def _open(
    base: str, request: Request, clients: list[Client], rate: float, seconds: float
) -> Run:
    """Poisson arrivals at ``rate`` a second; latency from each request's arrival."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    latencies: list[float] = []
    errors = 0
    rng = random.Random(11)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as http:

        async def one(client: Client, at: float) -> None:
            nonlocal errors
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            if await _send(request, http, client):
                latencies.append(time.perf_counter() - at)
            else:
                errors += 1

        begin = time.perf_counter() + 0.2
        arrivals, t = [], 0.0
        while t < seconds:
            t += rng.expovariate(rate)
            arrivals.append(begin + t)
        await asyncio.gather(*(one(clients[i % len(clients)], at) for i, at in enumerate(arrivals)))
    return _run(latencies, seconds, errors)


def _bench_database(name: str, url: str) -> list[str]:
    clients = _prepare(url, max(CLIENTS))
    lines: list[str] = []
    for workers in WORKERS:
        closed: dict[tuple[str, str, int], Run] = {}
        opened: dict[tuple[str, str], Run] = {}
        for app in ("bare", "retrowalk"):
            with _server(app, url, workers) as base:
                for op in ("log", "today"):
                    request = _requests(app, op, f"{app}-{workers}-{op}")
                    for count in CLIENTS:
                        runs = [
                            asyncio.run(_closed(base, request, clients[:count], SECONDS))
                            for _ in range(REPEATS)
                        ]
                        closed[(app, op, count)] = _median(runs)
                    rate = 0.5 * max(closed[("bare", op, c)].throughput for c in CLIENTS)
                    opened[(app, op)] = asyncio.run(
                        _open(base, request, clients, rate, OPEN_LOOP_SECONDS)
                    )
        for op in ("log", "today"):
            for count in CLIENTS:
                ours, bare = closed[("retrowalk", op, count)], closed[("bare", op, count)]
                lines.append(
                    f"{name:10s} w={workers} {op:5s} {count:3d} clients: retrowalk "
                    f"{ours.throughput:6.0f}/s (p50 {ours.p50_ms:6.1f} p95 {ours.p95_ms:6.1f} "
                    f"p99 {ours.p99_ms:7.1f} ms, {ours.errors} errors) | bare "
                    f"{bare.throughput:6.0f}/s (p99 {bare.p99_ms:7.1f} ms) | ratio "
                    f"{ours.throughput / bare.throughput:5.2f}"
                )
            rate = 0.5 * max(closed[("bare", op, c)].throughput for c in CLIENTS)
            ours, bare = opened[("retrowalk", op)], opened[("bare", op)]
            lines.append(
                f"{name:10s} w={workers} {op:5s} open loop at {rate:5.0f}/s (half the bare "
                f"app's best): retrowalk p50 {ours.p50_ms:6.1f} p95 {ours.p95_ms:6.1f} p99 "
                f"{ours.p99_ms:7.1f} ms ({ours.errors} errors) | bare p99 {bare.p99_ms:6.1f} ms"
            )
            print(*lines[-len(CLIENTS) - 1 :], sep="\n", flush=True)
    return lines


def main() -> None:
    print(
        f"closed loop {SECONDS:g} s x {REPEATS} runs (medians), open loop "
        f"{OPEN_LOOP_SECONDS:g} s; {os.cpu_count()} CPUs shared by clients and server",
        flush=True,
    )
    on_each_database(_bench_database, "api.sqlite", DATABASES)


if __name__ == "__main__":
    main()
