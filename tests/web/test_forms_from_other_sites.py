"""A form another website sends is refused outright, and a "send again" page says what it does.

The outside-in probe (a HIGH finding): a page on another site posted a form to retrowalk
while a clinician was signed in. Without the sign-in cookie (``SameSite=Lax`` keeps it off a
cross-site POST) the app answered "You were signed out before this could be saved" with the
forged fields and a sign-in form; after signing in, one press of "Send again" lifted a red
flag or changed the clinic policy under her name — a page that named neither. Now the
browser's ``Sec-Fetch-Site`` and ``Origin`` say where a request comes from: another site's
form gets a 403 saying so and nothing is saved or offered again; a page API request the same
in the JSON error model. A form of retrowalk's own whose token ran out is still shown again
(nothing typed is lost), and that page names the action, the walker and every field sent.
"""

from __future__ import annotations

import logging
import re
from html import unescape
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy import func, select

from retrowalk.clinical.red_flags import KneeRedFlag
from retrowalk.services import history, policies, red_flag_reports
from retrowalk.store.models import AuditEntry
from retrowalk.web.auth import UNSAFE_METHODS
from tests.web.conftest import SESSION_BODY, Person, World, form_csrf, sign_in, web_admin
from tests.web.own_world import world
from tests.web.planned_walkers import planned, text_of

__all__ = ["world"]  # this module's own app: its walkers stay out of other modules' lists

EVIL = "http://evil.example"
FORGED = {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}
"""What a browser sends with a form that a page on another website submits."""
HOT = KneeRedFlag.HOT_SWOLLEN_KNEE.value
REFUSED = "This form came from another website, so nothing was saved."


@pytest.fixture(scope="module")
def admin(world: World) -> Person:
    """An administrator signed in on the web (the clinic policy is theirs to change)."""
    return web_admin(world)


def own(world: World) -> dict[str, str]:
    """What a browser sends with a form of retrowalk's own pages."""
    return {"Origin": world.url, "Sec-Fetch-Site": "same-origin"}


def app_routes_of(world: World) -> list[Any]:
    return [r for r in iter_route_contexts(world.app.routes) if r.path]


