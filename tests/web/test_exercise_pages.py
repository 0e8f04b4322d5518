"""The exercise and education pages over HTTP: the walker reads an exercise with its drawing
and ticks what she did; her clinician sees adherence and switches an exercise off; the JSON
API does the same; education pages are linked from today and from the decisions."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from retrowalk.clinical.exercises import EXERCISES, programme_for
from retrowalk.services import audit_view, exercise_log
from tests.web.conftest import Person, World, form_csrf, invite_walker, sign_in

_count = itertools.count(1)


def _new_walker(world: World, **profile: object) -> Person:
    """A fresh walker of clinician A, so each test starts with no ticks and no switches."""
    n = next(_count)
    return invite_walker(
        world.ctx,
        world.clinician_a,
        f"ex{n}@example.org",
        f"Exa Walker{n}",
        "exa-pass-123",
        **profile,
    )


@contextmanager
def _client(world: World, person: Person) -> Iterator[tuple[httpx.Client, str]]:
    with world.client() as client:
        yield client, sign_in(client, person)


def test_the_walker_reads_her_programme_and_an_exercise_with_its_drawing(world: World) -> None:
    walker = _new_walker(world)
    with _client(world, walker) as (client, _):
        page = client.get("/exercises")
        assert page.status_code == 200
        for key in programme_for("oa").exercises:
            assert f'href="/exercises/{key}"' in page.text
            assert f"/static/exercises/{EXERCISES[key].picture.file}" in page.text
        one = client.get("/exercises/straight_leg_raise")
        assert one.status_code == 200
        exercise = EXERCISES["straight_leg_raise"]
        assert f'alt="{exercise.picture.alt}"' in one.text
        for step in exercise.steps:
            assert step in one.text
        assert exercise.stop_if in one.text
        assert "Easier:" in one.text
        assert "Harder:" in one.text
        drawing = client.get(f"/static/exercises/{exercise.picture.file}")
        assert drawing.status_code == 200
        assert drawing.headers["content-type"].startswith("image/svg+xml")
        press = client.get("/exercises/leg_press")
        assert "Needs a machine" in press.text
        assert 'href="/exercises/sit_to_stand"' in press.text
        home = client.get("/exercises/sit_to_stand")
        assert "Home alternative" in home.text


def test_a_patellofemoral_walker_gets_hip_work_labelled_as_policy(world: World) -> None:
    walker = _new_walker(world, knee_condition="patellofemoral_pain")
    with _client(world, walker) as (client, _):
        page = client.get("/exercises")
        assert 'href="/exercises/clamshell"' in page.text
        assert 'href="/exercises/leg_press"' not in page.text
        assert "our policy" in page.text


def test_the_walker_ticks_what_she_did(world: World) -> None:
    walker = _new_walker(world)
    assert walker.walker is not None
    with _client(world, walker) as (client, _):
        form = client.get("/exercises/log")
        assert form.status_code == 200
        assert 'name="sets__semi_squat"' in form.text
        assert 'for="pain__semi_squat"' in form.text
        data = {
            "csrf_token": form_csrf(form.text),
            "client_key": "tick-web-1",
            "sets__semi_squat": "3",
            "pain__semi_squat": "2",
            "sets__leg_press": "2",
            "pain__leg_press": "1",
            "done_as__leg_press": "home_alternative",
        }
        saved = client.post("/exercises/log", data=data)
        assert saved.status_code == 303
        assert saved.headers["location"].startswith("/exercises?flash=")
        assert "your exercises are saved" in client.get(saved.headers["location"]).text
        again = client.post("/exercises/log", data=data)  # a double tap stores it once
        assert again.status_code == 303
        mine = client.get("/account/my-data.json").json()["records"]
        assert len(mine["exercise_logs"]) == 1
        assert {e["exercise_key"] for e in mine["exercise_log_entries"]} == {
            "semi_squat",
            "leg_press",
        }
        press = next(e for e in mine["exercise_log_entries"] if e["exercise_key"] == "leg_press")
        assert press["done_as"] == "home_alternative"
    week = exercise_log.exercise_adherence(world.ctx, walker.actor, walker.walker.id).weeks[-1]
    squat = next(e for e in week.exercises if e.exercise_key == "semi_squat")
    assert (squat.days_done, squat.sets_done, squat.pain_peak_nprs) == (1, 3, 2)
    assert week.sets_done == 5


def test_an_exercise_that_hurt_too_much_is_answered_with_what_to_do(world: World) -> None:
    """The page and the API both say it: pain above 5/10 is the red zone."""
    walker = _new_walker(world)
    with _client(world, walker) as (client, csrf):
        form = client.get("/exercises/log")
        saved = client.post(
            "/exercises/log",
            data={
                "csrf_token": form_csrf(form.text),
                "client_key": "tick-hurt-1",
                "sets__semi_squat": "2",
                "pain__semi_squat": "8",
            },
        )
        assert saved.status_code == 303
        page = client.get(saved.headers["location"]).text
        assert "your exercises are saved" in page
        assert f"during {EXERCISES['semi_squat'].name} is too much" in page
        assert "tell your clinician" in page
        assert walker.walker is not None
        api = client.post(
            f"/api/v1/walkers/{walker.walker.id}/exercise-logs",
            json={
                "client_key": "tick-hurt-2",
                "exercises": [
                    {"exercise_key": "straight_leg_raise", "sets_done": 1, "pain_nprs": 6}
                ],
            },
            headers={"X-CSRF-Token": csrf},
        )
        assert api.status_code in (200, 201), api.text
        assert api.json()["too_painful"] == ["straight_leg_raise"]


def test_a_wrong_tick_says_what_to_fix_and_stores_nothing(world: World) -> None:
    walker = _new_walker(world)
    assert walker.walker is not None
    with _client(world, walker) as (client, _):
        csrf = form_csrf(client.get("/exercises/log").text)
        empty = client.post("/exercises/log", data={"csrf_token": csrf, "client_key": "e1"})
        assert empty.status_code == 422
        assert "at least one exercise" in empty.text
        no_pain = client.post(
            "/exercises/log",
            data={"csrf_token": csrf, "client_key": "e2", "sets__semi_squat": "2"},
        )
        assert no_pain.status_code == 422
        assert 'id="pain__semi_squat-error"' in no_pain.text
        assert no_pain.text.count("Please answer this") == 1, "said once, next to the box"
        assert f"{EXERCISES['semi_squat'].name} (pain): please answer this" in no_pain.text
        assert re.search(r'id="pain__semi_squat"[^>]*aria-invalid="true"', no_pain.text)
        assert 'value="2" selected' in no_pain.text, "what she chose is kept"
        too_many = client.post(
            "/exercises/log",
            data={
                "csrf_token": csrf,
                "client_key": "e3",
                "sets__semi_squat": "99",
                "pain__semi_squat": "1",
            },
        )
        assert too_many.status_code == 422
        assert "at most" in too_many.text
    week = exercise_log.exercise_adherence(world.ctx, walker.actor, walker.walker.id).weeks[-1]
    assert week.sets_done == 0


def test_the_clinician_sees_adherence_and_switches_an_exercise_off(world: World) -> None:
    walker = _new_walker(world)
    assert walker.walker is not None
    walker_id = walker.walker.id
    exercise_log.log_exercises(
        world.ctx,
        walker.actor,
        walker_id,
        {
            "client_key": "c1",
            "exercises": [{"exercise_key": "semi_squat", "sets_done": 3, "pain_nprs": 4}],
        },
    )
    with _client(world, world.clinician_a) as (client, _):
        page = client.get(f"/clinician/walkers/{walker_id}")
        assert page.status_code == 200
        assert 'id="exercises-h"' in page.text
        row = re.search(r'<tr data-exercise="semi_squat">(.*?)</tr>', page.text, re.S)
        assert row is not None
        planned = EXERCISES["semi_squat"].dose.sessions_per_week
        assert f"1 of {planned} (peak pain 4)" in row.group(1)
        assert 'href="/learn/traffic-light"' in page.text, "the decisions link the education"
        switched = client.post(
            f"/clinician/walkers/{walker_id}/exercises",
            data={
                "csrf_token": form_csrf(page.text),
                "exercise_key": "leg_press",
                "enabled": "no",
                "reason": "No gym near her home",
            },
        )
        assert switched.status_code == 303
        after = client.get(switched.headers["location"])  # the message goes with the redirect
        assert "is switched off for this walker" in after.text
        row = re.search(r'<tr data-exercise="leg_press">(.*?)</tr>', after.text, re.S)
        assert row is not None
        assert "No gym near her home" in row.group(1)
        wrong = client.post(
            f"/clinician/walkers/{walker_id}/exercises",
            data={
                "csrf_token": form_csrf(after.text),
                "exercise_key": "clamshell",
                "enabled": "no",
            },
        )
        assert wrong.status_code == 303
        assert "Not changed" in client.get(wrong.headers["location"]).text
    entries = audit_view.walker_audit(world.ctx, world.clinician_a.actor, walker_id).entries
    assert [e.action for e in entries].count("exercise.switch_off") == 1
    with _client(world, walker) as (mine, _):
        assert "Paused by your clinician" in mine.get("/exercises").text
        assert 'name="sets__leg_press"' not in mine.get("/exercises/log").text


def test_the_api_lists_logs_and_switches(world: World) -> None:
    walker = _new_walker(world)
    assert walker.walker is not None
    base = f"/api/v1/walkers/{walker.walker.id}"
    with _client(world, walker) as (client, csrf):
        programme = client.get(f"{base}/exercises").json()
        assert programme["programme"] == "knee_oa"
        body = {
            "client_key": "api-1",
            "exercises": [{"exercise_key": "straight_leg_raise", "sets_done": 2, "pain_nprs": 1}],
        }
        headers = {"X-CSRF-Token": csrf}
        first = client.post(f"{base}/exercise-logs", json=body, headers=headers)
        assert first.status_code == 201
        assert client.post(f"{base}/exercise-logs", json=body, headers=headers).status_code == 200
        bad = client.post(
            f"{base}/exercise-logs",
            json={
                "client_key": "api-2",
                "exercises": [{"exercise_key": "clamshell", "sets_done": 1, "pain_nprs": 1}],
            },
            headers=headers,
        )
        assert bad.status_code == 422
        assert "clamshell" in bad.text
        adherence = client.get(f"{base}/exercise-adherence?weeks=2").json()
        assert len(adherence["weeks"]) == 1, "she joined this week: earlier weeks were not missed"
        assert adherence["weeks"][0]["sets_done"] == 2
        assert client.get(f"{base}/exercise-adherence?weeks=0").status_code == 422
        refused = client.post(
            f"{base}/exercise-switches",
            json={"exercise_key": "semi_squat", "enabled": False},
            headers=headers,
        )
        assert refused.status_code == 403
    with _client(world, world.clinician_a) as (staff, staff_csrf):
        out = staff.post(
            f"{base}/exercise-switches",
            json={"exercise_key": "semi_squat", "enabled": False},
            headers={"X-CSRF-Token": staff_csrf},
        )
        assert out.status_code == 200
        assert [i["enabled"] for i in out.json()["items"] if i["key"] == "semi_squat"] == [False]


def test_education_is_linked_from_today_and_shows_her_conditions_pages(world: World) -> None:
    walker = _new_walker(world)
    with _client(world, walker) as (client, _):
        today = client.get("/today")
        assert 'href="/learn/traffic-light"' in today.text
        assert 'href="/learn"' in today.text
        index = client.get("/learn")
        assert 'href="/learn/why-backward-walking"' in index.text
        assert 'href="/learn/why-backward-walking-pfp"' not in index.text
        light = client.get("/learn/traffic-light")
        assert "Silbernagel 2007" in light.text
        assert "Achilles" in light.text
        assert 'class="light green"' in light.text
    with world.client() as visitor:
        public = visitor.get("/learn")
        assert public.status_code == 200
        assert 'href="/learn/why-backward-walking-pfp"' in public.text
