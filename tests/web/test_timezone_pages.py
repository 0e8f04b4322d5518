"""A walker's time zone corrected from the web and the JSON API: on her own account page (no
JavaScript needed), on her clinician's page for her, and by ``PUT /api/v1/walkers/{id}/
timezone``. A wrong zone is named next to its box with what was sent kept; another walker or
another clinician is refused as for any record of hers. Found by the outside-in test: without
JavaScript the join form left an Auckland walker on UTC, and nothing could change it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from retrowalk.services import audit_view, walkers
from retrowalk.services.clock import local_date
from tests.web.conftest import (
    LiveServer,
    Person,
    World,
    build_world,
    form_csrf,
    invite_walker,
    sign_in,
)

AUCKLAND = "Pacific/Auckland"


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A world of its own: the zones changed here must not move the other tests' days."""
    app, world = build_world(Path(tmp_path_factory.mktemp("timezone")))
    with LiveServer(app) as server:
        world.url = server.url
        yield world
    world.ctx.db.dispose()


def _walker(world: World, email: str) -> Person:
    """A new walker of clinician A, stored as UTC (as the join form leaves her without
    JavaScript)."""
    name = email.split("@")[0].title()
    return invite_walker(world.ctx, world.clinician_a, email, name, f"{name}-password-1")


def _zone(world: World, person: Person) -> str:
    assert person.walker is not None
    return walkers.get_walker(world.ctx, world.admin, person.walker.id).timezone


def _changes(world: World, person: Person) -> list[dict[str, object]]:
    assert person.walker is not None
    page = audit_view.walker_audit(
        world.ctx, world.admin, person.walker.id, {"action": "walker.set_timezone"}
    )
    return [e.detail for e in page.entries]


def _selected(page: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)" selected>', page)


def test_she_corrects_her_own_time_zone_on_her_account_page(clinic: World) -> None:
    world = clinic
    her = _walker(world, "ana@example.org")
    with world.client() as client:
        sign_in(client, her)
        page = client.get("/account")
        assert page.status_code == 200
        assert "Your time zone" in page.text
        assert "which day is “today” for you" in page.text
        assert "data-current-timezone>UTC<" in page.text
        assert _selected(page.text) == ["UTC"]
        assert f'<option value="{AUCKLAND}"' in page.text  # the join form's list
        assert 'name="client_key"' in page.text
        csrf = form_csrf(page.text)
        wrong = client.post(
            "/account/timezone", data={"csrf_token": csrf, "timezone": "Auckland/Mars"}
        )
        assert wrong.status_code == 422
        assert 'id="timezone-error"' in wrong.text
        said = html.unescape(wrong.text)
        assert "Europe/London" in said
        assert _selected(wrong.text) == ["Auckland/Mars"]  # what was sent, kept
        assert _zone(world, her) == "UTC"
        done = client.post("/account/timezone", data={"csrf_token": csrf, "timezone": AUCKLAND})
        assert done.status_code == 303
        assert done.headers["location"].startswith("/account")
        after = client.get(done.headers["location"])
        assert "Your time zone is now Pacific/Auckland" in html.unescape(after.text)
        assert _selected(after.text) == [AUCKLAND]
        # "today" now follows her clock
        assert her.walker is not None
        today = client.get(f"/api/v1/walkers/{her.walker.id}/today").json()
        assert today["local_date"] == local_date(datetime.now(UTC), AUCKLAND).isoformat()
        refused = client.post("/account/timezone", data={"timezone": "UTC"})  # no CSRF token
        assert refused.status_code == 403
    assert _zone(world, her) == AUCKLAND
    assert _changes(world, her) == [{"timezone": {"before": "UTC", "after": AUCKLAND}}]


