"""A person's own account: change the password with the current one (page and API), the
password policy's sentences, and what a new password does to other sign-ins."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import LiveServer, World, build_world, form_csrf, sign_in

NEW = "slow steps back on the track"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[World]:
    """A world of its own: these tests change passwords."""
    app, world = build_world(tmp_path)
    with LiveServer(app) as server:
        world.url = server.url
        yield world
    world.ctx.db.dispose()


def change(
    client: httpx.Client, current: str, new: str, again: str | None = None
) -> httpx.Response:
    token = form_csrf(client.get("/account").text)
    return client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": current,
            "password": new,
            "password_again": new if again is None else again,
        },
    )


@pytest.mark.parametrize(
    ("new", "said"),
    [
        ("aaaaaaaaaa", 'Repeats like "aaa" are easy to guess'),
        ("1234567890", "This is a top-100 common password"),
        ("alice@example.org", "must not be your email address or your name"),
        ("short one", "at least 10 characters"),
        ("x" * 300, "at most 256 characters"),
    ],
)
def test_a_weak_new_password_is_refused_with_what_is_wrong(
    world: World, new: str, said: str
) -> None:
    with world.client() as client:
        sign_in(client, world.walker_a)
        page = change(client, world.walker_a.password, new)
    assert page.status_code == 422
    assert said in unescape(page.text)
    assert 'id="password-error"' in page.text


def test_two_different_new_passwords_are_named_as_such(world: World) -> None:
    with world.client() as client:
        sign_in(client, world.walker_a)
        page = change(client, world.walker_a.password, NEW, NEW + "!")
    assert page.status_code == 422
    assert "The two passwords are not the same" in page.text
    assert 'id="password_again-error"' in page.text


def test_a_wrong_current_password_changes_nothing(world: World) -> None:
    with world.client() as client:
        sign_in(client, world.walker_b)
        page = change(client, "not my password", NEW)
        assert page.status_code == 422
        assert "That is not your current password" in page.text
    with world.client() as other:
        sign_in(other, world.walker_b)  # the old password still works


def test_changing_the_password_signs_out_everywhere_else(fresh: World) -> None:
    walker = fresh.walker_a
    with fresh.client() as phone, fresh.client() as laptop, fresh.client() as stolen:
        sign_in(phone, walker)
        sign_in(laptop, walker)
        sign_in(stolen, walker)
        old_cookie = phone.cookies["retrowalk_session"]
        done = change(phone, walker.password, NEW)
        assert done.status_code == 303
        assert phone.cookies["retrowalk_session"] != old_cookie, "a new id here"
        page = phone.get(done.headers["location"])  # the message goes with the redirect
        assert "Your password is changed" in page.text
        assert phone.get("/api/v1/me").status_code == 200
        assert laptop.get("/api/v1/me").status_code == 401
        assert stolen.get("/api/v1/me").status_code == 401
        token = laptop.get("/api/v1/session").json()["csrf_token"]
        old = laptop.post(
            "/api/v1/session",
            json={"email": walker.email, "password": walker.password},
            headers={"X-CSRF-Token": token},
        )
        assert old.status_code == 401
        walker.password = NEW
        sign_in(laptop, walker)


def test_the_api_changes_the_password_with_the_current_one(fresh: World) -> None:
    person = fresh.clinician_a
    with fresh.client() as client:
        csrf = sign_in(client, person)
        weak = client.post(
            "/api/v1/me/password",
            json={"current_password": person.password, "new_password": "aaaaaaaaaa"},
            headers={"X-CSRF-Token": csrf},
        )
        assert weak.status_code == 422
        assert weak.json()["detail"].startswith("new_password: This password would be too easy")
        wrong = client.post(
            "/api/v1/me/password",
            json={"current_password": "nope", "new_password": NEW},
            headers={"X-CSRF-Token": csrf},
        )
        assert wrong.status_code == 422
        assert "current_password" in wrong.json()["detail"]
        done = client.post(
            "/api/v1/me/password",
            json={"current_password": person.password, "new_password": NEW},
            headers={"X-CSRF-Token": csrf},
        )
        assert done.status_code == 200, done.text
        assert client.get("/api/v1/me").status_code == 200, "still signed in here"
    person.password = NEW
    with fresh.client() as client:
        sign_in(client, person)


def test_a_password_chosen_in_composed_unicode_signs_in_when_typed_decomposed(
    fresh: World,
) -> None:
    composed = "Crème brûlée après la marche"
    decomposed = "Cre\u0300me bru\u0302le\u0301e apre\u0300s la marche"
    person = fresh.walker_b
    with fresh.client() as client:
        sign_in(client, person)
        assert change(client, person.password, composed).status_code == 303
    person.password = decomposed
    with fresh.client() as client:
        sign_in(client, person)


def test_the_account_page_is_the_signed_in_persons_own(world: World) -> None:
    with world.client() as client:
        assert client.get("/account").status_code == 303  # to sign in
        sign_in(client, world.walker_b)
        page = client.get("/account?account_id=1")
        assert world.walker_b.email in page.text
        assert world.walker_a.email not in page.text
        assert "Download my data" in page.text
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get("/account")
        assert "Change my password" in page.text
        assert "Download my data" not in page.text
