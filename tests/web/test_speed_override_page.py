"""The walker's today page and guided session never show a speed faster than retrowalk's
rules set without saying it is the clinician's own setting (RULES.md §7.10)."""

from __future__ import annotations

from tests.web.conftest import CLEARED_SCREENING, World, sign_in
from tests.web.test_restrictions_api import FULL, new_walker, post


def test_the_walker_reads_that_a_fast_speed_is_her_clinicians_setting(world: World) -> None:
    person = new_walker(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        post(client, csrf, f"{base}/screenings", CLEARED_SCREENING)
        post(client, csrf, f"{base}/assessments", FULL)
        assert post(client, csrf, f"{base}/plan", {}).status_code == 201
        assert 'data-speed="clinician-setting"' not in client.get("/today").text
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        body = {"speed_m_s": 3.0, "reason": "Treadmill athlete", "confirm_speed": True}
        assert post(desk, csrf, f"{base}/adjustments", body).status_code == 201
    with world.client() as client:
        sign_in(client, person)
        for page in (client.get("/today").text, client.get("/session").text):
            assert 'data-speed="clinician-setting"' in page
            assert "is your clinician&#39;s own setting" in page
