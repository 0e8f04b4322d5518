"""The gates of RULES.md §7 tried from outside, as a walker would: the JSON API and the web
pages, over a real socket (the CLI has its own tests in ``tests/cli``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
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
SESSION = {**SESSION_BODY, "surface": "hallway_with_rail_and_spotter", "pain_peak_nprs": 2}
FULL = {"tug_s": 9.0, "tandem_stance_s": 12.0, "chair_stand_count": 14, "backward_walk_3m_s": 4.0}


def new_walker(world: World) -> Any:
    n = next(_emails)
    return invite_walker(
        world.ctx, world.clinician_a, f"gate{n}@example.org", f"Gate {n}", "gate-pass-12"
    )


def post(client: httpx.Client, csrf: str, path: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(path, json=body, headers={"X-CSRF-Token": csrf})


def test_the_re_screening_bypass_is_closed_in_the_api(world: World) -> None:
    """Persona R through the API: red flag, then clean answers; the tests and "make my plan"
    are still refused."""
    person = new_walker(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        red = {**CLEARED_SCREENING, "red_flags": ["calf_pain_swelling_warmth"]}
        assert post(client, csrf, f"{base}/screenings", red).status_code == 201
        clean = post(client, csrf, f"{base}/screenings", CLEARED_SCREENING)
        assert clean.status_code == 201
        assert [r["kind"] for r in clean.json()["restrictions"]] == ["red_flag"]
        # the walking tests wait for the clearance too (retrowalk policy: walking_tests_gate)
        tests = post(client, csrf, f"{base}/assessments", FULL)
        assert tests.status_code == 409
        assert "No walking tests now" in tests.json()["detail"]
        plan = post(client, csrf, f"{base}/plan", {})
        assert plan.status_code == 409
        assert "red flag" in plan.json()["detail"]
        walked = post(client, csrf, f"{base}/sessions", {**SESSION, "client_key": "r1"})
        assert walked.status_code == 409
        today = client.get(f"{base}/today").json()
        assert today["status"] == "stopped"
        assert today["session_offered"] is False
        mine = client.get(f"{base}/restrictions")
        assert mine.status_code == 200
        assert mine.json()["active"][0]["kind"] == "red_flag"
        cleared = post(
            client, csrf, f"{base}/clearances", {"scope": "red_flag", "reason": "ok now"}
        )
        assert cleared.status_code == 403  # a walker can never lift a restriction
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        flags = {row["walker"]["id"]: row for row in desk.get("/api/v1/flags").json()}
        assert "red_flag" in flags[person.walker.id]["flags"]


def test_new_tests_and_a_new_plan_never_undo_the_clinician_in_the_api(world: World) -> None:
    """Persona T: after the clinician set 3 min at 0.3 m/s, the walker re-does the tests."""
    person = new_walker(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        post(client, csrf, f"{base}/screenings", CLEARED_SCREENING)
        post(client, csrf, f"{base}/assessments", FULL)
        assert post(client, csrf, f"{base}/plan", {}).status_code == 201
        with world.client() as desk:
            desk_csrf = sign_in(desk, world.clinician_a)
            adjusted = post(
                desk,
                desk_csrf,
                f"{base}/adjustments",
                {"duration_min": 3, "speed_m_s": 0.3, "reason": "Flare this week"},
            )
            assert adjusted.status_code == 201
        again = post(client, csrf, f"{base}/assessments", {**FULL, "backward_walk_3m_s": 2.5})
        assert again.status_code == 201
        assert post(client, csrf, f"{base}/plan", {}).status_code == 409
        plan = client.get(f"{base}/prescription").json()
        assert (plan["duration_min"], plan["speed_m_s"]) == (3, 0.3)
        empty = post(client, csrf, f"{base}/assessments", {"kind": "reassessment"})
        assert empty.status_code == 422
        assert "Nothing was filled in" in empty.json()["detail"]


def test_a_session_alone_is_stored_flagged_and_explained_in_the_api(world: World) -> None:
    person = new_walker(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        post(client, csrf, f"{base}/screenings", {**CLEARED_SCREENING, "uses_walking_aid": True})
        post(client, csrf, f"{base}/assessments", FULL)
        post(client, csrf, f"{base}/plan", {})
        alone = post(
            client,
            csrf,
            f"{base}/sessions",
            {**SESSION, "client_key": "alone", "supervised": False},
        )
        assert alone.status_code == 201
        assert alone.json()["notices"]
        assert "without someone with you" in alone.json()["notices"][0]
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        flags = {row["walker"]["id"]: row for row in desk.get("/api/v1/flags").json()}
        assert "walked_outside_supervision" in flags[person.walker.id]["flags"]
        assert "walking_aid" in flags[person.walker.id]["flags"]
        # found by the outside-in test: the clinician's plan line said "supervision: first 2
        # sessions" while the walking aid holds every session supervised
        page = desk.get(f"/clinician/walkers/{person.walker.id}").text
        plan = client_text(page, "plan-h")
        if "supervision: every session" not in plan:
            assert "every session while restricted" in plan, plan


def test_chest_pain_and_a_rest_day_offer_no_session_in_the_api(world: World) -> None:
    person = new_walker(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    yesterday = a_day_ago(datetime.now(UTC))
    with world.client() as client:
        csrf = sign_in(client, person)
        post(client, csrf, f"{base}/screenings", CLEARED_SCREENING)
        post(client, csrf, f"{base}/assessments", FULL)
        post(client, csrf, f"{base}/plan", {})
        # yesterday's session, logged yesterday (a session logged late gets its report only
        # the morning after it was logged)
        sessions.log_session(
            world.ctx.at(yesterday),
            person.actor,
            person.walker.id,
            {**SESSION, "client_key": "y", "performed_at": yesterday.isoformat()},
        )
        morning = post(
            client,
            csrf,
            f"{base}/checkins",
            {"pain_nprs": 8, "stiffness_nprs": 3, "new_red_flags": []},
        )
        assert morning.status_code == 201
        assert morning.json()["rest_day"] is True
        today = client.get(f"{base}/today").json()
        assert today["status"] == "rest_day"
        assert (
            post(client, csrf, f"{base}/sessions", {**SESSION, "client_key": "t"}).status_code
            == 409
        )
        chest = post(
            client,
            csrf,
            f"{base}/sessions",
            {**SESSION, "client_key": "c", "adverse_events": ["chest_pain"], "completed": False},
        )
        assert chest.status_code == 201  # safety data is always stored
        today = client.get(f"{base}/today").json()
        assert today["status"] == "waiting_for_review"
        assert "call your emergency number now" in today["message"]


def test_the_web_pages_keep_the_restriction_and_the_clinician_clears_exactly_one(
    world: World,
) -> None:
    """Persona S on the pages: "heart condition", then all "no"; the clinician clears it."""
    person = new_walker(world)
    walker_id = person.walker.id
    with world.client() as client:
        sign_in(client, person)
        for parq1 in ("yes", "no"):
            page = client.get("/onboarding/screening")
            form = dict.fromkeys(_screening_questions(page.text), "no")
            form.update(
                parq1=parq1, parq5="yes", used_to_activity="yes", flag_cannot_bear_weight="yes"
            )
            form["csrf_token"] = form_csrf(page.text)
            saved = client.post("/onboarding/screening", data=form)
            assert saved.status_code == 200, saved.text
            assert "clinician needs to clear you" in saved.text
        tests_page = client.get("/onboarding/tests")
        assert 'name="tug_s"' not in tests_page.text  # her own tests wait for the clearance
        held = client.post(
            "/onboarding/tests",
            data={**{k: str(v) for k, v in FULL.items()}, "csrf_token": form_csrf(tests_page.text)},
        )
        assert held.status_code == 409
    with world.client() as desk:  # her clinician does them with her, and makes the plan
        csrf = sign_in(desk, world.clinician_a)
        base = f"/api/v1/walkers/{walker_id}"
        assert post(desk, csrf, f"{base}/assessments", FULL).status_code == 201
        assert post(desk, csrf, f"{base}/plan", {}).status_code == 201
    with world.client() as client:
        sign_in(client, person)
        today = client.get("/today").text
        assert 'data-status="waiting_for_clearance"' in today
        assert "Start the guided session" not in today
        assert client.get("/session").status_code == 303  # no guided session is offered
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        page = desk.get(f"/clinician/walkers/{walker_id}")
        assert 'data-restriction="clearance_required"' in page.text
        cleared = desk.post(
            f"/clinician/walkers/{walker_id}/clear",
            data={
                "scope": "clearance_required",
                "clear_reason": "Cardiologist letter: may exercise",
                "csrf_token": form_csrf(page.text),
            },
        )
        assert cleared.status_code == 303
        after = desk.get(f"/clinician/walkers/{walker_id}").text
        assert 'data-restriction="clearance_required"' not in after
        assert "Cleared by Ann Clinician: clearance to start" in after
    with world.client() as client:
        sign_in(client, person)
        assert "Start the guided session" in client.get("/today").text


def _screening_questions(html: str) -> set[str]:
    import re

    return set(re.findall(r'type="radio" name="([a-z0-9_]+)" value="yes"', html))


def test_a_walker_cannot_date_a_check_in_or_a_session_far_back_in_the_api(world: World) -> None:
    person = new_walker(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    now = datetime.now(UTC)
    with world.client() as client:
        csrf = sign_in(client, person)
        post(client, csrf, f"{base}/screenings", CLEARED_SCREENING)
        post(client, csrf, f"{base}/assessments", FULL)
        post(client, csrf, f"{base}/plan", {})
        old = post(
            client,
            csrf,
            f"{base}/sessions",
            {
                **SESSION,
                "client_key": "old",
                "performed_at": (now - timedelta(days=30)).isoformat(),
            },
        )
        assert old.status_code == 422
        assert "performed_at" in old.json()["detail"]
        far = post(
            client,
            csrf,
            f"{base}/sessions",
            {**SESSION, "client_key": "far", "performed_at": "9999-12-31T00:00:00+00:00"},
        )
        assert far.status_code == 422
        assert "2000 to 2100" in far.json()["detail"]
        post(
            client,
            csrf,
            f"{base}/sessions",
            {**SESSION, "client_key": "y", "performed_at": a_day_ago(now).isoformat()},
        )
        dated = post(
            client,
            csrf,
            f"{base}/checkins",
            {"pain_nprs": 2, "stiffness_nprs": 2, "new_red_flags": [], "at": now.isoformat()},
        )
        assert dated.status_code == 422
        assert dated.json()["detail"].startswith("at:")
        tests = post(client, csrf, f"{base}/assessments", {**FULL, "local_date": "9999-12-31"})
        assert tests.status_code == 422
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        assert desk.get("/api/v1/flags").status_code == 200
        assert desk.get("/clinician").status_code == 200


def test_a_blank_clearance_reason_is_refused_in_the_api(world: World) -> None:
    person = new_walker(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        post(
            client, csrf, f"{base}/screenings", {**CLEARED_SCREENING, "red_flags": ["locked_knee"]}
        )
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        blank = post(desk, csrf, f"{base}/clearances", {"scope": "red_flag", "reason": "   "})
        assert blank.status_code == 422
        assert "reason" in blank.json()["detail"]


def test_a_walker_who_may_not_walk_can_still_report_a_fall_on_the_page(world: World) -> None:
    person = new_walker(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        post(
            client, csrf, f"{base}/screenings", {**CLEARED_SCREENING, "red_flags": ["locked_knee"]}
        )
        today = client.get("/today").text
        assert 'href="/log"' in today
        form = client.get("/log")
        assert form.status_code == 200
        assert "Tell us what went wrong" in form.text
        saved = client.post(
            "/log",
            data={
                "csrf_token": form_csrf(form.text),
                "client_key": "report-1",
                "stopped": "1",
                "duration_min": "0",
                "surface": "flat_clear_known_path",
                "supervised": "no",
                "adverse_events": "fall",
                "pain_before_nprs": "3",
                "pain_peak_nprs": "6",
                "pain_after_nprs": "5",
                "effort_cr10": "2",
                "note": "Slipped on the rug at home.",
            },
        )
        assert saved.status_code == 200, saved.text
        assert "Session saved" in saved.text
        # found by the outside-in test: the saved page said the check-in "decides your next
        # session" under "No more sessions until your clinician has reviewed this"
        assert "That decides your next session" not in saved.text
        assert "It does not start your sessions again" in saved.text
        kinds = {r["kind"] for r in client.get(f"{base}/restrictions").json()["active"]}
        assert kinds == {"red_flag", "adverse_event"}


def client_text(page: str, heading_id: str) -> str:
    """The plain text of the page's section headed ``heading_id``."""
    start = page.index(f'id="{heading_id}"')
    section = page[start : page.index("</section>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())
