"""Fixtures for the web tests: a REAL uvicorn server on a free port, in a thread, against a
temporary SQLite database, plus people (clinicians, walkers) made through the services.

HTTP goes over a real socket (httpx), exactly as a browser would reach the app; the
database is prepared through the same use cases the app calls, never with SQL.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from retrowalk.clinical.policy import DEFAULT_POLICY
from retrowalk.services import (
    accounts,
    assessments,
    checkins,
    plans,
    screening,
    sessions,
)
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.schemas import AccountIn, Actor, Role, WalkerOut
from retrowalk.services.sign_in_throttle import ThrottlePolicy
from retrowalk.web.app import create_app
from retrowalk.web.passwords import hash_password
from tests.web import loop_guard

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def no_sql_on_the_event_loop() -> Iterator[None]:
    """Fail a test during which the server ran a statement on its event loop (loop_guard)."""
    loop_guard.taken()
    yield
    found = loop_guard.taken()
    assert not found, f"SQL ran on the server's event loop (use the thread pool): {found}"


class LiveServer:
    """uvicorn serving ``app`` on 127.0.0.1 at a free port, in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        # Trusts X-Forwarded-For from 127.0.0.1, as behind a proxy on this machine: a test
        # stands for another client's address with that header.
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan="off",
            access_log=False,
            proxy_headers=True,
            forwarded_allow_ips="127.0.0.1",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        for _ in range(500):  # a bounded wait for the socket, not a timing assertion
            if self.server.started:
                return self
            if not self.thread.is_alive():
                break
            time.sleep(0.01)
        raise RuntimeError("the test web server did not start")

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@dataclass
class Person:
    email: str
    password: str
    name: str
    actor: Actor
    walker: WalkerOut | None = None


SESSION_BODY: dict[str, Any] = {
    "duration_min": 10,
    "speed_m_s": 0.7,
    "surface": "treadmill_with_handrails",
    "supervised": True,
    "pain_before_nprs": 2,
    "pain_peak_nprs": 3,
    "pain_after_nprs": 2,
    "effort_cr10": 4,
}
"""A valid session for the API (add a ``client_key``); tests change one value at a time."""


@dataclass
class World:
    """A running app with two clinicians, each with one walker (A's walker has a history)."""

    url: str
    ctx: AppContext
    clinician_a: Person
    clinician_b: Person
    walker_a: Person
    walker_b: Person
    admin: Actor
    app: Any = None
    extras: dict[str, Any] = field(default_factory=dict)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=30)


def _clinician(ctx: AppContext, admin: Actor, email: str, name: str, password: str) -> Person:
    account = accounts.create_account(
        ctx,
        admin,
        AccountIn(
            email=email,
            display_name=name,
            role=Role.CLINICIAN,
            password_hash=hash_password(password),
        ),
    )
    return Person(email, password, name, Actor(account_id=account.id, role=Role.CLINICIAN))


def invite_walker(
    ctx: AppContext, clinician: Person, email: str, name: str, password: str, **profile: Any
) -> Person:
    """A walker who accepted ``clinician``'s invitation (through the services)."""
    token = accounts.create_invitation(ctx, clinician.actor, email).token
    walker = accounts.accept_invitation(
        ctx,
        token,
        {
            "display_name": name,
            "password_hash": hash_password(password),
            "age_years": profile.get("age_years", 66),
            "sex": profile.get("sex", "female"),
            "knee_condition": profile.get("knee_condition", "oa"),
            "knee_side": profile.get("knee_side", "left"),
            "timezone": profile.get("timezone", "UTC"),
        },
    )
    return Person(
        email, password, name, Actor(account_id=walker.account_id, role=Role.WALKER), walker
    )


CLEARED_SCREENING = {
    "used_to_activity": True,
    "parq": [False, False, False, False, True, False, False],
    "red_flags": [],
    "steadi": {
        "fell_past_12_months": False,
        "feels_unsteady": False,
        "worries_about_falling": False,
    },
    "fever_or_unwell": False,
    "uses_walking_aid": False,
    "takes_anticoagulant": False,
    "recent_knee_surgery": False,
}
BASELINE = {"backward_walk_3m_s": 4.0, "tug_s": 9.0, "chair_stand_count": 14, "tandem_stance_s": 10}


