"""The sign-in throttle over a real socket: a growing delay per account + address, never a
lock-out that a stranger can set off.

Before: 5 wrong passwords from anywhere locked an account for 15 minutes, even for the right
password; 20 from one address locked out everyone behind it; each worker counted on its
own. The test server trusts ``X-Forwarded-For`` from 127.0.0.1 (as behind a proxy on this
machine), so a header stands for the client's address.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from retrowalk.services.sign_in_throttle import ThrottlePolicy
from retrowalk.web.app import create_app
from tests.web.conftest import LiveServer, build_world, form_csrf

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(free_failures=3, first_wait_s=5, max_wait_s=900)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def throttled(tmp_path: Path) -> Any:
    clock = Clock()
    app, world = build_world(tmp_path, POLICY, clock)
    with LiveServer(app) as server:
        world.url = server.url
        yield world, clock
    world.ctx.db.dispose()


def attempt(
    client: httpx.Client, email: str, password: str, address: str = "198.51.100.7"
) -> httpx.Response:
    token = client.get("/api/v1/session").json()["csrf_token"]
    return client.post(
        "/api/v1/session",
        json={"email": email, "password": password},
        headers={"X-CSRF-Token": token, "X-Forwarded-For": address},
    )


def test_the_wait_grows_after_the_free_tries_and_says_how_long(throttled: Any) -> None:
    world, clock = throttled
    ann = world.walker_a
    with world.client() as client:
        codes = [attempt(client, ann.email, "wrong").status_code for _ in range(3)]
        assert codes == [401, 401, 401]
        fourth = attempt(client, ann.email, "wrong")
        assert fourth.status_code == 401
        assert "the next try can be made in 5 seconds" in fourth.json()["detail"]
        waiting = attempt(client, ann.email, ann.password)
        assert waiting.status_code == 429
        assert waiting.headers["retry-after"] == "5"
        assert "please wait 5 seconds and then try again" in waiting.json()["detail"]
        clock.advance(6)
        fifth = attempt(client, ann.email, "wrong")
        assert fifth.status_code == 401
        assert "10 seconds" in fifth.json()["detail"], "the wait doubles"
        clock.advance(11)
        assert attempt(client, ann.email, ann.password).status_code == 200
        clock.advance(1)
        # the right password started the count again
        assert attempt(client, ann.email, "wrong").status_code == 401
        assert "next try" not in attempt(client, ann.email, "wrong").json()["detail"]


def test_wrong_passwords_from_one_address_never_delay_the_owner_elsewhere(
    throttled: Any,
) -> None:
    world, _ = throttled
    ann = world.walker_a
    with world.client() as attacker, world.client() as owner:
        for _ in range(12):
            attempt(attacker, ann.email, "guess", address="203.0.113.66")
        assert attempt(attacker, ann.email, ann.password, "203.0.113.66").status_code == 429
        assert attempt(owner, ann.email, ann.password, "192.0.2.10").status_code == 200


def test_a_trusted_device_signs_in_even_from_the_attackers_address(throttled: Any) -> None:
    """The owner signed in on this phone before; a stranger behind the same clinic address
    then floods wrong passwords: the owner's phone is never made to wait."""
    world, _ = throttled
    ann = world.walker_a
    clinic = "192.0.2.44"
    with world.client() as phone, world.client() as stranger:
        assert attempt(phone, ann.email, ann.password, clinic).status_code == 200
        assert "retrowalk_device" in phone.cookies
        phone.delete("/api/v1/session", headers={"X-CSRF-Token": _csrf(phone)})
        for _ in range(10):
            attempt(stranger, ann.email, "guess", address=clinic)
        assert attempt(stranger, ann.email, ann.password, clinic).status_code == 429
        assert attempt(phone, ann.email, ann.password, clinic).status_code == 200


def test_many_wrong_passwords_from_one_address_never_lock_out_the_others_behind_it(
    throttled: Any,
) -> None:
    world, _ = throttled
    shared = "192.0.2.99"
    with world.client() as client:
        for n in range(25):
            attempt(client, f"nobody{n}@example.org", "guess", address=shared)
        response = attempt(client, world.walker_b.email, world.walker_b.password, shared)
        assert response.status_code == 200


def test_two_workers_count_one_accounts_wrong_passwords_together(tmp_path: Path) -> None:
    """Two app processes on one database (as ``--workers 2``): the count is shared, so the
    limit does not double."""
    clock = Clock()
    app_one, world = build_world(tmp_path, POLICY, clock)
    app_two = create_app(world.ctx, throttle=POLICY, clock=clock)
    ann = world.walker_a
    with (
        LiveServer(app_one) as one,
        LiveServer(app_two) as two,
        httpx.Client(base_url=one.url) as a,
        httpx.Client(base_url=two.url) as b,
    ):
        codes = [attempt(c, ann.email, "wrong").status_code for c in (a, b, a, b)]
        assert codes == [401, 401, 401, 401]
        assert attempt(b, ann.email, ann.password).status_code == 429
        assert attempt(a, ann.email, ann.password).status_code == 429
    world.ctx.db.dispose()


def test_the_sign_in_page_shows_the_wait_in_words(throttled: Any) -> None:
    world, _ = throttled
    with world.client() as client:
        for _ in range(4):
            token = form_csrf(client.get("/login").text)
            client.post(
                "/login",
                data={"csrf_token": token, "email": world.walker_a.email, "password": "x"},
                headers={"X-Forwarded-For": "198.51.100.1"},
            )
        token = form_csrf(client.get("/login").text)
        page = client.post(
            "/login",
            data={
                "csrf_token": token,
                "email": world.walker_a.email,
                "password": world.walker_a.password,
            },
            headers={"X-Forwarded-For": "198.51.100.1"},
        )
    assert page.status_code == 429
    assert "please wait 5 seconds and then try again" in page.text
    assert world.walker_a.email in page.text, "the email box keeps what was typed"


def _csrf(client: httpx.Client) -> str:
    return str(client.get("/api/v1/session").json()["csrf_token"])
