"""The outside-in probe again, from outside: on a rest day the demo walker logs a session with
sharp knee pain, 30 min at 2.0 m/s on a treadmill, alone. It is stored as told (the adverse
event is never refused), the walker is told why it matters, the clinician's list and page
flag it with the restriction it went against and the above-plan flag labelled policy; and
nothing she does lifts the rest day (the JSON API and the page form; the CLI in
``tests/cli/test_walked_against_cli.py``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from itertools import count
from typing import Any

import httpx

from retrowalk.services import sessions
from tests.web.conftest import (
    CLEARED_SCREENING,
    SESSION_BODY,
    World,
    a_day_ago,
    form_csrf,
    invite_walker,
    sign_in,
)

_emails = count()
FULL = {"tug_s": 9.0, "tandem_stance_s": 12.0, "chair_stand_count": 14, "backward_walk_3m_s": 4.0}
ABOVE = "More than your plan: your clinician will see it."
PROBE = {
    **SESSION_BODY,
    "adverse_events": ["sharp_knee_pain"],
    "duration_min": 30,
    "speed_m_s": 2.0,
    "surface": "treadmill",
    "supervised": False,
}


def post(client: httpx.Client, csrf: str, path: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(path, json=body, headers={"X-CSRF-Token": csrf})


def walker_on_a_rest_day(world: World, client: httpx.Client) -> tuple[Any, str, str]:
    """A new walker with a plan whose morning pain 8 made today a rest day (signed in)."""
    n = next(_emails)
    person = invite_walker(
        world.ctx, world.clinician_a, f"rest{n}@example.org", f"Rest {n}", "rest-pass-12"
    )
    base = f"/api/v1/walkers/{person.walker.id}"
    csrf = sign_in(client, person)
    post(client, csrf, f"{base}/screenings", CLEARED_SCREENING)
    post(client, csrf, f"{base}/assessments", FULL)
    assert post(client, csrf, f"{base}/plan", {}).status_code == 201
    yesterday = a_day_ago(datetime.now(UTC))
    sessions.log_session(
        world.ctx.at(yesterday),
        person.actor,
        person.walker.id,
        {**SESSION_BODY, "client_key": "y", "performed_at": yesterday.isoformat()},
    )
    morning = post(
        client, csrf, f"{base}/checkins", {"pain_nprs": 8, "stiffness_nprs": 3, "new_red_flags": []}
    )
    assert morning.json()["rest_day"] is True
    return person, base, csrf


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def clinician_sees(world: World, walker_id: int) -> None:
    """The clinician's flags (API), list and walker page all show both flags and why."""
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        flags = {row["walker"]["id"]: row for row in desk.get("/api/v1/flags").json()}
        mine = flags[walker_id]
        assert {"walked_against_restriction", "above_plan", "rest_day"} <= set(mine["flags"])
        assert any("a rest day after a painful morning" in d for d in mine["details"])
        listed = desk.get("/clinician")
        assert listed.status_code == 200
        assert 'data-flag="walked_against_restriction"' in listed.text
        assert "Well above the plan (retrowalk policy)" in listed.text  # labelled policy
        page = text_of(desk.get(f"/clinician/walkers/{walker_id}").text)
        assert "Walked while sessions were stopped" in page
        assert "a rest day after a painful morning stopped every session" in page
        assert "Flag: retrowalk policy" in page


def test_the_probe_in_the_api_is_stored_told_and_flagged(world: World) -> None:
    with world.client() as client:
        person, base, csrf = walker_on_a_rest_day(world, client)
        saved = post(client, csrf, f"{base}/sessions", {**PROBE, "client_key": "probe"})
        assert saved.status_code == 201  # the adverse event is never refused
        body = saved.json()
        assert body["completed"] is True
        assert body["walked_against"] == ["rest_day"]
        assert any("on a rest day" in n for n in body["notices"])
        assert sum(ABOVE in n for n in body["notices"]) == 1
        # ... and nothing she does from the API lifts the rest day or gets round it
        assert client.get(f"{base}/today").json()["status"] == "rest_day"
        plain = post(client, csrf, f"{base}/sessions", {**SESSION_BODY, "client_key": "plain"})
        assert plain.status_code == 409
        lift = post(
            client, csrf, f"{base}/clearances", {"scope": "rest_day", "reason": "I feel fine"}
        )
        assert lift.status_code == 403
        kinds = {r["kind"] for r in client.get(f"{base}/restrictions").json()["active"]}
        assert "rest_day" in kinds
    clinician_sees(world, person.walker.id)


def test_the_probe_on_the_page_form_is_saved_told_and_flagged(world: World) -> None:
    with world.client() as client:
        person, base, _ = walker_on_a_rest_day(world, client)
        form = client.get("/log")
        assert "Tell us what went wrong" in form.text  # a rest day: the report-only form
        saved = client.post(
            "/log",
            data={
                "csrf_token": form_csrf(form.text),
                "client_key": "probe-form",
                "stopped": "1",
                "duration_min": "30",
                "speed_m_s": "7.2",
                "speed_unit": "km_h",
                "surface": "treadmill",
                "supervised": "no",
                "adverse_events": "sharp_knee_pain",
                "pain_before_nprs": "8",
                "pain_peak_nprs": "6",
                "pain_after_nprs": "5",
                "effort_cr10": "6",
            },
        )
        assert saved.status_code == 200, saved.text
        words = text_of(saved.text)
        assert "Session saved" in words
        assert "you walked backward on a rest day" in words
        assert "until your clinician says you can" in words
        assert words.count(ABOVE) == 1
        assert client.get(f"{base}/today").json()["status"] == "rest_day"
    clinician_sees(world, person.walker.id)


def test_the_lists_order_knows_the_new_flags() -> None:
    """A walked-against session ranks beside the supervision flag, above-plan load beside the
    pain flags (the list's order is retrowalk policy), never after "no plan yet"."""
    from retrowalk.services.schemas import Flag
    from retrowalk.web.pages.clinician_pages import URGENCY

    assert URGENCY.index(Flag.WALKED_AGAINST_RESTRICTION) < URGENCY.index(Flag.REST_DAY)
    assert URGENCY.index(Flag.ABOVE_PLAN) < URGENCY.index(Flag.MISSED_SESSIONS)
