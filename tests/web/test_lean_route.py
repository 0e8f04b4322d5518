"""The phone's two routes read their arguments themselves (``web/api/lean_route.py``): every
answer, good or bad, is the one FastAPI's own route class gives for the same request, and the
OpenAPI document does not change. A phone app that shows the API's error sentences, or a
client generated from the document, must not see a difference."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from retrowalk.services.schemas import ID_MAX, SessionIn
from retrowalk.web.api import phone_v1
from retrowalk.web.api.lean_route import LeanRoute
from retrowalk.web.auth import csrf_header_sent
from retrowalk.web.errors import ERROR_RESPONSES, install_error_handlers
from tests.web.conftest import SESSION_BODY, World, sign_in

BODY: dict[str, Any] = {**SESSION_BODY, "client_key": "lean-route-1"}
CSRF = {"X-CSRF-Token": "any"}
"""The header must be there for an unsafe request to be read at all; its value is checked
with the sign-in, by the endpoint (not by the route class)."""


def _stub(route: APIRoute) -> Any:
    """An endpoint with the signature of ``route``'s that only says what it was given."""

    async def endpoint(**values: Any) -> Response:
        given = {k: v.model_dump(mode="json") if k == "body" else v for k, v in values.items()}
        given.pop("request", None)
        return Response(json.dumps(given, sort_keys=True), media_type="application/json")

    endpoint.__signature__ = inspect.signature(route.endpoint, eval_str=True)  # type: ignore[attr-defined]
    return endpoint


def _twin(route_class: type[APIRoute]) -> FastAPI:
    """The phone router's operations with stub endpoints, under ``route_class``: FastAPI's
    own (with the CSRF-header check as the dependency it was) or the lean one."""
    extra: dict[str, Any] = (
        {"dependencies": [Depends(csrf_header_sent)]} if route_class is APIRoute else {}
    )
    router = APIRouter(prefix="/api/v1", route_class=route_class, **extra)
    for route in phone_v1.router.routes:
        assert isinstance(route, APIRoute)
        router.add_api_route(
            route.path.removeprefix("/api/v1"), _stub(route), methods=sorted(route.methods or ())
        )
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    return app


@pytest.fixture(scope="module")
def clients() -> Iterator[tuple[TestClient, TestClient]]:
    with TestClient(_twin(APIRoute)) as fastapi_own, TestClient(_twin(LeanRoute)) as lean:
        yield fastapi_own, lean


def _same(
    clients: tuple[TestClient, TestClient], method: str, path: str, **kwargs: Any
) -> httpx.Response:
    fastapi_own, lean = clients
    expected = fastapi_own.request(method, path, **kwargs)
    got = lean.request(method, path, **kwargs)
    assert (got.status_code, got.text) == (expected.status_code, expected.text), (method, path)
    return got


WALKER_IDS = [
    "7",
    "0",
    "-3",
    "abc",
    "1.5",
    "007",
    "٣",  # an Arabic-Indic digit: not ASCII
    str(ID_MAX),
    str(ID_MAX + 1),
    "9" * 5000,  # beyond Python's own limit on digits
    "%20",
]


@pytest.mark.parametrize("walker_id", WALKER_IDS)
def test_today_reads_the_walker_id_as_fastapi_does(
    clients: tuple[TestClient, TestClient], walker_id: str
) -> None:
    _same(clients, "GET", f"/api/v1/walkers/{walker_id}/today")


BODIES: list[tuple[bytes, dict[str, str]]] = [
    (json.dumps(BODY).encode(), {"content-type": "application/json"}),
    (json.dumps(BODY).encode(), {"content-type": "application/json; charset=utf-8"}),
    (json.dumps(BODY).encode(), {"content-type": "application/merge-patch+json"}),
    (json.dumps(BODY).encode(), {"content-type": "text/plain"}),
    (json.dumps(BODY).encode(), {}),  # no content type: not read as JSON
    (b"", {"content-type": "application/json"}),  # nothing sent
    (b"{", {"content-type": "application/json"}),  # broken JSON
    (b"[1, 2]", {"content-type": "application/json"}),
    (b"null", {"content-type": "application/json"}),
    (b"\xff\xfe{}", {"content-type": "application/json"}),  # not UTF-8
    (json.dumps({**BODY, "duration_min": "ten"}).encode(), {"content-type": "application/json"}),
    (json.dumps({**BODY, "pain_peak_nprs": 11}).encode(), {"content-type": "application/json"}),
    (json.dumps({**BODY, "surprise": 1}).encode(), {"content-type": "application/json"}),
    (json.dumps({"client_key": "x"}).encode(), {"content-type": "application/json"}),
]


