"""A clearance or an adjustment whose reason has no three letters ("...", accents written
alone) is refused on the clinician's page, in the API and at the terminal, naming the reason
and what it needs; the restriction stays (RULES.md §7.1: a clearance records why)."""

from __future__ import annotations

from itertools import count
from typing import Any

import httpx

from retrowalk.services import restrictions
from tests.web.conftest import CLEARED_SCREENING, World, form_csrf, invite_walker, sign_in

_emails = count()
COMBINING_ACUTES = "\u0301\u0301\u0301\u0301"


def _red_flagged(world: World) -> Any:
    n = next(_emails)
    person = invite_walker(
        world.ctx, world.clinician_a, f"why{n}@example.org", f"Why {n}", "why-pass-123"
    )
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        client.post(
            f"{base}/screenings",
            json={**CLEARED_SCREENING, "red_flags": ["calf_pain_swelling_warmth"]},
            headers={"X-CSRF-Token": csrf},
        )
    return person


def _kinds(world: World, walker_id: int) -> list[str]:
    rows = restrictions.walker_restrictions(world.ctx, world.admin, walker_id).active
    return [r.kind for r in rows]


def _post(client: httpx.Client, csrf: str, path: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(path, json=body, headers={"X-CSRF-Token": csrf})


def test_accents_alone_never_lift_an_emergency_red_flag_in_the_api(world: World) -> None:
    person = _red_flagged(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        for reason in (COMBINING_ACUTES, "...", "12 3"):
            refused = _post(
                desk, csrf, f"{base}/clearances", {"scope": "red_flag", "reason": reason}
            )
            assert refused.status_code == 422, refused.text
            assert "at least 3 letters" in refused.json()["detail"]
            assert "reason" in refused.json()["detail"]
        assert "red_flag" in _kinds(world, person.walker.id)
        adjusted = _post(desk, csrf, f"{base}/adjustments", {"duration_min": 8, "reason": "..."})
        assert adjusted.status_code == 422
        assert "at least 3 letters" in adjusted.json()["detail"]


def test_dots_never_lift_a_red_flag_on_the_clinicians_page(world: World) -> None:
    person = _red_flagged(world)
    walker_id = person.walker.id
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        page = desk.get(f"/clinician/walkers/{walker_id}")
        refused = desk.post(
            f"/clinician/walkers/{walker_id}/clear",
            data={"scope": "red_flag", "clear_reason": "...", "csrf_token": form_csrf(page.text)},
        )
        assert refused.status_code == 422
        assert "Why you clear it: must say why in a few words (at least 3 letters" in refused.text
        assert 'data-restriction="red_flag"' in refused.text
    assert "red_flag" in _kinds(world, walker_id)
