"""Schemathesis over the OpenAPI schema: no 5xx, and every response matches its schema.

Each API operation is fuzzed (schema-valid and schema-invalid inputs) against its own live
server and database, signed in as a clinician (the widest set of operations) and as a
walker. Sign-in and sign-out are fuzzed anonymously so they cannot end those sessions.
Bounded: MAX_EXAMPLES per operation and mode. (schemathesis' own pytest plugin does not
run under pytest 9, so the operations are driven with its Python API and hypothesis.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from retrowalk.services.sign_in_throttle import ThrottlePolicy
from retrowalk.store.engine import open_database
from retrowalk.web.app import create_app
from tests.web.conftest import LiveServer, World, build_world

MAX_EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

SCHEMA = schemathesis.openapi.from_dict(
    create_app(open_database("sqlite+pysqlite:///:memory:", migrate=False)).openapi()
)
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}
SESSION_OPERATIONS = sorted(label for label in OPERATIONS if label.endswith(" /api/v1/session"))
SIGNED_IN_OPERATIONS = sorted(set(OPERATIONS) - set(SESSION_OPERATIONS))


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    generous = ThrottlePolicy(free_failures=10_000)
    app, world = build_world(Path(tmp_path_factory.mktemp("fuzz")), generous)
    with LiveServer(app) as server:
        world.url = server.url
        yield world
    world.ctx.db.dispose()


def http_session(world: World, email: str | None = None, password: str | None = None) -> Any:
    """A requests session (cookie jar) and its CSRF token, signed in when email is given."""
    http = requests.Session()
    token = http.get(f"{world.url}/api/v1/session", timeout=30).json()["csrf_token"]
    if email is not None:
        response = http.post(
            f"{world.url}/api/v1/session",
            json={"email": email, "password": password},
            headers={"X-CSRF-Token": token},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        token = response.json()["csrf_token"]
    return http, token


@pytest.fixture(scope="module")
def as_clinician(fuzz_world: World) -> Any:
    return http_session(fuzz_world, fuzz_world.clinician_a.email, fuzz_world.clinician_a.password)


@pytest.fixture(scope="module")
def as_walker(fuzz_world: World) -> Any:
    return http_session(fuzz_world, fuzz_world.walker_a.email, fuzz_world.walker_a.password)


def fuzz(label: str, world: World, http: Any, token: str) -> None:
    operation = OPERATIONS[label]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=MAX_EXAMPLES * 2,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case: Any) -> None:
        case.call_and_validate(
            base_url=world.url, session=http, headers={"X-CSRF-Token": token}, checks=CHECKS
        )

    check()


@pytest.mark.parametrize("label", SIGNED_IN_OPERATIONS)
def test_api_as_a_clinician(label: str, fuzz_world: World, as_clinician: Any) -> None:
    fuzz(label, fuzz_world, *as_clinician)


@pytest.mark.parametrize("label", SIGNED_IN_OPERATIONS)
def test_api_as_a_walker(label: str, fuzz_world: World, as_walker: Any) -> None:
    fuzz(label, fuzz_world, *as_walker)


@pytest.mark.parametrize("label", SESSION_OPERATIONS)
def test_sign_in_and_out_anonymously(label: str, fuzz_world: World) -> None:
    fuzz(label, fuzz_world, *http_session(fuzz_world))


def test_every_operation_is_fuzzed() -> None:
    assert len(OPERATIONS) >= 20
    assert set(SIGNED_IN_OPERATIONS) | set(SESSION_OPERATIONS) == set(OPERATIONS)
