"""The clinic's policy from the web page and the JSON API: staff read it, only an
administrator changes it, a wrong value is named next to its box and nothing is stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retrowalk.services import policies
from tests.web.conftest import (
    LiveServer,
    Person,
    World,
    build_world,
    form_csrf,
    sign_in,
    web_admin,
)


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Person]]:
    """A world of its own: a policy change here must not change the other tests' world."""
    app, world = build_world(Path(tmp_path_factory.mktemp("policy")))
    admin = web_admin(world)
    with LiveServer(app) as server:
        world.url = server.url
        yield world, admin
    world.ctx.db.dispose()


def test_staff_read_the_policy_and_only_an_administrator_sees_the_form(
    clinic: tuple[World, Person],
) -> None:
    world, admin = clinic
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get("/team/policy")
        assert page.status_code == 200
        assert "Only an administrator can change" in page.text
        assert 'name="cool_down_min"' not in page.text
        assert "Spoken cue every s" in page.text  # every policy is listed, with its meaning
    with world.client() as client:
        sign_in(client, admin)
        page = client.get("/team/policy")
        assert 'name="cool_down_min"' in page.text


def test_a_clinician_cannot_change_it_from_the_page_or_the_api(
    clinic: tuple[World, Person],
) -> None:
    world, _ = clinic
    before = policies.current_policy(world.ctx, world.admin).version
    with world.client() as client:
        csrf = sign_in(client, world.clinician_a)
        page = client.post(
            "/team/policy",
            data={"csrf_token": csrf, "cool_down_min": "9", "reason": "longer cool-down"},
        )
        assert page.status_code == 403
        api = client.post(
            "/api/v1/policy",
            json={"changes": {"cool_down_min": 9}, "reason": "longer cool-down"},
            headers={"X-CSRF-Token": csrf},
        )
        assert api.status_code == 403
    with world.client() as client:
        csrf = sign_in(client, world.walker_a)
        assert client.get("/api/v1/policy").status_code == 200  # it words her questions
        api = client.post(
            "/api/v1/policy",
            json={"changes": {"walking_aid_supervised": False}, "reason": "walk alone"},
            headers={"X-CSRF-Token": csrf},
        )
        assert api.status_code == 403
    assert policies.current_policy(world.ctx, world.admin).version == before


def test_an_administrator_changes_it_and_a_wrong_value_is_named(
    clinic: tuple[World, Person],
) -> None:
    world, admin = clinic
    with world.client() as client:
        sign_in(client, admin)
        csrf = form_csrf(client.get("/team/policy").text)
        wrong = client.post(
            "/team/policy",
            data={"csrf_token": csrf, "speed_step_fraction": "0.5", "reason": "faster please"},
        )
        assert wrong.status_code == 422
        assert "at most 0.1" in wrong.text
        assert 'id="speed_step_fraction-error"' in wrong.text
        assert 'value="0.5"' in wrong.text  # what was typed is kept, never lost
        before = policies.current_policy(world.ctx, admin.actor).version
        done = client.post(
            "/team/policy",
            data={"csrf_token": csrf, "cool_down_min": "7", "reason": "our protocol"},
        )
        assert done.status_code == 303
        shown = client.get("/team/policy").text
        assert f"Version {before + 1}" in shown
        assert "our protocol" in shown
        api = client.get("/api/v1/policy").json()
        assert api["version"] == before + 1
        assert {f["name"]: f["value"] for f in api["fields"]}["cool_down_min"] == 7


def test_the_api_names_a_wrong_policy_value_as_data(clinic: tuple[World, Person]) -> None:
    world, admin = clinic
    with world.client() as client:
        csrf = sign_in(client, admin)
        answer = client.post(
            "/api/v1/policy",
            json={"changes": {"break_days": 0}, "reason": "never step back"},
            headers={"X-CSRF-Token": csrf},
        )
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert problem["field"] == "break_days"
    assert problem["kind"] == "too_small"
    assert problem["limits"] == {"ge": 1}


def test_the_screening_asks_about_surgery_in_the_clinics_weeks(
    clinic: tuple[World, Person],
) -> None:
    """The question a walker answers names the weeks in force, not retrowalk's default."""
    world, admin = clinic
    policies.set_policy(
        world.ctx, admin.actor, {"recent_knee_surgery_weeks": 8}, "our surgeons' protocol"
    )
    with world.client() as client:
        sign_in(client, world.walker_b)
        page = client.get("/onboarding/screening").text
    assert "in the last 8 weeks?" in page
    assert "in the last 12 weeks?" not in page


def test_no_supervised_start_and_a_surface_twice_are_refused_from_the_page_and_the_api(
    clinic: tuple[World, Person],
) -> None:
    """A clinic may shorten the supervised start to one session, never to none (the first
    backward walk always has someone there), and lists each surface once."""
    world, admin = clinic
    before = policies.current_policy(world.ctx, admin.actor)
    with world.client() as client:
        sign_in(client, admin)
        csrf = form_csrf(client.get("/team/policy").text)
        alone = client.post(
            "/team/policy",
            data={
                "csrf_token": csrf,
                "supervised_first_sessions_low_risk": "0",
                "reason": "they are fine alone",
            },
        )
        assert alone.status_code == 422
        assert "always has someone there" in alone.text
        assert 'id="supervised_first_sessions_low_risk-error"' in alone.text
        twice = client.post(
            "/api/v1/policy",
            json={
                "changes": {"low_risk_surfaces": ["treadmill", "treadmill"]},
                "reason": "treadmill only",
            },
            headers={"X-CSRF-Token": csrf},
        )
        assert twice.status_code == 422
        (problem,) = twice.json()["problems"]
        assert problem["field"] == "low_risk_surfaces"
        assert "treadmill is listed twice" in problem["message"]
        one = client.post(
            "/api/v1/policy",
            json={"changes": {"supervised_first_sessions_low_risk": 1}, "reason": "one is ours"},
            headers={"X-CSRF-Token": csrf},
        )
        assert one.status_code == 201, one.text
    after = policies.current_policy(world.ctx, admin.actor)
    assert after.version == before.version + 1
    assert after.value("supervised_first_sessions_low_risk") == 1
