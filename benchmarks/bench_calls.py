"""Python function calls per request of the API's "today" and "log a session", and of the
bare app's equivalents (:mod:`benchmarks.bare_app`), driven in process.

Wall time on a shared two-CPU machine moves by ±30 % between runs; the number of Python
function calls a request makes does not, so it shows a change of the per-request work at
once. Each app is called as uvicorn calls it (a raw ASGI ``http`` scope, the body in one
message), ``REQUESTS`` times after ``WARM`` unmeasured requests, with a profile function
counting every Python ``call`` event in every thread — the event loop's and anyio's worker
threads (``threading.setprofile`` is set before the first worker thread starts). Printed:
calls per request and the ratio to the bare app; then, as a check on the count (C and Rust
code — SQLite, pydantic's core — makes no Python calls), the CPU time of the same requests
without the profile function (``time.process_time``, every thread of the process), the
median of ``REPEATS`` runs: that one moves with the machine's load, the count does not.

``RETROWALK_BENCH_CALLS_REQUESTS`` (default 200) sets ``REQUESTS``,
``RETROWALK_BENCH_CALLS_REPEATS`` (default 5) the CPU-time runs;
``RETROWALK_BENCH_CALLS_TOP`` (default 0) also prints, for each of retrowalk's two requests,
the modules and the functions with the most calls (where the next work to cut is).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from benchmarks.bare_app import make_app
from benchmarks.bench_api import SESSION, Client, _prepare
from retrowalk.services.context import build_context
from retrowalk.store import Database
from retrowalk.web.app import create_app

REQUESTS = int(os.environ.get("RETROWALK_BENCH_CALLS_REQUESTS", "200"))
WARM = 20
TOP = int(os.environ.get("RETROWALK_BENCH_CALLS_TOP", "0"))
REPEATS = int(os.environ.get("RETROWALK_BENCH_CALLS_REPEATS", "5"))

App = Callable[..., Any]


@dataclass(frozen=True)
class Call:
    """One request as uvicorn hands it to the app."""

    method: str
    path: str
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


async def asgi_call(app: App, call: Call) -> int:
    """``call`` through ``app`` as one HTTP/1.1 request; its status code."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": call.method,
        "scheme": "http",
        "path": call.path,
        "raw_path": call.path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *call.headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # never: the app reads the body once
        sent = True
        return {"type": "http.request", "body": call.body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


class CallCounter:
    """Counts Python ``call`` events in every thread while ``counting`` is on; with
    ``by_code`` also which functions (one counter per thread, summed when read)."""

    def __init__(self, by_code: bool) -> None:
        self.counting = False
        self.by_code = by_code
        self._totals: dict[int, list[int]] = {}
        self._codes: dict[int, Counter[tuple[str, int, str]]] = {}

    def profile(self, frame: FrameType, event: str, arg: object) -> None:
        if event != "call" or not self.counting:
            return
        ident = threading.get_ident()
        total = self._totals.get(ident)
        if total is None:
            total = self._totals[ident] = [0]
            self._codes[ident] = Counter()
        total[0] += 1
        if self.by_code:
            code = frame.f_code
            self._codes[ident][(code.co_filename, code.co_firstlineno, code.co_name)] += 1

    def reset(self) -> None:
        self._totals.clear()
        self._codes.clear()

    @property
    def total(self) -> int:
        return sum(t[0] for t in self._totals.values())

    def codes(self) -> Counter[tuple[str, int, str]]:
        found: Counter[tuple[str, int, str]] = Counter()
        for counter in self._codes.values():
            found.update(counter)
        return found


@contextmanager
def profiled(counter: CallCounter) -> Iterator[None]:
    """``counter`` as the profile function of this thread and of every thread started now."""
    threading.setprofile(counter.profile)  # type: ignore[arg-type]
    sys.setprofile(counter.profile)  # type: ignore[arg-type]
    try:
        yield
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]


def _calls(client: Client) -> dict[tuple[str, str], Callable[[int], Call]]:
    """Each app's two requests (the n-th, with a new client key for each log)."""
    cookie = (b"cookie", f"retrowalk_session={client.cookie}".encode())
    json_type = (b"content-type", b"application/json")
    walker = client.walker_id

    def body(n: int) -> bytes:
        return json.dumps({**SESSION, "client_key": f"calls-{n}"}).encode()

    def length(data: bytes) -> tuple[bytes, bytes]:
        return (b"content-length", str(len(data)).encode())

    def ours_log(n: int) -> Call:
        data = body(n)
        csrf = (b"x-csrf-token", client.csrf.encode())
        headers = (cookie, json_type, csrf, length(data))
        return Call("POST", f"/api/v1/walkers/{walker}/sessions", headers, data)

    def bare_log(n: int) -> Call:
        data = body(10**6 + n)
        return Call("POST", f"/log/{walker}", (json_type, length(data)), data)

    return {
        ("retrowalk", "log"): ours_log,
        ("retrowalk", "today"): lambda n: Call(
            "GET", f"/api/v1/walkers/{walker}/today", (cookie,), b""
        ),
        ("bare", "log"): bare_log,
        ("bare", "today"): lambda n: Call("GET", f"/today/{walker}", (), b""),
    }


