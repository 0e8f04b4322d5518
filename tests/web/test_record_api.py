"""The walker's record as the JSON API hands it over (found by the outside-in test): a check-in
that made a rest day reads ``rest_day: true`` in the history, for the walker and her clinician,
with the moment it was recorded. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from retrowalk.services import accounts, checkins, sessions
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import AccountIn, Actor, Role
from retrowalk.web.app import create_app
from retrowalk.web.passwords import hash_password
from tests.db import ctx, database, database_url, postgres_schema_url
from tests.services.factory import T0, morning, planned_walker, session_data
from tests.web.conftest import Person, sign_in

__all__ = ["ctx", "database", "database_url", "postgres_schema_url"]

NOW = T0 + timedelta(days=5)
PASSWORD = "walks-backwards-12"


@pytest.fixture
def clinic(ctx: AppContext) -> Iterator[tuple[Any, Person, int, int]]:
    """A clinician's walker whose second morning (pain 7) made a rest day: the served app,
    the clinician, the walker's id and the rest day's check-in id."""
    admin = accounts.ensure_local_admin(ctx)
    account = accounts.create_account(
        ctx,
        admin,
        AccountIn(
            email="pat@example.org",
            display_name="Pat Physio",
            role=Role.CLINICIAN,
            password_hash=hash_password(PASSWORD),
        ),
    )
    physio = Person(
        "pat@example.org", PASSWORD, "Pat Physio", Actor(account_id=account.id, role=Role.CLINICIAN)
    )
    walker = planned_walker(ctx, physio.actor)
    sessions.log_session(ctx, physio.actor, walker.id, session_data("s0", T0))
    checkins.morning_checkin(ctx, physio.actor, walker.id, morning(T0))
    second = T0 + timedelta(days=2)
    sessions.log_session(ctx, physio.actor, walker.id, session_data("s1", second))
    rest = checkins.morning_checkin(ctx, physio.actor, walker.id, morning(second, pain=7))
    assert rest.rest_day
    from starlette.testclient import TestClient  # warns on import that httpx is deprecated

    app = create_app(ctx, clock=lambda: NOW)
    with TestClient(app) as client:
        yield client, physio, walker.id, rest.id


@pytest.mark.filterwarnings("ignore:Using `httpx`")
def test_the_history_json_says_which_morning_made_a_rest_day(
    clinic: tuple[Any, Person, int, int],
) -> None:
    client, physio, walker_id, rest_id = clinic
    sign_in(client, physio)
    response = client.get(f"/api/v1/walkers/{walker_id}/history")
    assert response.status_code == 200, response.text
    found = {c["id"]: c for c in response.json()["checkins"]}
    assert found[rest_id]["rest_day"] is True
    assert [c["rest_day"] for c in found.values()].count(True) == 1
    recorded = datetime.fromisoformat(found[rest_id]["created_at"])
    assert recorded == datetime.fromisoformat(morning(T0 + timedelta(days=2))["at"])


@pytest.mark.filterwarnings("ignore:Using `httpx`")
def test_the_clinicians_page_names_the_check_in_that_set_a_restriction(
    clinic: tuple[Any, Person, int, int],
) -> None:
    """The rest day's trigger reads "Check-in of …", never the record's code ("Checkin")."""
    client, physio, walker_id, _ = clinic
    sign_in(client, physio)
    page = client.get(f"/clinician/walkers/{walker_id}").text
    assert "Check-in of " in page
    assert "Checkin of" not in page
