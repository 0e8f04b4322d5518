"""A red flag reported at any time, from the pages and the JSON API (RULES.md §7.7), over a
real socket: reachable from "today" and from the "something went wrong" form, it stops and
refers at once in the check-in's own words, sessions are refused on the page and in the API
until a clinician's recorded clearance, and "none of these" lifts nothing (§7.1). A check-in
closed by a session the clinic logged asks its red-flag questions on "today" (the terminal
has its own tests in ``tests/cli/test_restrictions_cli.py``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from retrowalk.clinical.reasons import spoken_date
from retrowalk.clinical.red_flags import CHECKIN_RED_FLAGS, RED_FLAGS, KneeRedFlag
from retrowalk.services import sessions
from retrowalk.services.pending_checkins import RED_FLAGS_FIRST
from tests.web.conftest import (
    CLEARED_SCREENING,
    SESSION_BODY,
    World,
    a_day_ago,
    form_csrf,
    sign_in,
)
from tests.web.planned_walkers import planned, send, text_of

HOT = KneeRedFlag.HOT_SWOLLEN_KNEE


def log_form(page: str, key: str) -> dict[str, str]:
    return {
        "csrf_token": form_csrf(page),
        "client_key": key,
        "duration_min": "10",
        "speed_m_s": "0.7",
        "surface": "treadmill_with_handrails",
        "supervised": "yes",
        "pain_before_nprs": "2",
        "pain_peak_nprs": "2",
        "pain_after_nprs": "2",
        "effort_cr10": "3",
    }


def test_today_and_the_something_went_wrong_form_lead_to_the_warning_signs(world: World) -> None:
    stopped = planned(world)
    assert stopped.walker is not None
    fall = {**SESSION_BODY, "client_key": "fell", "adverse_events": ["fall"], "completed": False}
    sessions.log_session(world.ctx, stopped.actor, stopped.walker.id, fall)
    for person, pages in ((planned(world), ("/today", "/log")), (stopped, ("/today", "/log"))):
        with world.client() as client:
            sign_in(client, person)
            for path in pages:
                page = client.get(path).text
                assert 'href="/red-flags"' in page, path
                assert "hot swollen knee" in text_of(page).lower(), path
            form = client.get("/red-flags").text
    for flag in (*(f.info.statement for f in CHECKIN_RED_FLAGS), "None of these is new"):
        assert flag in text_of(form)
    assert "morning check-in" in text_of(form)


def test_a_red_flag_from_the_page_stops_sessions_until_a_clinician_clears_it(
    world: World,
) -> None:
    person = planned(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        form = client.get("/red-flags").text
        empty = client.post("/red-flags", data={"csrf_token": form_csrf(form)})
        assert empty.status_code == 422
        assert "None of these is new" in text_of(empty.text)
        result = client.post(
            "/red-flags", data={"csrf_token": form_csrf(form), "new_red_flags": HOT.value}
        )
        assert result.status_code == 200, result.text
        shown = text_of(result.text)
        assert "No backward walking for now" in shown  # the check-in result's own words
        assert RED_FLAGS[HOT].action in shown
        assert 'data-restriction="red_flag"' in result.text
        today = client.get("/today").text
        assert 'data-status="stopped"' in today
        refused = client.post("/log", data=log_form(client.get("/log").text, "after-flag"))
        assert refused.status_code == 409
        assert "red flag" in text_of(refused.text)
        api = send(client, csrf, f"{base}/sessions", {**SESSION_BODY, "client_key": "api-1"})
        assert api.status_code == 409
        # "none of these" afterwards lifts nothing, on the page and in the API
        form = client.get("/red-flags").text
        none = client.post("/red-flags", data={"csrf_token": form_csrf(form), "none_of_these": "1"})
        assert none.status_code == 200
        assert "data-red-flags-none" in none.text
        assert 'data-restriction="red_flag"' in none.text
        again = send(client, csrf, f"{base}/red-flags", {"new_red_flags": []})
        assert again.status_code == 201
        assert "red_flag" in {r["kind"] for r in again.json()["restrictions"]}
        assert send(client, csrf, f"{base}/screenings", CLEARED_SCREENING).status_code == 201
        assert client.get(f"{base}/today").json()["status"] == "stopped"
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        flags = {row["walker"]["id"]: row for row in desk.get("/api/v1/flags").json()}
        assert "red_flag" in flags[person.walker.id]["flags"]
        listed = text_of(desk.get("/clinician").text)
        assert person.name in listed
        page = text_of(desk.get(f"/clinician/walkers/{person.walker.id}").text)
        assert "Red-flag report of" in page
        cleared = send(
            desk, csrf, f"{base}/clearances", {"scope": "red_flag", "reason": "Seen: no effusion"}
        )
        assert cleared.status_code == 201, cleared.text
    with world.client() as client:
        csrf = sign_in(client, person)
        walked = send(client, csrf, f"{base}/sessions", {**SESSION_BODY, "client_key": "api-2"})
        assert walked.status_code == 201, walked.text


def test_the_api_takes_a_red_flag_at_any_time_in_its_own_words(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        unknown = send(client, csrf, f"{base}/red-flags", {"new_red_flags": ["sore"]})
        assert unknown.status_code == 422
        dated = send(
            client, csrf, f"{base}/red-flags", {"new_red_flags": [], "at": "2026-01-05T09:00:00Z"}
        )
        assert dated.status_code == 422
        assert "leave the time out" in dated.text
        out = send(client, csrf, f"{base}/red-flags", {"new_red_flags": ["locked_knee"]})
        assert out.status_code == 201, out.text
        body = out.json()
        assert body["new_red_flags"] == ["locked_knee"]
        stop = next(r for r in body["restrictions"] if r["kind"] == "red_flag")
        assert RED_FLAGS[KneeRedFlag.LOCKED_KNEE].action in stop["what_to_do"]
        assert (
            send(client, csrf, f"{base}/sessions", {**SESSION_BODY, "client_key": "k"}).status_code
            == 409
        )
    with world.client() as stranger:
        csrf = sign_in(stranger, world.clinician_b)
        assert send(stranger, csrf, f"{base}/red-flags", {"new_red_flags": []}).status_code == 404


def test_the_api_refuses_a_clinicians_report_dated_before_enrolment(world: World) -> None:
    """Found by the outside-in test: ``{"at": "2020-01-01T00:00:00Z"}`` was kept for a walker
    enrolled years later. The walker's own page has no date to give (her report is "now")."""
    person = planned(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        old = send(
            desk,
            csrf,
            f"{base}/red-flags",
            {"new_red_flags": ["locked_knee"], "at": "2020-01-01T00:00:00Z"},
        )
        assert old.status_code == 422, old.text
        (problem,) = old.json()["problems"]
        assert problem["field"] == "at"
        assert "2020-01-01 is before the walker was enrolled on" in old.json()["detail"]
        assert not any(
            r["kind"] == "red_flag" for r in desk.get(f"{base}/restrictions").json()["active"]
        )
        earlier = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
        kept = send(desk, csrf, f"{base}/red-flags", {"new_red_flags": [], "at": earlier})
        assert kept.status_code == 201, kept.text


def test_a_check_in_closed_by_the_clinics_session_asks_its_red_flag_questions(
    world: World,
) -> None:
    """The clinic logs today's supervised session before her morning check-in: yesterday's is
    decided "hold" without its report, and "today" asks its red-flag questions instead."""
    person = planned(world, walked_yesterday=True)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        clinic = send(desk, csrf, f"{base}/sessions", {**SESSION_BODY, "client_key": "clinic"})
        assert clinic.status_code == 201, clinic.text
        assert any("warning signs are not lost" in n for n in clinic.json()["notices"])
    with world.client() as client:
        csrf = sign_in(client, person)
        today = client.get("/today").text
        assert "data-red-flags-unasked" in today
        assert "Answer the questions about warning signs" in today
        unasked = client.get(f"{base}/today").json()["red_flags_unasked_since"]
        assert unasked is not None
        day = datetime.fromisoformat(unasked).date()
        again = {**SESSION_BODY, "client_key": "again", "another_today": True}
        refused = send(client, csrf, f"{base}/sessions", again)
        assert refused.status_code == 409
        assert refused.json()["detail"] == RED_FLAGS_FIRST.format(day=spoken_date(day))
        form = client.get("/red-flags").text
        assert "data-red-flags-unasked" in form
        result = client.post(
            "/red-flags",
            data={"csrf_token": form_csrf(form), "new_red_flags": "calf_pain_swelling_warmth"},
        )
        assert result.status_code == 200
        assert 'data-restriction="red_flag"' in result.text
        after = client.get(f"{base}/today").json()
        assert (after["status"], after["red_flags_unasked_since"]) == ("stopped", None)
        assert "data-red-flags-unasked" not in client.get("/today").text


def test_the_next_check_in_asks_since_the_session_whose_morning_was_skipped(
    world: World,
) -> None:
    """Her session two days ago, the clinic's yesterday (which decided hers without its
    report): this morning's check-in asks what is new since her session, not only since the
    clinic's."""
    person = planned(world)
    assert person.walker is not None
    clinics = a_day_ago(datetime.now(UTC))  # its check-in open now, also at night
    hers = clinics - timedelta(days=1)
    walker_id = person.walker.id
    body = {**SESSION_BODY, "client_key": "hers", "performed_at": hers}
    sessions.log_session(world.ctx.at(hers), person.actor, walker_id, body)
    body = {**SESSION_BODY, "client_key": "clinics", "performed_at": clinics}
    sessions.log_session(world.ctx.at(clinics), world.clinician_a.actor, walker_id, body)
    with world.client() as client:
        sign_in(client, person)
        today = client.get("/today").text
        assert 'data-status="checkin_first"' in today
        assert "data-red-flags-unasked" not in today  # the check-in asks them: not twice
        form = text_of(client.get("/checkin").text)
    assert f"Is any of these new since your session on {spoken_date(hers)}?" in form


def test_a_red_flag_ticked_in_a_check_in_closed_meanwhile_is_kept_on_the_page_and_the_api(
    world: World,
) -> None:
    """Found by the outside-in test: she opens her check-in, the clinic meanwhile logs a
    session (which decides hers without its report), and she sends "my knee is locked". The
    check-in was refused — and the locked knee dropped: no stop, no record, "come back
    tomorrow". The warning sign is kept and what to do comes first; in the API too."""
    person = planned(world, walked_yesterday=True)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        form = client.get("/checkin").text
        session_id = re.search(r'name="session_id" value="(\d+)"', form)
        assert session_id is not None
        with world.client() as desk:
            desk_csrf = sign_in(desk, world.clinician_a)
            clinic = {**SESSION_BODY, "client_key": "clinic-first"}
            assert send(desk, desk_csrf, f"{base}/sessions", clinic).status_code == 201
        sent = client.post(
            "/checkin",
            data={
                "csrf_token": form_csrf(form),
                "session_id": session_id.group(1),
                "pain_nprs": "3",
                "stiffness_nprs": "2",
                "new_red_flags": "locked_knee",
            },
        )
        page = text_of(sent.text)
        assert "data-checkin-refused" in sent.text
        assert 'data-restriction="red_flag"' in sent.text
        assert RED_FLAGS[KneeRedFlag.LOCKED_KNEE].action in page
        mine = client.get(f"{base}/restrictions").json()["active"]
        assert [r["kind"] for r in mine] == ["red_flag"]
        again = send(
            client,
            csrf,
            f"{base}/checkins",
            {
                "session_id": int(session_id.group(1)),
                "pain_nprs": 3,
                "stiffness_nprs": 2,
                "new_red_flags": ["calf_pain_swelling_warmth"],
            },
        )
        assert again.status_code == 409
        assert "kept all the same" in again.json()["detail"]
        triggers = client.get(f"{base}/restrictions").json()["active"][0]["triggers"]
        assert [t["source"] for t in triggers] == ["red_flag_report", "red_flag_report"]


def test_a_red_flag_sent_with_a_check_in_too_early_is_kept_on_the_page(world: World) -> None:
    """The check-in for today's session opens tomorrow; a warning sign ticked in it is kept."""
    person = planned(world)
    assert person.walker is not None
    now = datetime.now(UTC)
    body = {**SESSION_BODY, "client_key": "today-early", "performed_at": now}
    today = sessions.log_session(world.ctx.at(now), person.actor, person.walker.id, body)
    with world.client() as client:
        sign_in(client, person)
        sent = client.post(
            "/checkin",
            data={
                "csrf_token": form_csrf(client.get("/red-flags").text),
                "session_id": str(today.id),
                "pain_nprs": "2",
                "stiffness_nprs": "2",
                "new_red_flags": "knee_giving_way",
            },
        )
        assert sent.status_code == 200
        assert "data-checkin-refused" in sent.text
        assert 'data-restriction="red_flag"' in sent.text
        kinds = client.get(f"/api/v1/walkers/{person.walker.id}/restrictions").json()["active"]
        assert [r["kind"] for r in kinds] == ["red_flag"]
