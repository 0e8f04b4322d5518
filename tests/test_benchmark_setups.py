"""The benchmarks' own setups still run against today's program (``make bench`` is not part
of the tests, and twice a required answer added to the screening broke it unnoticed): each
setup is run once on a small scale and the requests it measures are answered as it expects.
Nothing here is timed."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from benchmarks import bench_api, bench_calls, bench_clinic, bench_store
from starlette.testclient import TestClient

from retrowalk.services import accounts, clinician, plans, sessions
from retrowalk.services.context import build_context
from retrowalk.web.app import create_app
from tests.services.factory import clinician as make_clinician


def _url(folder: Path) -> str:
    return f"sqlite+pysqlite:///{folder / 'bench.sqlite'}"


def test_the_api_benchmark_signs_in_walkers_whose_today_and_log_are_answered(
    tmp_path: Path,
) -> None:
    sqlite_url = _url(tmp_path)
    clients = bench_api._prepare(sqlite_url, 2)
    assert len({c.walker_id for c in clients}) == 2
    with TestClient(create_app(build_context(sqlite_url))) as http:
        for n, c in enumerate(clients):
            http.cookies.set("retrowalk_session", c.cookie)
            today = http.get(f"/api/v1/walkers/{c.walker_id}/today")
            assert today.status_code == 200, today.text
            logged = http.post(
                f"/api/v1/walkers/{c.walker_id}/sessions",
                json={**bench_api.SESSION, "client_key": f"setup-{n}"},
                headers={"X-CSRF-Token": c.csrf},
            )
            assert logged.status_code == 201, logged.text


def test_the_store_benchmark_grows_the_walkers_own_history(tmp_path: Path) -> None:
    ctx = build_context(_url(tmp_path))
    admin, walker_id = bench_store._target_walker(ctx)
    bench_store.grow_own_history(ctx, walker_id, admin.account_id, 42, 60)
    now = ctx.at(bench_store.NOW)
    assert plans.todays_prescription(now, admin, walker_id).walker_id == walker_id
    at = bench_store.NOW - timedelta(minutes=1)
    logged = sessions.log_session(now, admin, walker_id, bench_store._session("setup", at))
    assert logged.created


def test_the_clinic_benchmark_clones_its_template_walker(tmp_path: Path) -> None:
    ctx = build_context(_url(tmp_path))
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    template = bench_clinic._template(ctx, dr)
    bench_clinic._clone(ctx, template, 3, 1)
    rows = clinician.walker_flags(ctx, dr)
    assert len(rows) == 4
    kinds = {tuple(r.kind for r in row.restrictions) for row in rows}
    assert len(kinds) == 1  # the copies carry the template's record: its near-fall
    assert kinds != {()}


def test_the_call_count_benchmark_drives_both_apps_through_their_two_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each app's "log" and "today" are answered in process (an error status stops the
    benchmark), and a count comes back for each of the four requests."""
    monkeypatch.setattr(bench_calls, "REQUESTS", 3)
    monkeypatch.setattr(bench_calls, "WARM", 1)
    monkeypatch.setattr(bench_calls, "REPEATS", 1)
    found: list[tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]] = []
    # in a thread of its own: the browser tests' Playwright keeps an event loop running in
    # the tests' main thread, where the benchmark's asyncio.run is refused
    thread = threading.Thread(target=lambda: found.append(bench_calls.run_all(_url(tmp_path))))
    thread.start()
    thread.join()
    assert found, "the benchmark stopped: an error status, or asyncio refused to run"
    calls, cpu = found[0]
    assert set(calls) == set(cpu) == set(bench_calls.ORDER)
    assert all(count > 0 for count in calls.values())