def test_her_clinician_corrects_it_and_no_other_clinician_can(clinic: World) -> None:
    world = clinic
    her = _walker(world, "bea.walker@example.org")
    assert her.walker is not None
    page = f"/clinician/walkers/{her.walker.id}"
    with world.client() as client:
        sign_in(client, world.clinician_b)
        csrf = client.get("/api/v1/session").json()["csrf_token"]
        other = client.post(f"{page}/timezone", data={"csrf_token": csrf, "timezone": AUCKLAND})
        assert other.status_code == 404
        assert her.name not in other.text
    with world.client() as client:
        sign_in(client, world.clinician_a)
        shown = client.get(page)
        assert "Correct the time zone" in shown.text
        csrf = form_csrf(shown.text)
        wrong = client.post(f"{page}/timezone", data={"csrf_token": csrf, "timezone": "Nowhere"})
        assert wrong.status_code == 422
        assert 'id="timezone-error"' in wrong.text
        assert "Nowhere" in _selected(wrong.text)
        done = client.post(f"{page}/timezone", data={"csrf_token": csrf, "timezone": AUCKLAND})
        assert done.status_code == 303
        assert done.headers["location"].startswith(page)
        shown = client.get(done.headers["location"])
        assert "time zone is now Pacific/Auckland" in html.unescape(shown.text)
    assert _zone(world, her) == AUCKLAND
    assert len(_changes(world, her)) == 1


def test_the_api_changes_it_for_her_and_refuses_anyone_else(clinic: World) -> None:
    world = clinic
    her = _walker(world, "cai@example.org")
    assert her.walker is not None
    url = f"/api/v1/walkers/{her.walker.id}/timezone"
    for intruder in (world.walker_b, world.clinician_b):
        with world.client() as client:
            csrf = sign_in(client, intruder)
            refused = client.put(url, json={"timezone": AUCKLAND}, headers={"X-CSRF-Token": csrf})
            assert refused.status_code == 404, intruder.name
    with world.client() as client:
        csrf = sign_in(client, her)
        no_token = client.put(url, json={"timezone": AUCKLAND})
        assert no_token.status_code == 403
        wrong = client.put(url, json={"timezone": "Mars/Base"}, headers={"X-CSRF-Token": csrf})
        assert wrong.status_code == 422
        assert [p["field"] for p in wrong.json()["problems"]] == ["timezone"]
        assert "Europe/London" in wrong.json()["detail"]
        done = client.put(url, json={"timezone": AUCKLAND}, headers={"X-CSRF-Token": csrf})
        assert done.status_code == 200, done.text
        assert done.json()["timezone"] == AUCKLAND
    with world.client() as client:
        csrf = sign_in(client, world.clinician_a)
        back = client.put(url, json={"timezone": "UTC"}, headers={"X-CSRF-Token": csrf})
        assert back.status_code == 200
        audit = client.get(f"/api/v1/walkers/{her.walker.id}/audit").json()
        words = [e["what"] for e in audit["entries"]]
        assert words.count("changed the walker's time zone") == 2
    assert _changes(world, her) == [
        {"timezone": {"before": AUCKLAND, "after": "UTC"}},
        {"timezone": {"before": "UTC", "after": AUCKLAND}},
    ]


def test_a_time_zone_name_of_any_length_is_a_sentence_never_a_crash(world: World) -> None:
    """A 300-character name made the zone lookup open a file ("File name too long"): a 500.
    ``localtime`` (the server's own zone) and ``Factory`` name no place: refused too."""
    assert world.walker_a.walker is not None
    path = f"/api/v1/walkers/{world.walker_a.walker.id}/timezone"
    with world.client() as client:
        csrf = sign_in(client, world.walker_a)
        for odd in ("A" * 300, "localtime", "Factory", "../../etc/passwd", "Europe/"):
            answer = client.put(path, json={"timezone": odd}, headers={"X-CSRF-Token": csrf})
            assert answer.status_code == 422, (odd, answer.text)
            (problem,) = answer.json()["problems"]
            assert problem["field"] == "timezone"
            assert "a time zone from the list" in problem["message"]
