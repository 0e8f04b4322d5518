"""The log's speed box takes km/h as a treadmill's console shows it (found by the outside-in
test: a walker on a treadmill was told to divide by 3.6). The record is stored in m/s; a
refused km/h speed is answered in km/h, with her own number kept in the box."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from retrowalk.services import history
from tests.web.conftest import LiveServer, World, build_world, form_csrf, sign_in
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
