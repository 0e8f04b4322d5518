"""The clinician's adjustment tried from the web page and the JSON API, over a real socket
(found by the outside-in test): a surface off what the fall-risk restriction allows is
refused (RULES.md §7.1, §7.3: only a recorded clearance lifts a restriction), and a new
speed above retrowalk's own limit is kept only when the clinician confirms it (§7.10).
Refused means nothing stored."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import count

import httpx

from retrowalk.services import assessments, plans, screening
from tests.web.conftest import CLEARED_SCREENING, Person, World, form_csrf, invite_walker, sign_in
from tests.web.planned_walkers import planned, send, text_of

_n = count()
HIGH_RISK_TESTS = {
    "tug_s": 14.0,
    "tandem_stance_s": 5,
    "chair_stand_count": 8,
    "backward_walk_3m_s": 6.0,
}
"""A Timed Up and Go of 14 s: high fall risk, every session supervised on a safe surface."""


def high_fall_risk(world: World) -> Person:
    n = next(_n)
    person = invite_walker(
        world.ctx, world.clinician_a, f"held{n}@example.org", f"Held {n}", "held-pass-12"
    )
    assert person.walker is not None
    before = world.ctx.at(datetime.now(UTC) - timedelta(days=3))
    screening.screen_walker(before, person.actor, person.walker.id, CLEARED_SCREENING)
    assessments.record_assessment(before, person.actor, person.walker.id, HIGH_RISK_TESTS)
    plans.make_plan(before, person.actor, person.walker.id)
    return person


def _plan(desk: httpx.Client, walker_id: int) -> dict[str, object]:
    plan: dict[str, object] = desk.get(f"/api/v1/walkers/{walker_id}/prescription").json()
    return plan


def test_the_api_keeps_the_surface_under_fall_risk(world: World) -> None:
    person = high_fall_risk(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        before = _plan(desk, person.walker.id)
        body = {"surface": "flat_clear_known_path", "reason": "She walks well outside"}
        refused = send(desk, csrf, f"{base}/adjustments", body)
        assert refused.status_code == 422
        assert "fall-risk restriction is active" in refused.json()["detail"]
        assert _plan(desk, person.walker.id) == before


def test_the_api_asks_for_a_fast_speed_to_be_confirmed(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        before = _plan(desk, person.walker.id)
        body = {"speed_m_s": 2.5, "reason": "Treadmill athlete"}
        refused = send(desk, csrf, f"{base}/adjustments", body)
        assert refused.status_code == 422
        assert "above retrowalk's own limit for this walker" in refused.json()["detail"]
        assert _plan(desk, person.walker.id) == before
        kept = send(desk, csrf, f"{base}/adjustments", {**body, "confirm_speed": True})
        assert kept.status_code == 201
        assert kept.json()["speed_m_s"] == 2.5


def _adjust_form(desk: httpx.Client, walker_id: int, fields: dict[str, str]) -> httpx.Response:
    page = desk.get(f"/clinician/walkers/{walker_id}").text
    return desk.post(
        f"/clinician/walkers/{walker_id}/adjust",
        data={"csrf_token": form_csrf(page), **fields},
    )


def test_the_page_keeps_the_surface_under_fall_risk(world: World) -> None:
    person = high_fall_risk(world)
    assert person.walker is not None
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        before = _plan(desk, person.walker.id)
        fields = {"surface": "flat_clear_known_path", "adjust_reason": "She walks well outside"}
        shown = _adjust_form(desk, person.walker.id, fields)
        assert shown.status_code == 422
        assert "fall-risk restriction is active" in text_of(shown.text)
        assert _plan(desk, person.walker.id) == before


def test_the_page_asks_for_a_fast_speed_to_be_confirmed(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        before = _plan(desk, person.walker.id)
        assert 'name="confirm_speed"' not in desk.get(f"/clinician/walkers/{person.walker.id}").text
        fields = {"speed_m_s": "2.5", "adjust_reason": "Treadmill athlete"}
        shown = _adjust_form(desk, person.walker.id, fields)
        assert shown.status_code == 422
        assert "above retrowalk's own limit for this walker" in text_of(shown.text)
        assert 'name="confirm_speed"' in shown.text  # the box appears with the question
        assert 'value="2.5"' in shown.text  # what was typed is kept
        assert _plan(desk, person.walker.id) == before
        done = _adjust_form(desk, person.walker.id, {**fields, "confirm_speed": "yes"})
        assert done.status_code == 303
        assert _plan(desk, person.walker.id)["speed_m_s"] == 2.5


def test_the_form_offers_only_the_surfaces_the_restriction_allows(world: World) -> None:
    person = high_fall_risk(world)
    assert person.walker is not None
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        page = desk.get(f"/clinician/walkers/{person.walker.id}").text
        form = page[page.index('id="adj-surface"') :]
        form = form[: form.index("</select>")]
        offered = re.findall(r'<option value="([a-z_]+)"', form)
        assert offered == ["treadmill_with_handrails", "hallway_with_rail_and_spotter"]
