"""A walker with no screening yet, or no plan yet, is not shown as "No flags" on the
clinician's list nor in ``/api/v1/flags`` (the terminal's `walker list`: tests/cli)."""

from __future__ import annotations

import re

from tests.web.conftest import CLEARED_SCREENING, World, sign_in
from tests.web.test_restrictions_api import new_walker, post


def _list_cell(html: str, walker_id: int) -> str:
    match = re.search(rf'<tr data-walker-id="{walker_id}">(.*?)</tr>', html, flags=re.S)
    assert match, "the walker is not on the list"
    return match.group(1)


def test_the_list_and_the_api_say_not_screened_then_no_plan(world: World) -> None:
    person = new_walker(world)
    walker_id = person.walker.id
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        cell = _list_cell(desk.get("/clinician").text, walker_id)
        assert 'data-flag="not_screened"' in cell
        assert "Not screened yet" in cell
        assert "No flags" not in cell
        rows = {r["walker"]["id"]: r for r in desk.get("/api/v1/flags").json()}
        assert rows[walker_id]["flags"] == ["not_screened"]
    with world.client() as client:
        csrf = sign_in(client, person)
        base = f"/api/v1/walkers/{walker_id}"
        assert post(client, csrf, f"{base}/screenings", CLEARED_SCREENING).status_code == 201
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        cell = _list_cell(desk.get("/clinician").text, walker_id)
        assert 'data-flag="no_plan"' in cell
        assert "No flags" not in cell
        rows = {r["walker"]["id"]: r for r in desk.get("/api/v1/flags").json()}
        assert rows[walker_id]["flags"] == ["no_plan"]
