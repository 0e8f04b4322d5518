"""A one-time key sent again with other values is refused on the web: 409 with the sentence
through the JSON API (notes, sessions, a plan change), and the note form's page says it —
with the edited text still in its box — instead of "already saved" (found in review: a
clinician who pressed Back, changed her note and sent it again lost the change in silence).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from retrowalk.store.models import ClinicianNote, Prescription, WalkSession
from tests.web.conftest import SESSION_BODY, World, form_csrf, sign_in
from tests.web.own_world import world
from tests.web.planned_walkers import planned, send, text_of
from tests.web.test_clinician_forms_sent_twice import _key

__all__ = ["world"]

REFUSED = "was already saved under this key with other values; nothing new was saved"


def _count(world: World, model: Any, walker_id: int) -> int:
    with world.ctx.db.reader() as tx:
        query = select(func.count()).select_from(model).where(model.walker_id == walker_id)
        return int(tx.scalar(query) or 0)


def _three_sendings(
    world: World, who: Any, path: str, body: dict[str, Any], other: dict[str, Any]
) -> tuple[int, int, int, str]:
    """``body`` twice under one key, then ``other`` under it: the three statuses and the
    third answer's text."""
    with world.client() as client:
        csrf = sign_in(client, who)
        first = send(client, csrf, path, {**body, "client_key": "web-key-1"})
        again = send(client, csrf, path, {**body, "client_key": "web-key-1"})
        edited = send(client, csrf, path, {**body, **other, "client_key": "web-key-1"})
        assert again.json()["id"] == first.json()["id"]
    return first.status_code, again.status_code, edited.status_code, edited.text


def test_the_api_answers_409_to_a_note_under_a_used_key_with_other_text(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    walker_id = person.walker.id
    statuses = _three_sendings(
        world,
        world.clinician_a,
        f"/api/v1/walkers/{walker_id}/notes",
        {"text": "Walks well."},
        {"text": "Walks well; try a slope."},
    )
    assert statuses[:3] == (201, 200, 409)
    assert f"this note {REFUSED}" in statuses[3]
    assert _count(world, ClinicianNote, walker_id) == 1


def test_the_api_answers_409_to_a_session_under_a_used_key_with_other_values(
    world: World,
) -> None:
    person = planned(world)
    assert person.walker is not None
    walker_id = person.walker.id
    statuses = _three_sendings(
        world,
        person,
        f"/api/v1/walkers/{walker_id}/sessions",
        SESSION_BODY,
        {"duration_min": 12},
    )
    assert statuses[:3] == (201, 200, 409)
    assert f"this session {REFUSED}" in statuses[3]
    assert _count(world, WalkSession, walker_id) == 1


def test_the_api_answers_409_to_a_plan_change_under_a_used_key_with_other_values(
    world: World,
) -> None:
    person = planned(world)
    assert person.walker is not None
    walker_id = person.walker.id
    versions = _count(world, Prescription, walker_id)
    statuses = _three_sendings(
        world,
        world.clinician_a,
        f"/api/v1/walkers/{walker_id}/adjustments",
        {"duration_min": 12, "reason": "Doing well"},
        {"duration_min": 14},
    )
    assert statuses[:3] == (201, 200, 409)
    assert f"this change to the plan {REFUSED}" in statuses[3]
    assert _count(world, Prescription, walker_id) == versions + 1


def test_the_note_form_sent_back_after_an_edit_says_so_and_keeps_the_edit(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    walker_id = person.walker.id
    action = f"/clinician/walkers/{walker_id}/note"
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(f"/clinician/walkers/{walker_id}").text
        form = {"csrf_token": form_csrf(page), "client_key": _key(page, action)}
        first = client.post(action, data={**form, "note_text": "Knee settled."})
        assert first.status_code == 303
        # Back, an edit, and the same form (its hidden key kept by the browser) sent again
        edited = client.post(action, data={**form, "note_text": "Knee settled; add a slope."})
        assert edited.status_code == 409
        shown = text_of(edited.text)
        assert f"this note {REFUSED}" in shown
        assert "Traceback" not in edited.text
        assert "Knee settled; add a slope." in edited.text  # the edit is still in its box
        # the page shown again is a new rendering of the form: a new key, so it saves
        again = {
            "csrf_token": form_csrf(edited.text),
            "client_key": _key(edited.text, action),
            "note_text": "Knee settled; add a slope.",
        }
        assert again["client_key"] != form["client_key"]
        assert client.post(action, data=again).status_code == 303
    assert _count(world, ClinicianNote, walker_id) == 2


def test_a_fall_added_on_a_copy_with_other_values_is_kept_and_the_rest_stays(
    world: World,
) -> None:
    """Found by the outside-in test: the session sent again with the fall ticked and the
    peak pain changed was refused (409) and the fall was lost. What went wrong is always
    added; the other values stay as first saved, and she is told so."""
    person = planned(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        first = send(client, csrf, f"{base}/sessions", {**SESSION_BODY, "client_key": "fall-1"})
        assert first.status_code == 201, first.text
        again = send(
            client,
            csrf,
            f"{base}/sessions",
            {
                **SESSION_BODY,
                "client_key": "fall-1",
                "pain_peak_nprs": 7,
                "adverse_events": ["fall"],
                "completed": False,
            },
        )
        assert again.status_code == 200, again.text
        saved = again.json()
        assert saved["adverse_events"] == ["fall"]
        assert saved["pain_peak_nprs"] == first.json()["pain_peak_nprs"]
        assert any("Only what went wrong was added" in n for n in saved["notices"])
        kinds = [r["kind"] for r in client.get(f"{base}/restrictions").json()["active"]]
        assert "adverse_event" in kinds
    assert _count(world, WalkSession, person.walker.id) == 1


def test_the_log_form_shown_again_after_a_used_key_is_a_new_form(world: World) -> None:
    """The page that says "this session was already saved with other values" must not carry
    the used key again: a Save from it would be refused forever."""
    person = planned(world)
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/log").text
        form = dict(re.findall(r'name="(csrf_token|client_key)" value="([^"]+)"', page))
        assert "client_key" in form
        body = {**{k: str(v) for k, v in SESSION_BODY.items()}, **form, "supervised": "yes"}
        assert client.post("/log", data=body).status_code == 200
        shown = client.post("/log", data={**body, "duration_min": "12"})
        assert shown.status_code == 409
        assert REFUSED in text_of(shown.text)
        again = dict(re.findall(r'name="(client_key)" value="([^"]+)"', shown.text))
        assert again["client_key"] != form["client_key"]
