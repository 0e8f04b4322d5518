"""The API reads the sign-in where its route runs (docs/performance.md, stop 24): the checks
every API request relies on still hold — the CSRF token, the sign-in, whose record it is —
and a sign-in read on the event loop, which would stall every other request, is caught."""

from __future__ import annotations

import asyncio
import re
import threading
import warnings
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI, Request

from retrowalk.services import history
from retrowalk.services.schemas import SessionOut, TodayOut
from retrowalk.web.auth import (
    SignInReadOnLoopWarning,
    current_session,
    read_session,
    require_actor,
)
from retrowalk.web.middleware import SESSION_COOKIE_STATE_KEY, SESSION_STATE_KEY, UNREAD
from tests.web import loop_guard
from tests.web.conftest import SESSION_BODY, World, sign_in

UNSAFE = ("post", "put", "patch", "delete")
T = TypeVar("T")


def _walker_id(world: World) -> int:
    assert world.walker_a.walker is not None
    return world.walker_a.walker.id


def _unsafe_operations(world: World) -> list[tuple[str, str]]:
    """Every unsafe operation the OpenAPI document lists, its path parameters filled in."""
    paths: dict[str, dict[str, Any]] = world.app.openapi()["paths"]
    found = []
    for path, item in paths.items():
        concrete = re.sub(r"\{[^}]+\}", str(_walker_id(world)), path)
        found += [(method.upper(), concrete) for method in item if method in UNSAFE]
    return found


def _stored_keys(world: World) -> set[str]:
    walker_id = _walker_id(world)
    out = history.walker_history(world.ctx, world.walker_a.actor, walker_id, weeks=520)
    return {s.client_key for s in out.sessions}


def test_every_unsafe_api_operation_without_the_csrf_header_is_refused_before_its_body(
    world: World,
) -> None:
    operations = _unsafe_operations(world)
    assert ("POST", f"/api/v1/walkers/{_walker_id(world)}/sessions") in operations
    assert len(operations) >= 20  # the whole API, not a few routes
    answers = {}
    with world.client() as client:
        sign_in(client, world.walker_a)
        for method, path in operations:
            # an empty body: a request checked for its body first would be answered 422
            response = client.request(method, path, json={})
            answers[(method, path)] = (response.status_code, response.json()["detail"])
    refused = {op for op, (code, detail) in answers.items() if code == 403}
    assert refused == set(operations), {op: a for op, a in answers.items() if op not in refused}
    assert all("security token" in detail for _, detail in answers.values())


def test_a_session_with_a_wrong_csrf_token_is_refused_and_stores_nothing(world: World) -> None:
    walker_id = _walker_id(world)
    url = f"/api/v1/walkers/{walker_id}/sessions"
    with world.client() as client:
        right = sign_in(client, world.walker_a)
        wrong = client.post(
            url,
            json={**SESSION_BODY, "client_key": "wrong-token-1"},
            headers={"X-CSRF-Token": right[:-2] + "xx"},
        )
        empty = client.post(
            url,
            json={**SESSION_BODY, "client_key": "wrong-token-2"},
            headers={"X-CSRF-Token": ""},
        )
    assert wrong.status_code == empty.status_code == 403
    assert "security token" in wrong.json()["detail"]
    assert not {"wrong-token-1", "wrong-token-2"} & _stored_keys(world)


def test_the_phone_routes_answer_401_to_no_sign_in_and_403_to_an_unknown_cookie(
    world: World,
) -> None:
    walker_id = _walker_id(world)
    today = f"/api/v1/walkers/{walker_id}/today"
    log = f"/api/v1/walkers/{walker_id}/sessions"
    body = {**SESSION_BODY, "client_key": "not-signed-in"}
    with world.client() as client:
        no_cookie = client.get(today)
        visitor_token = client.get("/api/v1/session").json()["csrf_token"]
        visitor_log = client.post(log, json=body, headers={"X-CSRF-Token": visitor_token})
        csrf = sign_in(client, world.walker_a)
        signed_in_cookie = client.cookies["retrowalk_session"]
        client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf})
    with world.client() as client:
        client.cookies.set("retrowalk_session", signed_in_cookie)
        signed_out_today = client.get(today)
        signed_out_log = client.post(log, json=body, headers={"X-CSRF-Token": csrf})
    with world.client() as client:
        client.cookies.set("retrowalk_session", "not-a-sign-in-anyone-has")
        unknown_today = client.get(today)
        unknown_log = client.post(log, json=body, headers={"X-CSRF-Token": csrf})
    for response in (no_cookie, visitor_log, signed_out_today, unknown_today):
        assert response.status_code == 401
        assert response.json() == {"detail": "Please sign in first."}
    # no live session, so no token it could match: refused as every API route refuses it
    assert signed_out_log.status_code == unknown_log.status_code == 403
    assert "not-signed-in" not in _stored_keys(world)


def test_the_phone_routes_answer_a_walker_only_for_her_own_record(world: World) -> None:
    assert world.walker_b.walker is not None
    other = world.walker_b.walker.id
    with world.client() as client:
        csrf = sign_in(client, world.walker_a)
        own = client.get(f"/api/v1/walkers/{_walker_id(world)}/today")
        theirs = client.get(f"/api/v1/walkers/{other}/today")
        log_theirs = client.post(
            f"/api/v1/walkers/{other}/sessions",
            json={**SESSION_BODY, "client_key": "someone-else"},
            headers={"X-CSRF-Token": csrf},
        )
    assert own.status_code == 200
    assert own.headers["content-type"] == "application/json"
    assert set(own.json()) == set(TodayOut.model_fields)
    assert theirs.status_code == log_theirs.status_code == 404
    assert world.walker_b.name not in theirs.text + log_theirs.text


