"""The walker's words agree with her plan and her record, on the pages and in the API (found
by the outside-in test of the words): walking alone in her first sessions at low fall risk;
a warning sign that needs emergency care; tests redone after a "not known" fall risk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from retrowalk.services import assessments, screening
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    SESSION_BODY,
    World,
    form_csrf,
    invite_walker,
    sign_in,
)
from tests.web.planned_walkers import planned, send, text_of

_n = count()


def _walker(world: World) -> Any:
    n = next(_n)
    return invite_walker(
        world.ctx, world.clinician_a, f"agree{n}@example.org", f"Agree {n}", "agree-pass-12"
    )


def test_alone_in_her_first_sessions_she_is_told_of_those_sessions_in_the_api(
    world: World,
) -> None:
    person = planned(world)
    with world.client() as client:
        csrf = sign_in(client, person)
        body = {**SESSION_BODY, "client_key": "alone-1", "supervised": False}
        body["surface"] = "flat_clear_known_path"
        saved = send(client, csrf, f"/api/v1/walkers/{person.walker.id}/sessions", body)
        assert saved.status_code == 201, saved.text
    alone = next(n for n in saved.json()["notices"] if "without someone with you" in n)
    assert "your first 2 sessions" in alone
    assert "every session" not in alone
    assert "balance is at risk" not in alone


def test_a_locked_knee_reads_as_an_emergency_and_names_who_lifts_the_stop(world: World) -> None:
    person = _walker(world)
    with world.client() as client:
        csrf = sign_in(client, person)
        red = {**CLEARED_SCREENING, "red_flags": ["locked_knee"]}
        assert send(client, csrf, f"/api/v1/walkers/{person.walker.id}/screenings", red).is_success
        today = text_of(client.get("/today").text)
    assert "Get emergency care now" in today
    assert "please see a doctor first" not in today
    assert "only your clinician can lift the stop" in today


def test_redone_tests_wait_for_the_clinicians_review_on_today_and_her_list(
    world: World,
) -> None:
    person = _walker(world)
    walker_id = person.walker.id
    before = world.ctx.at(datetime.now(UTC) - timedelta(days=2))
    screening.screen_walker(before, person.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(before, person.actor, walker_id, {"backward_walk_3m_s": 4.0})
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/onboarding/tests")
        redone = client.post(
            "/onboarding/tests",
            data={**{k: str(v) for k, v in BASELINE.items()}, "csrf_token": form_csrf(page.text)},
        )
        assert redone.status_code in (200, 303), redone.text
        today = text_of(client.get("/today").text)
    assert "wait for your clinician's review" in today
    assert "not done" not in today
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        listed = text_of(desk.get("/clinician").text)
        page = text_of(desk.get(f"/clinician/walkers/{walker_id}").text)
    row = listed[listed.index(person.name) :][:600]
    assert "not done" not in row
    assert "wait for your review and a clearance" in page
