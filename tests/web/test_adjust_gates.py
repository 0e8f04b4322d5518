"""The clinician's adjustment tried from the web page and the JSON API, over a real socket
(found by the outside-in test): a surface off what the fall-risk restriction allows is
refused (RULES.md §7.1, §7.3: only a recorded clearance lifts a restriction), a new speed
above retrowalk's own limit is kept only when the clinician confirms it (§7.10), and a move
to a treadmill takes its speed from the treadmill speed test (§7.10), which the walker reads.
Refused means nothing stored. The change log shows only what changed, before → after."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import count

import httpx

from retrowalk.services import assessments
from tests.services.factory import HIGH_RISK_TESTS, TREADMILL_TEST, screened_and_planned
from tests.web.conftest import CLEARED_SCREENING, Person, World, form_csrf, invite_walker, sign_in
from tests.web.planned_walkers import planned, send, text_of

_n = count()


def high_fall_risk(world: World) -> Person:
    n = next(_n)
    person = invite_walker(
        world.ctx, world.clinician_a, f"held{n}@example.org", f"Held {n}", "held-pass-12"
    )
    assert person.walker is not None
    before = world.ctx.at(datetime.now(UTC) - timedelta(days=3))
    screened_and_planned(before, person.actor, person.walker.id, HIGH_RISK_TESTS, CLEARED_SCREENING)
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


def _treadmill_tested(world: World, person: Person) -> None:
    assert person.walker is not None
    when = world.ctx.at(datetime.now(UTC) - timedelta(days=2))
    assessments.record_assessment(when, person.actor, person.walker.id, TREADMILL_TEST)


def test_the_api_refuses_a_treadmill_without_its_speed_test(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        before = _plan(desk, person.walker.id)
        refused = send(desk, csrf, f"{base}/adjustments", {"surface": "treadmill", "reason": "Gym"})
        assert refused.status_code == 422
        body = refused.json()
        assert body["detail"].startswith(f"{person.name} has no treadmill speed test yet")
        assert [p["field"] for p in body["problems"]] == ["surface"]
        assert _plan(desk, person.walker.id) == before
        own = {"surface": "treadmill", "speed_m_s": 0.6, "reason": "Gym"}
        asked = send(desk, csrf, f"{base}/adjustments", own)
        assert asked.status_code == 422
        assert [p["field"] for p in asked.json()["problems"]] == ["speed_m_s"]
        kept = send(desk, csrf, f"{base}/adjustments", {**own, "confirm_speed": True})
        assert kept.status_code == 201
        assert kept.json()["details"]["speed_source"] == "clinician"


def test_the_walker_reads_where_the_treadmill_speed_came_from(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    _treadmill_tested(world, person)
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        moved = send(desk, csrf, f"{base}/adjustments", {"surface": "treadmill", "reason": "Gym"})
        assert moved.status_code == 201
        assert moved.json()["speed_m_s"] == 0.7
    with world.client() as phone:
        sign_in(phone, person)
        today = text_of(phone.get("/today").text)
        assert "On a treadmill your speed comes from your treadmill speed test" in today
        assert "not from the 3-metre backward walk: it measured 0.70 m/s (2.5 km/h)" in today


def test_the_page_asks_for_a_speed_on_a_treadmill_without_its_test(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        before = _plan(desk, person.walker.id)
        fields = {"surface": "treadmill", "adjust_reason": "A treadmill at home"}
        shown = _adjust_form(desk, person.walker.id, fields)
        assert shown.status_code == 422
        assert "has no treadmill speed test yet" in text_of(shown.text)
        own = {**fields, "speed_m_s": "0.6"}
        asked = _adjust_form(desk, person.walker.id, own)
        assert asked.status_code == 422
        assert "would be your own setting, not a measured speed" in text_of(asked.text)
        assert 'name="confirm_speed"' in asked.text
        assert _plan(desk, person.walker.id) == before
        done = _adjust_form(desk, person.walker.id, {**own, "confirm_speed": "yes"})
        assert done.status_code == 303
    with world.client() as phone:
        sign_in(phone, person)
        today = text_of(phone.get("/today").text)
        assert "is your clinician's own setting, not a measured speed" in today


def test_the_change_log_shows_only_what_changed(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    _treadmill_tested(world, person)
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        longer = {"duration_min": "12", "adjust_reason": "Feels fine"}
        assert _adjust_form(desk, person.walker.id, longer).status_code == 303
        moved = {"surface": "treadmill", "adjust_reason": "A treadmill at home"}
        assert _adjust_form(desk, person.walker.id, moved).status_code == 303
        log = text_of(desk.get(f"/clinician/walkers/{person.walker.id}/audit").text)
        assert "minutes: 10 min → 12 min" in log
        changes = log[log.index("changed the plan") :]
        changes = changes[: changes.index("recorded the baseline tests")]
        assert "None" not in changes
        assert "duration min" not in changes
        assert (
            "reason: A treadmill at home · surface: flat, clear, known path → treadmill · "
            "speed: 0.75 m/s (2.7 km/h) → 0.70 m/s (2.5 km/h) · speed from: the 3-metre "
            "backward walk → the treadmill speed test · base of the speed limit: 0.75 m/s "
            "(2.7 km/h) → 0.70 m/s (2.5 km/h)"
        ) in changes
        exported = desk.get(
            f"/api/v1/walkers/{person.walker.id}/audit", params={"action": "prescription.adjust"}
        ).json()["entries"]
        assert exported[-1]["detail"] == {
            "reason": "Feels fine",
            "duration_min": {"before": 10, "after": 12},
        }
        assert csrf