@pytest.mark.parametrize("walker_id", ["7", "0", "abc"])
@pytest.mark.parametrize(("body", "headers"), BODIES)
def test_a_session_is_read_as_fastapi_reads_it(
    clients: tuple[TestClient, TestClient],
    walker_id: str,
    body: bytes,
    headers: dict[str, str],
) -> None:
    _same(
        clients,
        "POST",
        f"/api/v1/walkers/{walker_id}/sessions",
        content=body,
        headers={**CSRF, **headers},
    )


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
_FIELDS = [*SessionIn.model_fields, "extra"]


@st.composite
def _session_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """A session as a phone might send it, some fields changed to anything JSON holds."""
    body: dict[str, Any] = dict(BODY)
    for name in draw(st.lists(st.sampled_from(_FIELDS), max_size=4, unique=True)):
        if draw(st.booleans()):
            body.pop(name, None)
        else:
            body[name] = draw(_VALUES)
    return body


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=_session_bodies(), walker_id=st.sampled_from(["5", "0", "x"]))
def test_any_session_body_gets_fastapis_own_answer(
    clients: tuple[TestClient, TestClient], body: dict[str, Any], walker_id: str
) -> None:
    _same(
        clients,
        "POST",
        f"/api/v1/walkers/{walker_id}/sessions",
        content=json.dumps(body).encode(),
        headers={**CSRF, "content-type": "application/json"},
    )


def test_the_openapi_document_is_the_one_fastapis_route_class_makes() -> None:
    def document(route_class: type[APIRoute]) -> dict[str, Any]:
        router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, route_class=route_class)
        for route in phone_v1.router.routes:
            assert isinstance(route, APIRoute)
            router.add_api_route(
                route.path.removeprefix("/api/v1"),
                route.endpoint,
                methods=sorted(route.methods or ()),
                response_model=route.response_model,
                status_code=route.status_code,
                tags=list(route.tags),
                responses=dict(route.responses),
                summary=route.summary,
                description=route.description,
            )
        app = FastAPI()
        app.include_router(router)
        return app.openapi()

    assert all(isinstance(route, LeanRoute) for route in phone_v1.router.routes)
    lean = document(LeanRoute)
    assert lean == document(APIRoute)
    assert {"/api/v1/walkers/{walker_id}/today", "/api/v1/walkers/{walker_id}/sessions"} <= set(
        lean["paths"]
    )


def test_a_signature_it_cannot_read_is_refused_when_the_route_is_made() -> None:
    router = APIRouter(route_class=LeanRoute)

    async def with_query(request: Request, weeks: int) -> Response:
        return Response()

    with pytest.raises(TypeError, match="weeks"):
        router.add_api_route("/walkers/{walker_id}/x", with_query, methods=["GET"])


def test_no_csrf_header_is_refused_before_a_broken_body_is_read(world: World) -> None:
    """The one deliberate difference from FastAPI: the header first, then the body."""
    with world.client() as client:
        sign_in(client, world.walker_a)
        assert world.walker_a.walker is not None
        answer = client.post(
            f"/api/v1/walkers/{world.walker_a.walker.id}/sessions",
            content=b"{ not json",
            headers={"content-type": "application/json"},
        )
    assert answer.status_code == 403
    assert "security token" in answer.json()["detail"]


def test_a_signed_out_phone_is_told_to_sign_in_before_what_is_wrong_with_its_body(
    world: World,
) -> None:
    """As on every other API route (FastAPI solves the sign-in before the body): a phone
    whose sign-in ended hears "sign in" first, not a list of fields, and then the fields."""
    assert world.walker_a.walker is not None
    path = f"/api/v1/walkers/{world.walker_a.walker.id}/sessions"
    bad = {**BODY, "duration_min": "ten"}
    with world.client() as client:
        signed_out = client.post(path, json=bad, headers=CSRF)
        assert signed_out.status_code == 401
        assert client.get("/api/v1/walkers/0/today").status_code == 401
        csrf = sign_in(client, world.walker_a)
        signed_in = client.post(path, json=bad, headers={"X-CSRF-Token": csrf})
    assert signed_in.status_code == 422
    assert [p["field"] for p in signed_in.json()["problems"]] == ["duration_min"]