def audit_rows(world: World) -> int:
    with world.ctx.db.reader() as tx:
        return int(tx.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def assert_refused_page(response: httpx.Response) -> None:
    """The 403 a person sees: it says where the form came from; nothing is offered again."""
    assert response.status_code == 403, response.text
    text = text_of(response.text)
    assert REFUSED in text
    assert "send this again" not in text.lower()
    assert "Send again" not in text
    assert "signed out" not in text, "another site's form must not claim a sign-out"
    assert 'name="resume_action"' not in response.text
    assert 'type="password"' not in response.text, "no sign-in form to carry it out after"
    assert "set-cookie" not in response.headers, "another site's form never signs anyone out"


def forge(client: httpx.Client, path: str, data: dict[str, Any]) -> httpx.Response:
    return client.post(path, data=data, headers=FORGED)


def red_flagged(world: World) -> Person:
    """A walker of clinician A whose knee is hot and swollen (a red flag to clear)."""
    person = planned(world)
    assert person.walker is not None
    red_flag_reports.report_red_flags(
        world.ctx, person.actor, person.walker.id, {"new_red_flags": [HOT]}
    )
    return person


def active_kinds(world: World, person: Person) -> set[str]:
    assert person.walker is not None
    got = history.walker_history(world.ctx, world.admin, person.walker.id).restrictions
    assert got is not None
    return {r.kind.value for r in got.active}


# --- another website's forms: refused, nothing stored, nothing offered ------------------------


def test_another_sites_form_cannot_lift_a_red_flag_signed_in_or_not(world: World) -> None:
    person = red_flagged(world)
    assert person.walker is not None
    path = f"/clinician/walkers/{person.walker.id}/clear"
    forged = {"scope": "red_flag", "clear_reason": "All fine, says the attacker"}
    before = audit_rows(world)
    with world.client() as signed_out:  # the cookie stays home on a cross-site POST
        assert_refused_page(forge(signed_out, path, forged))
    with world.client() as client:
        sign_in(client, world.clinician_a)
        token = form_csrf(client.get(f"/clinician/walkers/{person.walker.id}").text)
        assert_refused_page(forge(client, path, forged))
        assert_refused_page(forge(client, path, {**forged, "csrf_token": token}))
    assert audit_rows(world) == before
    assert history.walker_history(world.ctx, world.admin, person.walker.id).clearances == ()
    assert "red_flag" in active_kinds(world, person)


def test_another_sites_form_cannot_change_the_clinic_policy(world: World, admin: Person) -> None:
    before = policies.current_policy(world.ctx, world.admin)
    rows = audit_rows(world)
    forged = {
        "supervised_first_sessions_low_risk": "0",
        "rest_day_pain_from_nprs": "10",
        "reason": "Faster progress",
    }
    with world.client() as client:
        sign_in(client, admin)
        token = form_csrf(client.get("/team/policy").text)
        assert_refused_page(forge(client, "/team/policy", forged))
        assert_refused_page(forge(client, "/team/policy", {**forged, "csrf_token": token}))
    assert policies.current_policy(world.ctx, world.admin).version == before.version
    assert audit_rows(world) == rows


def test_another_sites_form_cannot_send_a_walkers_check_in_red_flag_or_fall(
    world: World,
) -> None:
    person = planned(world, walked_yesterday=True)
    assert person.walker is not None
    rows = audit_rows(world)
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/checkin").text
        token = form_csrf(page)
        session_id = re.search(r'name="session_id" value="(\d+)"', page)
        assert session_id is not None, "the walker has a check-in to give"
        checkin = {"session_id": session_id.group(1), "pain_nprs": "9", "stiffness_nprs": "9"}
        log = {
            **{k: str(v) for k, v in SESSION_BODY.items() if k != "supervised"},
            "supervised": "yes",
            "client_key": "forged-fall",
            "adverse_events": "fall",
        }
        for path, data in (
            ("/checkin", checkin),
            ("/red-flags", {"new_red_flags": HOT, "client_key": "forged-flag"}),
            ("/log", log),
        ):
            assert_refused_page(forge(client, path, data))
            assert_refused_page(forge(client, path, {**data, "csrf_token": token}))
    record = history.walker_history(world.ctx, world.admin, person.walker.id)
    assert record.checkins == ()
    assert record.red_flag_reports == ()
    assert len(record.sessions) == 1, "only the session she logged herself"
    assert audit_rows(world) == rows
    assert "red_flag" not in active_kinds(world, person)


def test_the_api_refuses_another_sites_request_in_its_error_model(
    world: World, admin: Person
) -> None:
    person = red_flagged(world)
    walker = planned(world)
    assert person.walker is not None
    assert walker.walker is not None
    rows = audit_rows(world)
    version = policies.current_policy(world.ctx, world.admin).version
    with world.client() as staff, world.client() as boss, world.client() as phone:
        staff_token = sign_in(staff, world.clinician_a)
        boss_token = sign_in(boss, admin)
        phone_token = sign_in(phone, walker)
        for client, token, path, body in (
            (
                staff,
                staff_token,
                f"/api/v1/walkers/{person.walker.id}/clearances",
                {"scope": "red_flag", "reason": "All fine, says the attacker"},
            ),
            (
                boss,
                boss_token,
                "/api/v1/policy",
                {"changes": {"rest_day_pain_from_nprs": 10}, "reason": "Faster progress"},
            ),
            (
                phone,
                phone_token,
                f"/api/v1/walkers/{walker.walker.id}/sessions",
                {**SESSION_BODY, "client_key": "forged-api", "adverse_events": ["fall"]},
            ),
        ):
            refused = client.post(path, json=body, headers={**FORGED, "X-CSRF-Token": token})
            assert refused.status_code == 403, (path, refused.text)
            assert refused.json() == {
                "detail": REFUSED
                + " If you meant to do this, open retrowalk yourself and do it there."
            }
    assert audit_rows(world) == rows
    assert history.walker_history(world.ctx, world.admin, person.walker.id).clearances == ()
    assert history.walker_history(world.ctx, world.admin, walker.walker.id).sessions == ()
    assert policies.current_policy(world.ctx, world.admin).version == version


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-site"},  # another port or subdomain: the cookie still goes
        {"Origin": "http://127.0.0.1:1"},  # an older browser: Origin only, another port
        {"Origin": "null"},  # a sandboxed frame or a file on the computer
        {"Origin": EVIL},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://127.0.0.1:1"},
    ],
)
def test_every_sign_of_another_site_is_refused(world: World, headers: dict[str, str]) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    before = len(history.walker_history(world.ctx, world.admin, walker_id).notes)
    with world.client() as client:
        sign_in(client, world.clinician_a)
        token = form_csrf(client.get(f"/clinician/walkers/{walker_id}").text)
        refused = client.post(
            f"/clinician/walkers/{walker_id}/note",
            data={"csrf_token": token, "note_text": "Planted note"},
            headers=headers,
        )
    assert_refused_page(refused)
    assert len(history.walker_history(world.ctx, world.admin, walker_id).notes) == before