def a_day_ago(now: datetime) -> datetime:
    """A session time (a walker on UTC) whose next-morning check-in is open at ``now``: a day
    back, or, before the check-in's opening hour (6 in the morning, a policy), two days back,
    so a test run at night finds the report open as it does by day."""
    days = 2 if now.hour < DEFAULT_POLICY.checkin_opens_hour_local else 1
    return now - timedelta(days=days)


def give_history(ctx: AppContext, person: Person) -> int:
    """Screen, test, plan, one session yesterday and this morning's check-in; the session id.

    The next-morning check-in opens on the day after the session (the services refuse a
    same-day report), so the session is dated a day back.
    """
    assert person.walker is not None
    walker_id = person.walker.id
    yesterday = a_day_ago(datetime.now(UTC))
    before = ctx.at(yesterday - timedelta(hours=1))
    screening.screen_walker(before, person.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(before, person.actor, walker_id, BASELINE)
    plans.make_plan(before, person.actor, walker_id)
    saved = sessions.log_session(
        ctx.at(yesterday),  # logged when walked: a late log's report opens the next morning
        person.actor,
        walker_id,
        {
            "client_key": f"fixture-{walker_id}",
            "performed_at": yesterday.isoformat(),
            "duration_min": 10,
            "speed_m_s": 0.75,
            "surface": "treadmill_with_handrails",
            "supervised": True,
            "pain_before_nprs": 2,
            "pain_peak_nprs": 3,
            "pain_after_nprs": 2,
            "effort_cr10": 4,
        },
    )
    checkins.morning_checkin(
        ctx,
        person.actor,
        walker_id,
        {"session_id": saved.id, "pain_nprs": 2, "stiffness_nprs": 1, "new_red_flags": []},
    )
    return saved.id


def build_world(
    tmp: Path, throttle: ThrottlePolicy | None = None, clock: Any = None
) -> tuple[Any, World]:
    ctx = build_context(f"sqlite+pysqlite:///{tmp / 'web.sqlite'}")
    admin = accounts.ensure_local_admin(ctx)
    clinician_a = _clinician(ctx, admin, "ann@example.org", "Ann Clinician", "ann-password-1")
    clinician_b = _clinician(ctx, admin, "bea@example.org", "Bea Clinician", "bea-password-1")
    walker_a = invite_walker(ctx, clinician_a, "alice@example.org", "Alice Walker", "alice-pass-1")
    walker_b = invite_walker(ctx, clinician_b, "bob@example.org", "Bob Otherwalker", "bob-pass-12")
    give_history(ctx, walker_a)
    app = create_app(ctx, throttle=throttle, clock=clock, allow_fast_clock=True)
    world = World(
        url="",
        ctx=ctx,
        clinician_a=clinician_a,
        clinician_b=clinician_b,
        walker_a=walker_a,
        walker_b=walker_b,
        admin=admin,
        app=app,
    )
    return app, world


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    app, built = build_world(tmp_path_factory.mktemp("web"))
    with LiveServer(app) as server:
        built.url = server.url
        yield built
    built.ctx.db.dispose()


def web_admin(world: World, email: str = "ada@example.org", name: str = "Ada Admin") -> Person:
    """An administrator who signs in on the web (the world's own admin is the terminal's)."""
    password = "ada-password-1"
    account = accounts.create_account(
        world.ctx,
        world.admin,
        AccountIn(
            email=email, display_name=name, role=Role.ADMIN, password_hash=hash_password(password)
        ),
    )
    return Person(email, password, name, Actor(account_id=account.id, role=Role.ADMIN))


def sign_in(client: httpx.Client, person: Person) -> str:
    """Sign ``person`` in through the API; returns the session's CSRF token."""
    token = client.get("/api/v1/session").json()["csrf_token"]
    response = client.post(
        "/api/v1/session",
        json={"email": person.email, "password": person.password},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200, response.text
    csrf: str = response.json()["csrf_token"]
    return csrf


def form_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; FAILS under CI when missing, skips (with the reason) elsewhere."""
    found = CHROMIUM if CHROMIUM.exists() else None
    if found is None and shutil.which("chromium"):
        found = Path(str(shutil.which("chromium")))
    if found is None:
        message = "Debian's Chromium is not installed at /usr/bin/chromium (apt install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + ": browser tests must run on CI")
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
