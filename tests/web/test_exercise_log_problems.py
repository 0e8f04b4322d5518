"""An exercise tick with a bad ``done_as`` is refused in the JSON API naming that field alone
(found by the outside-in test: it also said "exercises: must not be empty" for a list of one,
pydantic's echo of a refused item of a tuple)."""

from __future__ import annotations

from tests.web.conftest import World, sign_in
from tests.web.test_restrictions_api import new_walker, post


def test_a_bad_done_as_is_the_only_problem_the_api_names(world: World) -> None:
    person = new_walker(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    tick = {
        "client_key": "bad-done-as",
        "exercises": [
            {"exercise_key": "semi_squat", "sets_done": 2, "pain_nprs": 1, "done_as": "upside"}
        ],
    }
    with world.client() as client:
        csrf = sign_in(client, person)
        refused = post(client, csrf, f"{base}/exercise-logs", tick)
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert "must not be empty" not in refused.text
    fields = [p["field"] for p in body.get("problems", [])]
    assert fields == ["exercises.0.done_as"], body
