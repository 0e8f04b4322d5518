"""The JSON API over a real socket: sign-in, CSRF, cookies, idempotent logging, errors."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from retrowalk.services import walkers
from retrowalk.services.schemas import ID_MAX
from tests.web.conftest import SESSION_BODY, LiveServer, World, build_world, form_csrf, sign_in

SESSION = {**SESSION_BODY}


def test_sign_in_sets_a_safe_cookie_and_rotates_the_session_id(world: World) -> None:
    with world.client() as client:
        anonymous = client.get("/api/v1/session")
        assert anonymous.status_code == 200
        assert anonymous.json()["account"] is None
        cookie = anonymous.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # plain http here; see the https test below
        before = client.cookies["retrowalk_session"]
        sign_in(client, world.walker_a)
        after = client.cookies["retrowalk_session"]
        assert after != before, "the session id must change at sign-in"
        me = client.get("/api/v1/me").json()
        assert me["email"] == world.walker_a.email
        assert "password_hash" not in me
        assert "argon2" not in str(me)


def test_wrong_password_is_one_sentence_that_does_not_say_which_part_was_wrong(
    world: World,
) -> None:
    with world.client() as client:
        token = client.get("/api/v1/session").json()["csrf_token"]
        wrong_password = client.post(
            "/api/v1/session",
            json={"email": world.walker_b.email, "password": "not-the-password"},
            headers={"X-CSRF-Token": token},
        )
        unknown_email = client.post(
            "/api/v1/session",
            json={"email": "nobody@example.org", "password": "not-the-password"},
            headers={"X-CSRF-Token": token},
        )
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.json()["detail"].endswith(".")


def test_every_unsafe_request_needs_the_csrf_token(world: World) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        csrf = sign_in(client, world.walker_a)
        body = {**SESSION, "client_key": "csrf-check"}
        missing = client.post(f"/api/v1/walkers/{walker_id}/sessions", json=body)
        wrong = client.post(
            f"/api/v1/walkers/{walker_id}/sessions", json=body, headers={"X-CSRF-Token": "x"}
        )
        history = client.get(f"/api/v1/walkers/{walker_id}/history").json()
        right = client.post(
            f"/api/v1/walkers/{walker_id}/sessions", json=body, headers={"X-CSRF-Token": csrf}
        )
    assert missing.status_code == wrong.status_code == 403
    assert "security token" in missing.json()["detail"]
    assert "csrf-check" not in {s["client_key"] for s in history["sessions"]}
    assert right.status_code == 201


def test_a_session_sent_twice_is_stored_once(world: World) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        csrf = sign_in(client, world.walker_a)
        body = {**SESSION, "client_key": "phone-retry-1"}
        url = f"/api/v1/walkers/{walker_id}/sessions"
        first = client.post(url, json=body, headers={"X-CSRF-Token": csrf})
        again = client.post(url, json=body, headers={"X-CSRF-Token": csrf})
        keys = [
            s["client_key"]
            for s in client.get(f"/api/v1/walkers/{walker_id}/history").json()["sessions"]
        ]
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert keys.count("phone-retry-1") == 1


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("pain_peak_nprs", 11, "pain_peak_nprs"),
        ("duration_min", -5, "duration_min"),
        ("surface", "moon", "surface"),
        ("client_key", "spaces are not allowed", "client_key"),
    ],
)
def test_bad_input_gets_a_422_sentence_naming_the_field(
    world: World, field: str, value: object, named: str
) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        csrf = sign_in(client, world.walker_a)
        response = client.post(
            f"/api/v1/walkers/{walker_id}/sessions",
            json={**SESSION, "client_key": "bad-input", field: value},
            headers={"X-CSRF-Token": csrf},
        )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    assert named in detail


def test_not_signed_in_is_401_with_a_sentence(world: World) -> None:
    with world.client() as client:
        response = client.get("/api/v1/flags")
    assert response.status_code == 401
    assert response.json() == {"detail": "Please sign in first."}


def test_the_clinician_list_holds_only_their_own_walkers_with_flags(world: World) -> None:
    with world.client() as client:
        sign_in(client, world.clinician_a)
        rows = client.get("/api/v1/flags").json()
    names = {row["walker"]["display_name"] for row in rows}
    own = {w.display_name for w in walkers.list_walkers(world.ctx, world.clinician_a.actor)}
    assert names == own  # other tests add walkers to A's list; never one of B's
    assert world.walker_a.name in names
    assert world.walker_b.name not in names
    assert all(isinstance(row["flags"], list) for row in rows)


def test_openapi_schema_is_served_and_lists_the_api(world: World) -> None:
    with world.client() as client:
        schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/walkers/{walker_id}/sessions" in schema["paths"]
    # pages are not part of the API schema
    assert not any(not p.startswith("/api/") for p in schema["paths"])


def test_pages_send_security_headers_and_use_only_local_assets(world: World) -> None:
    with world.client() as client:
        page = client.get("/evidence")
        css = client.get("/static/css/retrowalk.css")
        js = client.get("/static/js/retrowalk.js")
    assert page.status_code == css.status_code == js.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page.text)
    assert external == []
    assert "does not diagnose" in page.text


def test_a_page_form_with_a_wrong_value_comes_back_with_the_message_and_the_answers(
    world: World,
) -> None:
    with world.client() as client:
        sign_in(client, world.walker_a)
        form = client.get("/log")
        response = client.post(
            "/log",
            data={
                "csrf_token": form_csrf(form.text),
                "client_key": "form-error",
                "duration_min": "10",
                "surface": "treadmill_with_handrails",
                "supervised": "yes",
                "pain_before_nprs": "2",
                "pain_peak_nprs": "14",
                "pain_after_nprs": "2",
                "effort_cr10": "3",
                "note": "keep this note",
            },
        )
    assert response.status_code == 422
    assert 'id="pain_peak_nprs-error"' in response.text
    assert "keep this note" in response.text


def test_cookie_is_secure_under_https(world: World) -> None:
    from fastapi.testclient import TestClient

    with TestClient(world.app, base_url="https://testserver") as client:
        cookie = client.get("/api/v1/session").headers["set-cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


def test_a_reassessment_with_koos_draws_the_koos_charts_with_their_band(world: World) -> None:
    from retrowalk.clinical.measures.koos import ALL_KOOS_ITEMS

    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(f"/clinician/walkers/{walker_id}")
        form = {"csrf_token": form_csrf(page.text), "tug_s": "8.7"}
        form.update({f"koos_{code}": "1" for code in ALL_KOOS_ITEMS})
        saved = client.post(f"/clinician/walkers/{walker_id}/assess", data=form)
        assert saved.status_code == 303
        bad = client.post(
            f"/clinician/walkers/{walker_id}/assess",
            data={"csrf_token": form["csrf_token"], "koos_P1": "7"},
        )
        assert bad.status_code == 422
        assert "P1" in bad.text
    with world.client() as client:
        sign_in(client, world.walker_a)
        progress = client.get("/progress").text
    assert "KOOS Pain (0–100)" in progress
    assert progress.count('class="band"') >= 5
    assert "75 points" in progress  # 100 − 1 × 25 on every subscale


def test_an_id_too_large_for_the_database_is_a_422_not_a_crash(world: World) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        csrf = sign_in(client, world.walker_a)
        response = client.post(
            f"/api/v1/walkers/{walker_id}/checkins",
            json={"session_id": 2**70, "pain_nprs": 1, "stiffness_nprs": 1, "new_red_flags": []},
            headers={"X-CSRF-Token": csrf},
        )
        huge_path = client.get(f"/api/v1/walkers/{2**70}")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "session_id" in detail
    assert str(ID_MAX) in detail, "the sentence says what is allowed"
    assert huge_path.status_code == 422
    assert str(ID_MAX) in huge_path.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("notes", {"text": "seen\x00today"}, "text"),
        ("clearances", {"scope": "start", "reason": "ok\x00"}, "reason"),
        ("adjustments", {"duration_min": 12, "reason": "why\x00"}, "reason"),
    ],
)
def test_text_with_a_nul_character_is_a_422_naming_the_field(
    world: World, path: str, body: dict[str, object], field: str
) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        csrf = sign_in(client, world.clinician_a)
        response = client.post(
            f"/api/v1/walkers/{walker_id}/{path}", json=body, headers={"X-CSRF-Token": csrf}
        )
        record = client.get(f"/api/v1/walkers/{walker_id}/history").json()
    assert response.status_code == 422
    assert f"{field}: " in response.json()["detail"]
    assert "NUL character" in response.json()["detail"]
    assert all("\x00" not in n["text"] for n in record["notes"])


@pytest.mark.parametrize(
    ("who", "path", "body", "field"),
    [
        ("clinician", "notes", '{"text": "x \\udfff y"}', "text"),
        (
            "walker",
            "sessions",
            '{"client_key": "sur-1", "duration_min": 10, "speed_m_s": 0.7, '
            '"surface": "treadmill_with_handrails", "supervised": true, "pain_before_nprs": 2, '
            '"pain_peak_nprs": 2, "pain_after_nprs": 2, "effort_cr10": 3, '
            '"note": "x \\ud800 y"}',
            "note",
        ),
    ],
)
def test_half_a_character_in_json_text_is_a_422_naming_the_field(
    world: World, who: str, path: str, body: str, field: str
) -> None:
    """Found by the outside-in test: JSON's ``\\ud800`` (a lone surrogate) crashed the
    request with a 500 and dropped the connection: the 422 echoing it could not be sent."""
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    person = world.clinician_a if who == "clinician" else world.walker_a
    with world.client() as client:
        csrf = sign_in(client, person)
        response = client.post(
            f"/api/v1/walkers/{walker_id}/{path}",
            content=body.encode("ascii"),
            headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"},
        )
        after = client.get("/api/v1/me")  # the connection is still good
    assert response.status_code == 422, response.text
    assert f"{field}: must be text" in response.json()["detail"]
    assert [p["field"] for p in response.json()["problems"]] == [field]
    assert after.status_code == 200


def test_a_body_that_is_not_json_is_named_as_the_body(world: World) -> None:
    """Found by the outside-in test: it said "1: JSON decode error" (the offset as a field)."""
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        csrf = sign_in(client, world.clinician_a)
        response = client.post(
            f"/api/v1/walkers/{walker_id}/notes",
            content=b'{"text": "seen',
            headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"},
        )
    assert response.status_code == 422
    assert response.json()["detail"] == "body: is not valid JSON: send one JSON object."
    assert [p["field"] for p in response.json()["problems"]] == ["body"]


def test_a_fall_during_the_warm_up_can_be_logged_with_zero_minutes(tmp_path: Path) -> None:
    app, built = build_world(tmp_path)
    walker_id = built.walker_a.walker.id  # type: ignore[union-attr]
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        csrf = sign_in(client, built.walker_a)
        url = f"/api/v1/walkers/{walker_id}/sessions"
        body = {**SESSION, "duration_min": 0, "client_key": "warm-up-fall"}
        body.pop("speed_m_s")
        refused = client.post(url, json=body, headers={"X-CSRF-Token": csrf})
        no_speed = client.post(
            url, json={**body, "duration_min": 10}, headers={"X-CSRF-Token": csrf}
        )
        body.update(adverse_events=["fall"], completed=False)
        logged = client.post(url, json=body, headers={"X-CSRF-Token": csrf})
    built.ctx.db.dispose()
    assert refused.status_code == 422
    assert "duration_min: may be 0 only" in refused.json()["detail"]
    assert [p["field"] for p in refused.json()["problems"]] == ["duration_min"]
    assert no_speed.status_code == 422  # the field the rule is about is named, not "input"
    assert [p["field"] for p in no_speed.json()["problems"]] == ["speed_m_s"]
    assert "give speed_m_s or distance_m" in no_speed.json()["detail"]
    assert logged.status_code == 201, logged.text
    assert logged.json()["duration_min"] == 0
    assert logged.json()["adverse_events"] == ["fall"]


def test_the_clinician_list_sorts_by_name_and_by_last_session(tmp_path: Path) -> None:
    from tests.web.conftest import give_history, invite_walker

    app, world = build_world(tmp_path)
    zed = invite_walker(world.ctx, world.clinician_b, "zed@example.org", "Zed Zulu", "zed-pass-123")
    invite_walker(world.ctx, world.clinician_b, "amy@example.org", "Amy Alpha", "amy-pass-123")
    give_history(world.ctx, zed)
    with LiveServer(app) as server, httpx.Client(base_url=server.url) as client:
        sign_in(client, world.clinician_b)

        def names(query: str) -> list[str]:
            html = client.get(f"/clinician?{query}").text
            return re.findall(r'<a href="/clinician/walkers/\d+">([^<]+)</a>', html)

        assert names("sort=name&order=asc") == ["Amy Alpha", "Bob Otherwalker", "Zed Zulu"]
        assert names("sort=name&order=desc") == ["Zed Zulu", "Bob Otherwalker", "Amy Alpha"]
        assert names("sort=last_session&order=asc")[0] == "Zed Zulu"
        assert names("sort=nonsense") == names("sort=flags")
    world.ctx.db.dispose()


def test_clinician_pages_name_the_knee_condition_in_words(world: World) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        sign_in(client, world.clinician_a)
        listing = client.get("/clinician").text
        page = client.get(f"/clinician/walkers/{walker_id}").text
    for html in (listing, page):
        assert "knee osteoarthritis" in html
        assert ", oa" not in html


def test_the_clinician_list_puts_an_emergency_red_flag_first(tmp_path: Path) -> None:
    """Most urgent first, not most flags first (found by the outside-in test: a possible DVT
    sorted below a walker with "missed sessions" and "reassessment due")."""
    from retrowalk.services import screening
    from tests.web.conftest import CLEARED_SCREENING, invite_walker

    app, world = build_world(tmp_path)
    dvt = invite_walker(world.ctx, world.clinician_b, "dvt@example.org", "Zoe Calf", "zoe-pass-123")
    many = invite_walker(world.ctx, world.clinician_b, "aid@example.org", "Al Aid", "al-pass-1234")
    assert dvt.walker is not None
    assert many.walker is not None
    screening.screen_walker(
        world.ctx,
        dvt.actor,
        dvt.walker.id,
        {**CLEARED_SCREENING, "red_flags": ["calf_pain_swelling_warmth"]},
    )
    screening.screen_walker(
        world.ctx,
        many.actor,
        many.walker.id,
        {
            **CLEARED_SCREENING,
            "uses_walking_aid": True,
            "steadi": {**CLEARED_SCREENING["steadi"], "fell_past_12_months": True},
        },
    )
    with LiveServer(app) as server, httpx.Client(base_url=server.url) as client:
        sign_in(client, world.clinician_b)
        flags = {row["walker"]["id"]: row["flags"] for row in client.get("/api/v1/flags").json()}
        html = client.get("/clinician").text
        names = re.findall(r'<a href="/clinician/walkers/\d+">([^<]+)</a>', html)
    world.ctx.db.dispose()
    assert len(flags[many.walker.id]) > len(flags[dvt.walker.id]), "the other has more flags"
    assert names[0] == "Zoe Calf", names
