"""A red flag stops the strengthening exercises on the page and in the JSON API alike (held by
the services, tests/services/test_exercise_gate.py): the page says to wait, the tick form
is not offered, a posted tick and an API tick are refused with the same sentence, and the
clinician's clearance of the red flag lets the walker tick again."""

from __future__ import annotations

from retrowalk.services.exercise_gate import EXERCISES_WAIT
from tests.web.conftest import CLEARED_SCREENING, World, form_csrf, sign_in
from tests.web.test_restrictions_api import new_walker, post

TICK = {"exercises": [{"exercise_key": "semi_squat", "sets_done": 2, "pain_nprs": 1}]}


def test_a_red_flag_stops_the_exercises_on_the_page_and_in_the_api(world: World) -> None:
    person = new_walker(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        red = {**CLEARED_SCREENING, "red_flags": ["locked_knee"]}
        assert post(client, csrf, f"{base}/screenings", red).status_code == 201
        api = post(client, csrf, f"{base}/exercise-logs", {**TICK, "client_key": "g1"})
        assert api.status_code == 409
        assert "No exercises can be ticked now" in api.json()["detail"]
        page = client.get("/exercises")
        assert 'data-exercises="wait"' in page.text
        assert EXERCISES_WAIT in page.text
        assert "Tick what you did today" not in page.text
        detail = client.get("/exercises/semi_squat")  # found outside-in: it offered the tick
        assert 'data-exercises="wait"' in detail.text
        assert "Tick what you did" not in detail.text
        printed = client.get("/plan/print")  # found outside-in: it read as a plan to follow
        if printed.status_code == 200:
            assert 'data-sessions="stopped"' in printed.text
            assert "No backward walking for now" in printed.text
        form = client.get("/exercises/log")
        assert form.status_code == 303
        assert form.headers["location"].split("?")[0] == "/exercises"
        posted = client.post(
            "/exercises/log",
            data={
                "csrf_token": form_csrf(page.text),
                "client_key": "g2",
                "sets__semi_squat": "2",
                "pain__semi_squat": "1",
            },
        )
        assert posted.status_code == 409
        assert "No exercises can be ticked now" in posted.text
        mine = client.get("/account/my-data.json").json()["records"]
        assert mine["exercise_logs"] == []
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        cleared = post(desk, csrf, f"{base}/clearances", {"scope": "red_flag", "reason": "GP ok"})
        assert cleared.status_code == 201, cleared.text
    with world.client() as client:
        csrf = sign_in(client, person)
        again = post(client, csrf, f"{base}/exercise-logs", {**TICK, "client_key": "g3"})
        assert again.status_code == 201
        assert "Tick what you did today" in client.get("/exercises").text
        assert "Tick what you did" in client.get("/exercises/semi_squat").text