def _measure(
    app: App, make: Callable[[int], Call], counter: CallCounter, start: int
) -> tuple[float, Counter[tuple[str, int, str]]]:
    """Calls per request of ``make``'s requests through ``app`` (after ``WARM`` unmeasured)."""

    async def run() -> float:
        for n in range(start, start + WARM):
            await _expect_ok(app, make(n))
        gc.collect()
        counter.reset()
        counter.counting = True
        try:
            for n in range(start + WARM, start + WARM + REQUESTS):
                await _expect_ok(app, make(n))
        finally:
            counter.counting = False
        return counter.total / REQUESTS

    per_request = asyncio.run(run())
    return per_request, counter.codes()


async def _expect_ok(app: App, call: Call) -> None:
    status = await asgi_call(app, call)
    if status >= 400:
        raise RuntimeError(f"{call.method} {call.path} answered {status}")


def _module(filename: str) -> str:
    """A short name for the package a file belongs to (``sqlalchemy``, ``retrowalk.web``)."""
    parts = Path(filename).parts
    for root in ("retrowalk", "sqlalchemy", "fastapi", "starlette", "pydantic", "anyio"):
        if root in parts:
            tail = parts[parts.index(root) :]
            return ".".join(tail[:2]) if root == "retrowalk" else root
    return Path(filename).stem if "python3" in filename else filename


def _print_top(label: str, codes: Counter[tuple[str, int, str]]) -> None:
    modules: Counter[str] = Counter()
    for (filename, _, _), n in codes.items():
        modules[_module(filename)] += n
    print(f"  {label}: calls per request by package")
    for name, n in modules.most_common(TOP):
        print(f"    {n / REQUESTS:8.1f}  {name}")
    print(f"  {label}: functions with the most calls per request")
    for (filename, line, name), n in codes.most_common(TOP):
        print(f"    {n / REQUESTS:8.1f}  {name} ({_module(filename)}:{line})")


def _cpu_us(app: App, make: Callable[[int], Call], start: int) -> float:
    """CPU time per request of ``REQUESTS`` requests, in µs (no profile function)."""

    async def run() -> float:
        for n in range(start, start + WARM):
            await _expect_ok(app, make(n))
        gc.collect()
        began = time.process_time()
        for n in range(start + WARM, start + WARM + REQUESTS):
            await _expect_ok(app, make(n))
        return (time.process_time() - began) / REQUESTS * 1e6

    return asyncio.run(run())


ORDER = [(a, o) for a in ("bare", "retrowalk") for o in ("log", "today")]
Found = dict[tuple[str, str], float]


def run_all(url: str) -> tuple[Found, Found]:
    """Calls and CPU µs per request of both apps' two requests on the SQLite file ``url``."""
    client = _prepare(url, 1)[0]
    counter = CallCounter(by_code=TOP > 0)
    calls_found: Found = {}
    with profiled(counter):  # before any worker thread of the pool is started
        apps: dict[str, App] = {
            "retrowalk": create_app(build_context(url)),
            "bare": make_app(Database(url)),
        }
        calls = _calls(client)
        for n, (app_name, op) in enumerate(ORDER):
            per_request, codes = _measure(apps[app_name], calls[(app_name, op)], counter, n * 10**5)
            calls_found[(app_name, op)] = per_request
            if TOP and app_name == "retrowalk":
                _print_top(f"retrowalk {op}", codes)
    cpu: dict[tuple[str, str], list[float]] = {key: [] for key in ORDER}
    for repeat in range(REPEATS):  # interleaved, so a busy moment touches both apps
        for n, key in enumerate(ORDER):
            start = (1 + repeat) * 10**6 + n * 10**5
            cpu[key].append(_cpu_us(apps[key[0]], calls[key], start))
    return calls_found, {key: statistics.median(runs) for key, runs in cpu.items()}


def _print(title: str, found: Found) -> None:
    print(title)
    for op in ("today", "log"):
        ours, bare = found[("retrowalk", op)], found[("bare", op)]
        print(f"  {op:5s}  retrowalk {ours:7.0f} | bare {bare:7.0f} | ratio {ours / bare:5.2f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        calls, cpu = run_all(f"sqlite+pysqlite:///{Path(folder) / 'calls.sqlite'}")
    _print(f"Python calls per request (SQLite, in process, {REQUESTS} after {WARM}):", calls)
    _print(f"CPU µs per request (no profile function; median of {REPEATS}, moves with load):", cpu)


if __name__ == "__main__":
    main()
