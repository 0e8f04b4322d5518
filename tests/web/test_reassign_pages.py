"""Moving a walker to another clinician from the web page and the JSON API: only an
administrator sees the form and may post it; a wrong choice is named next to its box; the
clinician before loses the walker's page at once, the one after gains it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retrowalk.services import walkers
from retrowalk.web import labels
from tests.web.conftest import (
    LiveServer,
    Person,
    World,
    build_world,
    form_csrf,
    sign_in,
    web_admin,
)

REASON = "Dr A is away for three months."


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Person]]:
    """A world of its own: moving walkers here must not change the other tests' world."""
    app, world = build_world(Path(tmp_path_factory.mktemp("reassign")))
    admin = web_admin(world)
    with LiveServer(app) as server:
        world.url = server.url
        yield world, admin
    world.ctx.db.dispose()


def test_an_administrator_moves_a_walker_on_the_page(clinic: tuple[World, Person]) -> None:
    world, admin = clinic
    assert world.walker_a.walker is not None
    walker_id = world.walker_a.walker.id
    page = f"/clinician/walkers/{walker_id}"
    with world.client() as client:
        sign_in(client, world.clinician_a)
        own = client.get(page)
        assert own.status_code == 200
        assert "Move to another clinician" not in own.text  # her clinician: no such form
        refused = client.post(
            f"{page}/clinician",
            data={
                "csrf_token": form_csrf(own.text),
                "clinician_id": str(world.clinician_b.actor.account_id),
                "reassign_reason": REASON,
            },
        )
        assert refused.status_code == 403
    with world.client() as client:
        sign_in(client, admin)
        form = client.get(page)
        assert "Move to another clinician" in form.text
        for name in ("clinician_id", "reassign_reason"):  # the words an error names are there
            assert labels.CLINICIAN_FIELDS[name] in form.text
        assert world.clinician_b.name in form.text
        csrf = form_csrf(form.text)
        empty = client.post(
            f"{page}/clinician",
            data={"csrf_token": csrf, "clinician_id": "", "reassign_reason": ""},
        )
        assert empty.status_code == 422
        assert 'id="clinician_id-error"' in empty.text
        assert 'id="reassign_reason-error"' in empty.text
        moved = client.post(
            f"{page}/clinician",
            data={
                "csrf_token": csrf,
                "clinician_id": str(world.clinician_b.actor.account_id),
                "reassign_reason": REASON,
            },
        )
        assert moved.status_code == 303
        assert "is now looked after" in client.get(moved.headers["location"]).text
    with world.client() as client:
        sign_in(client, world.clinician_a)
        # No longer hers: answered as a walker that does not exist (404), never confirmed.
        gone = client.get(page)
        assert gone.status_code == 404
        assert world.walker_a.name not in gone.text
        assert world.walker_a.name not in client.get("/clinician").text
    with world.client() as client:
        sign_in(client, world.clinician_b)
        assert client.get(page).status_code == 200
        assert world.walker_a.name in client.get("/clinician").text


def test_the_api_moves_a_walker_for_an_administrator_only(clinic: tuple[World, Person]) -> None:
    world, admin = clinic
    assert world.walker_b.walker is not None
    walker_id = world.walker_b.walker.id
    url = f"/api/v1/walkers/{walker_id}/clinician"
    body = {"clinician_id": world.clinician_a.actor.account_id, "reason": REASON}
    with world.client() as client:
        csrf = sign_in(client, world.walker_b)
        assert client.post(url, json=body, headers={"X-CSRF-Token": csrf}).status_code == 403
    with world.client() as client:
        csrf = sign_in(client, world.clinician_b)
        assert client.post(url, json=body, headers={"X-CSRF-Token": csrf}).status_code == 403
    with world.client() as client:
        csrf = sign_in(client, admin)
        assert client.post(url, json=body).status_code == 403  # no CSRF header
        wrong = client.post(
            url,
            json={**body, "clinician_id": world.walker_b.walker.account_id},  # a walker
            headers={"X-CSRF-Token": csrf},
        )
        assert wrong.status_code == 422
        assert [p["field"] for p in wrong.json()["problems"]] == ["clinician_id"]
        done = client.post(url, json=body, headers={"X-CSRF-Token": csrf})
        assert done.status_code == 200, done.text
        assert done.json()["clinician_id"] == world.clinician_a.actor.account_id
    after = walkers.get_walker(world.ctx, world.admin, walker_id)
    assert after.clinician_id == world.clinician_a.actor.account_id
