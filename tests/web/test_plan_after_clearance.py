"""Found by the outside-in test: a walker records her tests, then a screening with a red
flag stops her plan (rightly); once her clinician clears the red flag, neither she nor the
clinician could make the plan from the web. Now today offers "Make my plan", the clinician's
page "Make the starting plan" — and both still refuse while a restriction stops it. (Tests
are recorded before the red flag: under one, the walking tests wait too, retrowalk policy —
``tests/web/test_walking_tests_held.py``.)"""

from __future__ import annotations

from retrowalk.services import assessments, clinician, plans, screening
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    Person,
    World,
    form_csrf,
    invite_walker,
    sign_in,
)


def _tests_done_no_plan(world: World, email: str) -> Person:
    person = invite_walker(world.ctx, world.clinician_a, email, "Red Flag Walker", "walks-back-12")
    assert person.walker is not None
    walker_id = person.walker.id
    screening.screen_walker(world.ctx, person.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(world.ctx, person.actor, walker_id, BASELINE)
    screening.screen_walker(
        world.ctx,
        person.actor,
        walker_id,
        {**CLEARED_SCREENING, "red_flags": ["cannot_bear_weight"]},
    )
    assert plans.current_prescription(world.ctx, person.actor, walker_id) is None
    return person


def test_the_walker_makes_her_plan_once_the_red_flag_is_cleared(world: World) -> None:
    person = _tests_done_no_plan(world, "flag.plan@example.org")
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        today = client.get("/today").text
        refused = client.post("/plan", data={"csrf_token": form_csrf(today)})
        assert refused.status_code == 303
        assert "No plan yet." in client.get(refused.headers["location"]).text  # still stopped
        assert plans.current_prescription(world.ctx, person.actor, person.walker.id) is None
        clinician.clear_walker(
            world.ctx,
            world.clinician_a.actor,
            person.walker.id,
            {"scope": "red_flag", "reason": "Seen in clinic: bears weight now."},
        )
        today = client.get("/today").text
        assert "Make my plan" in today
        made = client.post("/plan", data={"csrf_token": form_csrf(today)})
        assert made.status_code == 303
        assert "Your plan is ready" in client.get(made.headers["location"]).text
    assert plans.current_prescription(world.ctx, person.actor, person.walker.id) is not None


def test_the_clinician_makes_the_starting_plan_from_the_recorded_tests(world: World) -> None:
    person = _tests_done_no_plan(world, "flag.plan2@example.org")
    assert person.walker is not None
    page = f"/clinician/walkers/{person.walker.id}"
    with world.client() as client:
        sign_in(client, world.clinician_a)
        before = client.get(page).text
        walkers_own = client.post("/plan", data={"csrf_token": form_csrf(before)})
        assert walkers_own.status_code == 403  # "Make my plan" is the walker's, from her session
        assert "Make the starting plan" in before
        assert "Adjust the plan" not in before  # nothing to adjust yet
        refused = client.post(f"{page}/plan", data={"csrf_token": form_csrf(before)})
        assert refused.status_code == 409
        clinician.clear_walker(
            world.ctx,
            world.clinician_a.actor,
            person.walker.id,
            {"scope": "red_flag", "reason": "Seen in clinic: bears weight now."},
        )
        made = client.post(f"{page}/plan", data={"csrf_token": form_csrf(before)})
        assert made.status_code == 303
        after = client.get(made.headers["location"]).text
        assert "The starting plan is made" in after
        assert "Adjust the plan" in after