def test_the_phone_operations_are_documented_as_before(world: World) -> None:
    paths = world.app.openapi()["paths"]
    today = paths["/api/v1/walkers/{walker_id}/today"]["get"]
    log = paths["/api/v1/walkers/{walker_id}/sessions"]["post"]

    def model(operation: dict[str, Any], code: str) -> str:
        ref: str = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
        return ref.rsplit("/", 1)[-1]

    assert model(today, "200") == TodayOut.__name__
    assert model(log, "201") == model(log, "200") == SessionOut.__name__
    assert log["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/SessionIn"
    )
    for operation in (today, log):
        assert {"401", "403", "404", "409", "422"} <= set(operation["responses"])
        assert operation["parameters"][0]["name"] == "walker_id"


def test_an_api_answer_that_never_read_the_sign_in_sets_no_cookie_and_keeps_it(
    world: World,
) -> None:
    with world.client() as client:
        sign_in(client, world.walker_a)
        questions = client.get("/api/v1/screening/questions")
        me = client.get("/api/v1/me")
    assert questions.status_code == me.status_code == 200
    assert "set-cookie" not in questions.headers
    assert me.json()["email"] == world.walker_a.email


def _unread_request(world: World, cookie: str | None) -> Request:
    state = {SESSION_STATE_KEY: UNREAD, SESSION_COOKIE_STATE_KEY: cookie}
    scope = {"type": "http", "app": world.app, "state": state, "path": "/api/v1/me"}
    scope.update(headers=[], method="GET", query_string=b"", scheme="http")
    scope.update(server=("127.0.0.1", 80), root_path="")
    return Request(scope)


@pytest.fixture
def warned(monkeypatch: pytest.MonkeyPatch) -> list[Warning]:
    """Each :class:`SignInReadOnLoopWarning` warned during the test, recorded at the call
    (``warnings.catch_warnings`` is process-wide state another thread can restore under a
    test: a recorder at the call cannot be undone that way)."""
    found: list[Warning] = []
    real = warnings.warn

    def record(message: Any, category: Any = None, stacklevel: int = 1, source: Any = None) -> None:
        if isinstance(message, SignInReadOnLoopWarning):
            found.append(message)
            return
        real(message, category, stacklevel + 1, source)

    monkeypatch.setattr(warnings, "warn", record)
    return found


def _on_a_loop_of_its_own(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run(main())`` in a thread of its own: the browser tests' Playwright keeps an
    event loop running in the tests' main thread, where ``asyncio.run`` is refused."""
    found: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            found.append(asyncio.run(main()))
        except BaseException as exc:  # handed back to the test's thread
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
    return found[0]


def _signed_in_cookie(world: World) -> str:
    with world.client() as client:
        sign_in(client, world.walker_a)
        return client.cookies["retrowalk_session"]


def test_a_sign_in_read_on_the_event_loop_is_warned_about(
    world: World, warned: list[Warning]
) -> None:
    cookie = _signed_in_cookie(world)

    async def on_the_loop() -> object:
        return current_session(_unread_request(world, cookie))

    read = _on_a_loop_of_its_own(on_the_loop)
    # This test makes the read on a loop on purpose: the loop guard saw it too (taken here,
    # so the autouse fixture does not fail the test for what it set out to do).
    assert any("sign_in_store.py" in found for found in loop_guard.taken())
    assert len(warned) == 1
    assert "/api/v1/me" in str(warned[0])
    assert getattr(read, "account_id", None) == world.walker_a.actor.account_id


def test_the_sign_in_read_in_the_pool_or_a_thread_is_not_warned_about(
    world: World, warned: list[Warning]
) -> None:
    cookie = _signed_in_cookie(world)
    found: list[object] = []

    async def awaited() -> object:
        return await read_session(_unread_request(world, cookie))

    found.append(_on_a_loop_of_its_own(awaited))
    thread = threading.Thread(
        target=lambda: found.append(current_session(_unread_request(world, cookie)))
    )
    thread.start()
    thread.join()
    assert warned == []
    assert [getattr(s, "account_id", None) for s in found] == [world.walker_a.actor.account_id] * 2


def test_the_tests_fail_on_that_warning() -> None:
    """pyproject.toml's ``filterwarnings`` makes the warning an error in every test."""
    assert any(
        action == "error" and category is SignInReadOnLoopWarning
        for action, _message, category, _module, _line in warnings.filters
    )


def test_an_async_api_route_that_reads_the_sign_in_on_the_loop_is_caught(
    world: World, warned: list[Warning]
) -> None:
    app = FastAPI()

    @app.get("/api/v1/on-the-loop")
    async def on_the_loop(request: Request) -> int:
        return require_actor(request).account_id

    cookie = _signed_in_cookie(world)

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=_with_state(app, world, cookie))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.get("/api/v1/on-the-loop")

    assert _on_a_loop_of_its_own(call).status_code == 200
    assert any("sign_in_store.py" in found for found in loop_guard.taken())
    assert len(warned) == 1


def _with_state(app: FastAPI, world: World, cookie: str) -> Any:
    """``app`` behind what the middleware leaves on an API request: the sign-in unread."""
    app.state.web = world.app.state.web

    async def unread(scope: dict[str, Any], receive: Any, send: Any) -> None:
        scope["state"] = {SESSION_STATE_KEY: UNREAD, SESSION_COOKIE_STATE_KEY: cookie}
        await app(scope, receive, send)

    return unread