def test_behind_a_proxy_that_rewrites_the_host_the_clinics_own_form_is_saved(
    world: World,
) -> None:
    """The browser says same-origin and its Origin is the public address a proxy rewrote
    (or whose https it ended): the browser's own judgement decides, so the form is saved."""
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    rows = audit_rows(world)
    with world.client() as client:
        sign_in(client, world.clinician_a)
        token = form_csrf(client.get(f"/clinician/walkers/{walker_id}").text)
        saved = client.post(
            f"/clinician/walkers/{walker_id}/note",
            data={"csrf_token": token, "note_text": "Typed behind a proxy"},
            headers={"Sec-Fetch-Site": "same-origin", "Origin": "https://rw.clinic.example"},
        )
    assert saved.status_code == 303, saved.text
    assert audit_rows(world) == rows + 1


def test_an_older_browsers_foreign_origin_is_named_for_the_operator(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Origin only (no Sec-Fetch-Site), and not the address retrowalk sees: refused, and
    the log says what to set if that address is retrowalk's own behind a proxy."""
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        sign_in(client, world.clinician_a)
        token = form_csrf(client.get(f"/clinician/walkers/{walker_id}").text)
        with caplog.at_level(logging.WARNING, logger="retrowalk.web.auth"):
            refused = client.post(
                f"/clinician/walkers/{walker_id}/note",
                data={"csrf_token": token, "note_text": "Typed behind a proxy"},
                headers={"Origin": "https://rw.clinic.example"},
            )
    assert_refused_page(refused)
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "'https://rw.clinic.example' is not http://127.0.0.1:" in said
    assert "pass the Host header on" in said
    assert "--forwarded-allow-ips" in said


def test_no_route_takes_a_request_from_another_site(world: World) -> None:
    """Every unsafe route of the app, pages and API (a new one cannot escape the check)."""
    unsafe = sorted(
        {
            (method, route.path)
            for route in app_routes_of(world)
            for method in route.methods or ()
            if method in UNSAFE_METHODS
        }
    )
    assert len(unsafe) > 40
    rows = audit_rows(world)
    with world.client() as client:
        token = sign_in(client, world.clinician_a)
        for method, path in unsafe:
            address = re.sub(r"\{[^}]+\}", "1", path)
            refused = client.request(
                method,
                address,
                data={"csrf_token": token},
                headers={**FORGED, "X-CSRF-Token": token},
            )
            assert refused.status_code == 403, (method, path, refused.text[:300])
            if path.startswith("/api/"):
                assert refused.json()["detail"].startswith(REFUSED), (method, path)
            else:
                assert REFUSED in text_of(refused.text), (method, path)
    assert audit_rows(world) == rows


# --- retrowalk's own form with an out-of-date token: shown again, and it says what it does -----


def hidden_fields(html: str) -> list[tuple[str, str]]:
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    return [(unescape(n), unescape(v)) for n, v in found]


def test_an_own_form_sent_again_names_the_action_the_walker_and_every_field(
    world: World,
) -> None:
    person = red_flagged(world)
    assert person.walker is not None
    path = f"/clinician/walkers/{person.walker.id}/clear"
    reason = "Seen by her GP: no infection"
    with world.client() as client:
        sign_in(client, world.clinician_a)
        shown = client.post(
            path,
            data={"csrf_token": "from-an-old-page", "scope": "red_flag", "clear_reason": reason},
            headers=own(world),
        )
        assert shown.status_code == 403
        text = text_of(shown.text)
        assert "Nothing you typed is lost" in text
        assert f'Lift the red flag of {person.name}, with the reason "{reason}".' in text
        assert "It is saved under your name, Ann Clinician." in text
        assert "Restrictions red flag" in text  # every field sent, in the page's words
        assert f"Why you clear it {reason}" in text
        again = re.search(r'<form class="stack" method="post" action="([^"]+)"', shown.text)
        assert again is not None
        assert again.group(1) == path
        saved = client.post(  # "Send again" pressed: the page's own fields, as a browser sends them
            path,
            content=urlencode(hidden_fields(shown.text)),
            headers={**own(world), "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert saved.status_code == 303, saved.text
    cleared = history.walker_history(world.ctx, world.admin, person.walker.id).clearances
    assert [(c.scope.value, c.reason) for c in cleared] == [("red_flag", reason)]
    assert "red_flag" not in active_kinds(world, person)


def test_a_field_sent_twice_is_described_as_the_route_reads_it(world: World) -> None:
    """Found by the outside-in test: with ``scope`` and ``clear_reason`` each sent twice the
    page said "Lift the fall-risk supervision … with the reason 'shown first'" while its
    button lifted the red flag with the second reason (the route reads the last copy)."""
    person = red_flagged(world)
    assert person.walker is not None
    path = f"/clinician/walkers/{person.walker.id}/clear"
    body = urlencode(
        [
            ("csrf_token", "stale"),
            ("scope", "fall_risk"),
            ("scope", "red_flag"),
            ("clear_reason", "Reason shown first"),
            ("clear_reason", "Seen in clinic: knee stable"),
        ]
    )
    with world.client() as client:
        sign_in(client, world.clinician_a)
        shown = client.post(
            path,
            content=body,
            headers={**own(world), "Content-Type": "application/x-www-form-urlencoded"},
        )
        text = text_of(shown.text)
        said = f'Lift the red flag of {person.name}, with the reason "Seen in clinic: knee stable".'
        assert said in text
        assert "Reason shown first" not in text.split("What will be sent")[0]
        saved = client.post(
            path,
            content=urlencode(hidden_fields(shown.text)),
            headers={**own(world), "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert saved.status_code == 303, saved.text
    cleared = history.walker_history(world.ctx, world.admin, person.walker.id).clearances
    assert [(c.scope.value, c.reason) for c in cleared] == [
        ("red_flag", "Seen in clinic: knee stable")
    ]


def test_the_policy_sent_again_says_which_values_change_and_why(
    world: World, admin: Person
) -> None:
    current = policies.current_policy(world.ctx, world.admin)
    first = current.value("supervised_first_sessions_low_risk")
    with world.client() as client:
        sign_in(client, admin)
        shown = client.post(
            "/team/policy",
            data={
                "csrf_token": "from-an-old-page",
                "supervised_first_sessions_low_risk": "0",
                "rest_day_pain_from_nprs": str(current.value("rest_day_pain_from_nprs")),
                "reason": "Faster progress",
            },
            headers=own(world),
        )
    assert shown.status_code == 403
    text = text_of(shown.text)
    assert (
        "Change the clinic policy for every walker: supervised first sessions low risk "
        f'from {first} to 0, with the reason "Faster progress".'
    ) in text
    assert "Supervised first sessions low risk 0" in text
    assert f"Rest day pain from nprs {current.value('rest_day_pain_from_nprs')}" in text
    assert policies.current_policy(world.ctx, world.admin).version == current.version


def test_a_signed_out_walkers_own_log_is_kept_and_named_before_she_signs_in(
    world: World,
) -> None:
    """The sign-in step of the send-again page (retrowalk's own form, the sign-in ended)."""
    person = planned(world)
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/log").text
        client.cookies.clear()
        shown = client.post(
            "/log",
            data={"csrf_token": form_csrf(page), "client_key": "kept", "duration_min": "12"},
            headers=own(world),
        )
    assert shown.status_code == 403
    text = text_of(shown.text)
    assert "You were signed out before this could be saved" in text
    assert "Save the session you walked." in text
    assert "Minutes of backward walking 12" in text
