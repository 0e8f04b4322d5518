"""The clinician's audit view (a page per walker and the API): who changed what and when,
from the append-only audit log, with filters; only the walker's own clinician sees it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from retrowalk.services import sessions
from retrowalk.web.pages.audit_pages import detail_words
from tests.web.conftest import SESSION_BODY, World, give_history, invite_walker, sign_in
from tests.web.planned_walkers import text_of


def test_the_page_lists_who_changed_what_newest_first(world: World) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        csrf = sign_in(client, world.clinician_a)
        client.post(
            f"/api/v1/walkers/{walker_id}/notes",
            json={"text": "Reviewed the week"},
            headers={"X-CSRF-Token": csrf},
        )
        page = client.get(f"/clinician/walkers/{walker_id}/audit")
        assert page.status_code == 200
        assert f"Change log: {world.walker_a.name}" in page.text
        for words in (
            "created their account from the invitation",
            "answered the safety screening",
            "made the starting plan",
            "logged a session",
            "added a note",
        ):
            assert words in page.text, words
        rows = page.text.split("<tbody>")[1]
        assert rows.index("added a note") < rows.index("logged a session"), "newest first"
        assert world.clinician_a.name in rows
        assert world.walker_a.name in rows
        walker_page = client.get(f"/clinician/walkers/{walker_id}")
        assert f'href="/clinician/walkers/{walker_id}/audit"' in walker_page.text


def test_filters_by_kind_person_and_date(world: World) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        sign_in(client, world.clinician_a)
        sessions_only = client.get(f"/api/v1/walkers/{walker_id}/audit?action=session").json()
        assert sessions_only["total"] >= 1
        assert {e["action"] for e in sessions_only["entries"]} == {"session.log"}
        everything = client.get(f"/api/v1/walkers/{walker_id}/audit").json()
        walker_account = world.walker_a.actor.account_id
        by_walker = client.get(
            f"/api/v1/walkers/{walker_id}/audit?actor_account_id={walker_account}"
        ).json()
        assert 0 < by_walker["total"] <= everything["total"]
        assert {e["actor_account_id"] for e in by_walker["entries"]} == {walker_account}
        tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
        later = client.get(f"/api/v1/walkers/{walker_id}/audit?since={tomorrow}").json()
        assert later["total"] == 0
        page = client.get(f"/clinician/walkers/{walker_id}/audit?action=session&since=2026-13-01")
        assert page.status_code == 422
        assert "“2026-13-01” is not a date" in page.text
        wrong = client.get(f"/api/v1/walkers/{walker_id}/audit?since=3000-01-01")
        assert wrong.status_code == 422
        assert "since" in wrong.json()["detail"]
        assert client.get(f"/api/v1/walkers/{walker_id}/audit?limit=1").json()["entries"][0]
        one_page = client.get(f"/api/v1/walkers/{walker_id}/audit?limit=1&offset=1").json()
        assert one_page["entries"][0]["id"] == everything["entries"][1]["id"]


def test_only_the_walkers_own_clinician_sees_it(world: World) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    for person in (world.clinician_b, world.walker_a, world.walker_b):
        with world.client() as client:
            sign_in(client, person)
            # Answered as a walker that does not exist: the answer never confirms the id.
            for url in (
                f"/api/v1/walkers/{walker_id}/audit",
                f"/clinician/walkers/{walker_id}/audit",
            ):
                missing = client.get(url.replace(f"/{walker_id}/", "/999999/"))
                page = client.get(url)
                assert page.status_code == missing.status_code, (person.email, url)
                assert page.status_code in {403, 404}
            assert "logged a session" not in page.text


def test_an_entry_says_which_restriction_and_which_adverse_events(world: World) -> None:
    """Found by the outside-in test: "restriction: add" did not say which one, and a logged
    session did not show the near-fall it reported."""
    person = invite_walker(
        world.ctx, world.clinician_a, "audit.fall@example.org", "Audit Fall", "walks-back-12"
    )
    assert person.walker is not None
    give_history(world.ctx, person)
    sessions.log_session(
        world.ctx,
        person.actor,
        person.walker.id,
        {**SESSION_BODY, "client_key": "audit-fall-1", "adverse_events": ["near_fall"]},
    )
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(f"/clinician/walkers/{person.walker.id}/audit").text
    assert "a restriction followed from this session" in page
    assert "restrictions: adverse-event review" in page
    assert "adverse events: near fall" in page
    # found by the outside-in test: codes and Python words in the line of an entry
    for code in ("False", "True", "client key", "_path", "stop_and_refer", "clear_to_start"):
        assert code not in text_of(page), code


def test_an_entrys_detail_is_in_words_not_codes() -> None:
    """Found by the outside-in test: "supervised: False · surface: flat_clear_known_path",
    "red flags: knee_giving_way", "outcome: stop_and_refer" and a client key on every
    session."""
    line = detail_words(
        {
            "supervised": False,
            "surface": "flat_clear_known_path",
            "red_flags": ["knee_giving_way"],
            "outcome": "stop_and_refer",
            "client_key": "b3f1",
            "version": 2,
        }
    )
    assert "supervised: no" in line
    assert "version: 2" in line
    for code in ("False", "_", "b3f1", "client key"):
        assert code not in line, (code, line)
