"""The log's speed box takes km/h as a treadmill's console shows it (found by the outside-in
test: a walker on a treadmill was told to divide by 3.6). The record is stored in m/s; a
refused km/h speed is answered in km/h, with her own number kept in the box."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from retrowalk.services import history, screening
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    LiveServer,
    Person,
    World,
    build_world,
    form_csrf,
    invite_walker,
    sign_in,
)
from tests.web.test_walker_usability import error_summary, new_walker_with_plan


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    app, built = build_world(tmp_path_factory.mktemp("speed-units"))
    with LiveServer(app) as server:
        built.url = server.url
        yield built
    built.ctx.db.dispose()


def _log(speed: str, unit: str | None, key: str) -> dict[str, Any]:
    data = {
        "client_key": key,
        "duration_min": "10",
        "speed_m_s": speed,
        "surface": "treadmill_with_handrails",
        "supervised": "yes",
        "pain_before_nprs": "2",
        "pain_peak_nprs": "3",
        "pain_after_nprs": "2",
        "effort_cr10": "4",
    }
    if unit is not None:
        data["speed_unit"] = unit
    return data


def test_a_speed_in_km_h_is_stored_in_m_s(world: World) -> None:
    person = new_walker_with_plan(world)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        form = client.get("/log")
        assert 'name="speed_unit"' in form.text
        assert "km/h (as a treadmill shows it)" in form.text
        assert "divide by" not in form.text, "nobody is asked to do arithmetic"
        saved = client.post(
            "/log", data={"csrf_token": form_csrf(form.text), **_log("1,8", "km_h", "kmh-1")}
        )
    assert saved.status_code == 200, saved.text
    (session,) = history.walker_history(world.ctx, person.actor, person.walker.id).sessions
    assert session.speed_m_s == pytest.approx(0.5)


def test_without_a_unit_the_box_is_m_s_as_before(world: World) -> None:
    person = new_walker_with_plan(world)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        form = client.get("/log")
        saved = client.post(
            "/log", data={"csrf_token": form_csrf(form.text), **_log("0.6", None, "ms-1")}
        )
    assert saved.status_code == 200, saved.text
    (session,) = history.walker_history(world.ctx, person.actor, person.walker.id).sessions
    assert session.speed_m_s == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("speed", "unit", "said"),
    [
        pytest.param("50", "km_h", "in km/h, a number from 0.04 to 10.8", id="50 km/h"),
        pytest.param("0.01", "km_h", "in km/h, a number from 0.04 to 10.8", id="0.01 km/h"),
        pytest.param("2", "mph", "choose m/s or km/h for the speed", id="unknown unit"),
    ],
)
def test_a_refused_km_h_speed_is_answered_in_km_h_and_nothing_is_stored(
    world: World, speed: str, unit: str, said: str
) -> None:
    person = new_walker_with_plan(world)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        form = client.get("/log")
        refused = client.post(
            "/log", data={"csrf_token": form_csrf(form.text), **_log(speed, unit, "bad-1")}
        )
    assert refused.status_code == 422
    assert said in error_summary(refused.text)
    assert f'value="{speed}"' in refused.text, "her own number stays in the box"
    assert history.walker_history(world.ctx, person.actor, person.walker.id).sessions == ()


def _screened(world: World, n: int) -> Person:
    person = invite_walker(
        world.ctx, world.clinician_a, f"tm{n}@example.org", f"Treadmill {n}", "tm-pass-12345"
    )
    assert person.walker is not None
    screening.screen_walker(world.ctx, person.actor, person.walker.id, CLEARED_SCREENING)
    return person


def _tests_form(unit: str, up: str, down: str) -> dict[str, str]:
    return {
        **{name: str(value) for name, value in BASELINE.items()},
        "treadmill_speed_unit": unit,
        "treadmill_speed_up_m_s": up,
        "treadmill_speed_down_m_s": down,
    }


def test_the_treadmill_speed_test_takes_km_h_too(world: World) -> None:
    person = _screened(world, 1)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        form = client.get("/onboarding/tests").text
        assert "divide by" not in form
        saved = client.post(
            "/onboarding/tests",
            data={"csrf_token": form_csrf(form), **_tests_form("km_h", "2,7", "2.5")},
        )
    assert saved.status_code in (200, 303), saved.text
    (test,) = history.walker_history(world.ctx, person.actor, person.walker.id).assessments
    assert test.answers["treadmill_speed_up_m_s"] == pytest.approx(0.75)
    assert test.answers["treadmill_speed_down_m_s"] == pytest.approx(2.5 / 3.6, abs=1e-4)


def test_a_treadmill_speed_out_of_range_in_km_h_is_said_in_km_h(world: World) -> None:
    person = _screened(world, 2)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        form = client.get("/onboarding/tests").text
        refused = client.post(
            "/onboarding/tests",
            data={"csrf_token": form_csrf(form), **_tests_form("km_h", "40", "2.5")},
        )
    assert refused.status_code == 422
    assert "in km/h, a number from 0.04 to 10.8" in error_summary(refused.text)
    assert 'value="40"' in refused.text
    assert history.walker_history(world.ctx, person.actor, person.walker.id).assessments == ()


def test_the_plans_speed_in_km_h_typed_as_m_s_is_asked_about_not_stored(world: World) -> None:
    """Her plan reads "0.5 m/s (1.8 km/h)"; her treadmill shows 1.8, typed with the unit left
    on m/s: that was stored as 1.8 m/s (6.5 km/h) and flagged far above her plan. Now the
    form asks about the unit and stores nothing; in km/h, or at a speed near her plan, it
    is stored."""
    person = new_walker_with_plan(world)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        today = client.get(f"/api/v1/walkers/{person.walker.id}/today").json()
        plan_m_s = today["prescription"]["speed_m_s"]
        typed = f"{plan_m_s * 3.6:.1f}"
        form = client.get("/log")
        asked = client.post(
            "/log", data={"csrf_token": form_csrf(form.text), **_log(typed, "m_s", "unit-1")}
        )
        assert asked.status_code == 422, asked.text
        said = error_summary(asked.text)
        assert f"you typed {float(typed):g} m/s" in said
        assert "choose km/h" in said
        assert f'value="{typed}"' in asked.text  # her number stays in the box
        assert history.walker_history(world.ctx, person.actor, person.walker.id).sessions == ()
        saved = client.post(
            "/log", data={"csrf_token": form_csrf(form.text), **_log(typed, "km_h", "unit-2")}
        )
        assert saved.status_code == 200, saved.text
    (session,) = history.walker_history(world.ctx, person.actor, person.walker.id).sessions
    assert session.speed_m_s == pytest.approx(float(typed) / 3.6)
