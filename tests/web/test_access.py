"""The access matrix: every route of the app, tried by every other role against a walker
who is not theirs, must refuse. The list of routes comes from the app itself, so a new
endpoint cannot escape: it must be classified here or the first test fails.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi.routing import iter_route_contexts

from retrowalk.store.models import Walker
from tests.web.conftest import BASELINE, CLEARED_SCREENING, Person, World, sign_in

VALID_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/walkers/{walker_id}/screenings"): CLEARED_SCREENING,
    ("POST", "/api/v1/walkers/{walker_id}/assessments"): BASELINE,
    ("POST", "/api/v1/walkers/{walker_id}/plan"): {},
    ("POST", "/api/v1/walkers/{walker_id}/sessions"): {
        "client_key": "intruder-1",
        "duration_min": 10,
        "speed_m_s": 0.7,
        "surface": "treadmill_with_handrails",
        "supervised": True,
        "pain_before_nprs": 1,
        "pain_peak_nprs": 1,
        "pain_after_nprs": 1,
        "effort_cr10": 1,
    },
    ("POST", "/api/v1/walkers/{walker_id}/checkins"): {
        "pain_nprs": 9,
        "stiffness_nprs": 9,
        "new_red_flags": [],
    },
    ("POST", "/api/v1/walkers/{walker_id}/clearances"): {
        "scope": "adverse_event",
        "reason": "intruder",
    },
    ("POST", "/api/v1/walkers/{walker_id}/adjustments"): {
        "duration_min": 30,
        "reason": "intruder",
    },
    ("POST", "/api/v1/walkers/{walker_id}/notes"): {"text": "intruder"},
    ("POST", "/api/v1/walkers/{walker_id}/red-flags"): {"new_red_flags": []},
    ("POST", "/clinician/walkers/{walker_id}/clear"): {
        "scope": "adverse_event",
        "clear_reason": "intruder",
    },
    ("POST", "/clinician/walkers/{walker_id}/adjust"): {
        "duration_min": "30",
        "adjust_reason": "intruder",
    },
    ("POST", "/clinician/walkers/{walker_id}/note"): {"note_text": "intruder"},
    ("POST", "/clinician/walkers/{walker_id}/assess"): {"tug_s": "9", "koos_P1": "2"},
    ("POST", "/clinician/walkers/{walker_id}/password-link"): {},
    ("POST", "/clinician/walkers/{walker_id}/exercises"): {
        "exercise_key": "semi_squat",
        "enabled": "no",
    },
    ("POST", "/api/v1/walkers/{walker_id}/exercise-logs"): {
        "client_key": "intruder-ex-1",
        "exercises": [{"exercise_key": "semi_squat", "sets_done": 1, "pain_nprs": 1}],
    },
    ("POST", "/api/v1/walkers/{walker_id}/exercise-switches"): {
        "exercise_key": "semi_squat",
        "enabled": False,
    },
    ("POST", "/api/v1/walkers/{walker_id}/clinician"): {"clinician_id": 1, "reason": "intruder"},
    ("POST", "/clinician/walkers/{walker_id}/clinician"): {
        "clinician_id": "1",
        "reassign_reason": "intruder",
    },
    ("POST", "/clinician/walkers/{walker_id}/plan"): {},
    ("PUT", "/api/v1/walkers/{walker_id}/timezone"): {"timezone": "Pacific/Auckland"},
    ("POST", "/clinician/walkers/{walker_id}/timezone"): {"timezone": "Pacific/Auckland"},
}
"""A VALID body for every unsafe walker-scoped route, so a refusal is about access, not input."""

STAFF_ONLY = {
    "/api/v1/walkers/{walker_id}/clearances",
    "/api/v1/walkers/{walker_id}/adjustments",
    "/api/v1/walkers/{walker_id}/notes",
    "/clinician/walkers/{walker_id}",
    "/clinician/walkers/{walker_id}/clear",
    "/clinician/walkers/{walker_id}/adjust",
    "/clinician/walkers/{walker_id}/note",
    "/clinician/walkers/{walker_id}/assess",
    "/clinician/walkers/{walker_id}/password-link",
    "/clinician/walkers/{walker_id}/audit",
    "/api/v1/walkers/{walker_id}/audit",
    "/clinician/walkers/{walker_id}/report.pdf",
    "/clinician/walkers/{walker_id}/fhir.json",
    "/clinician/walkers/{walker_id}/tables.zip",
    "/api/v1/walkers/{walker_id}/report.pdf",
    "/api/v1/walkers/{walker_id}/fhir",
    "/api/v1/walkers/{walker_id}/tables.zip",
    "/clinician/walkers/{walker_id}/exercises",
    "/api/v1/walkers/{walker_id}/exercise-switches",
    "/api/v1/walkers/{walker_id}/clinician",
    "/clinician/walkers/{walker_id}/clinician",
    "/clinician/walkers/{walker_id}/plan",
    "/clinician/walkers/{walker_id}/timezone",
}
"""Routes a walker may not use even on their own record."""

NOT_WALKER_SCOPED: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/openapi.json"): "public schema",
    ("GET", "/api/docs"): "public API docs",
    ("GET", "/"): "redirects by role",
    ("GET", "/evidence"): "public evidence page",
    ("GET", "/setup"): "first-run setup, token-gated",
    ("POST", "/setup"): "first-run setup, token-gated",
    ("GET", "/login"): "sign-in",
    ("POST", "/login"): "sign-in",
    ("POST", "/logout"): "sign-out",
    ("GET", "/join"): "sign-up by invitation token",
    ("POST", "/join"): "sign-up by invitation token",
    ("GET", "/clinician"): "the clinician's own list: checked in test_lists_hold_only_own",
    ("GET", "/clinician/invite"): "invites into the clinician's own list",
    ("POST", "/clinician/invite"): "invites into the clinician's own list",
    ("GET", "/api/v1/session"): "own session",
    ("POST", "/api/v1/session"): "sign-in",
    ("DELETE", "/api/v1/session"): "sign-out",
    ("GET", "/api/v1/me"): "own account",
    ("GET", "/api/v1/walkers"): "own list: checked in test_lists_hold_only_own",
    ("POST", "/api/v1/walkers"): "enrols into the clinician's own list",
    ("GET", "/api/v1/flags"): "own list: checked in test_lists_hold_only_own",
    ("POST", "/api/v1/invitations"): "invites into the clinician's own list",
    ("GET", "/api/v1/screening/questions"): "public reference",
    ("GET", "/api/v1/evidence"): "public reference",
    ("POST", "/plan"): "the signed-in walker's own plan: test_plan_after_clearance.py",
    ("GET", "/account"): "own account (from the session)",
    ("POST", "/account/password"): "own password: checked in test_account_pages",
    ("POST", "/account/timezone"): "own time zone (from the session): test_timezone_pages",
    ("GET", "/account/my-data.json"): "own data: checked in test_my_data",
    ("GET", "/account/my-data.zip"): "own data: checked in test_my_data",
    ("GET", "/api/v1/me/data"): "own data: checked in test_my_data",
    ("POST", "/api/v1/me/password"): "own password: checked in test_account_pages",
    ("GET", "/reset"): "password link, token-gated",
    ("POST", "/reset"): "password link, token-gated",
    ("GET", "/team"): "own walkers and colleagues: checked in test_team_pages",
    ("POST", "/team/password-link"): "account id in the form: checked in test_team_pages",
    ("POST", "/team/invite-clinician"): "administrators only: checked in test_team_pages",
    ("GET", "/clinician/invitations"): "own invitations: checked in test_team_pages",
    ("POST", "/clinician/invitations/withdraw"): "invitation id in the form: test_team_pages",
    ("POST", "/clinician/invitations/reissue"): "invitation id in the form: test_team_pages",
    ("GET", "/api/v1/invitations"): "own invitations: checked in test_team_pages",
    ("GET", "/team/policy"): "the clinic's policy, staff read it: test_policy_pages",
    ("POST", "/team/policy"): "administrators only: checked in test_policy_pages",
    ("GET", "/api/v1/policy"): "the clinic's policy, anyone signed in: test_policy_pages",
    ("POST", "/api/v1/policy"): "administrators only: checked in test_policy_pages",
    ("GET", "/clinician/tables.zip"): "own walkers only: checked in test_report_downloads",
    ("GET", "/learn"): "public education pages (a walker's own condition first)",
}

CONTENT_ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/learn/{page_key}"): "an education page: content, public",
    ("GET", "/exercises/{exercise_key}"): "an exercise: content, anyone signed in",
}
"""Routes whose path parameter names content (a file's key), not anyone's record: each is
checked in test_content_routes_name_content_only."""

OTHER_RECORDS: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/invitations/{invitation_id}/withdraw"): "an invitation",
    ("POST", "/api/v1/invitations/{invitation_id}/reissue"): "an invitation",
    ("POST", "/api/v1/accounts/{account_id}/reset-links"): "an account",
    ("GET", "/calendar/{token}.ics"): "a walker's calendar feed: test_the_calendar_feed_*",
}
"""Routes with another record's id in the path: each has its own matrix below."""

SESSION_RECORDS: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/sessions/{session_id}/recording"): "the walker's own session only",
    ("GET", "/api/v1/sessions/{session_id}/recordings"): "the walker and her clinician",
    ("GET", "/sessions/{session_id}"): "the walker's own session page",
    ("POST", "/sessions/{session_id}/recording"): "the walker's own session only",
}
"""Routes naming a session: test_no_route_reaches_another_persons_session below."""

OWN_RECORD_PAGES = {
    "/onboarding/screening",
    "/onboarding/tests",
    "/today",
    "/session",
    "/log",
    "/checkin",
    "/red-flags",
    "/progress",
    "/reminders",
    "/plan/print",
    "/exercises",
    "/exercises/log",
}
"""Walker pages take the walker from the session, never from the address."""


def app_routes(world: World) -> list[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(world.app.routes):
        path = route.path
        if not path or path.startswith("/static"):
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, path))
    return sorted(found)


def walker_scoped(world: World) -> list[tuple[str, str]]:
    return [(m, p) for m, p in app_routes(world) if "{walker_id}" in p]


def test_every_route_is_classified(world: World) -> None:
    routes = app_routes(world)
    assert len(routes) > 40
    unclassified = [
        (m, p)
        for m, p in routes
        if "{walker_id}" not in p
        and (m, p) not in NOT_WALKER_SCOPED
        and (m, p) not in OTHER_RECORDS
        and (m, p) not in SESSION_RECORDS
        and (m, p) not in CONTENT_ROUTES
        and p not in OWN_RECORD_PAGES
    ]
    assert unclassified == [], "classify these new routes in test_access.py"
    missing_bodies = [
        (m, p) for m, p in walker_scoped(world) if m != "GET" and (m, p) not in VALID_BODIES
    ]
    assert missing_bodies == [], "give these walker-scoped routes a valid body"
    other_params = [
        (m, p)
        for m, p in routes
        if "{" in p
        and "{walker_id}" not in p
        and (m, p) not in OTHER_RECORDS
        and (m, p) not in SESSION_RECORDS
        and (m, p) not in CONTENT_ROUTES
    ]
    assert other_params == [], "a path parameter other than walker_id needs its own matrix"


def request_as(
    client: httpx.Client, csrf: str, method: str, path: str, walker_id: int
) -> httpx.Response:
    url = path.replace("{walker_id}", str(walker_id))
    body = VALID_BODIES.get((method, path))
    headers = {"X-CSRF-Token": csrf}
    if method == "GET":
        return client.get(url)
    if path.startswith("/api/"):
        return client.request(method, url, json=body, headers=headers)
    return client.request(method, url, data={**(body or {}), "csrf_token": csrf})


ROLES = ["other_walker", "other_clinician", "own_walker_on_staff_route"]


def _people(world: World, role: str) -> tuple[Person, Person]:
    """(the intruder, the person whose record they try to reach)."""
    if role == "other_walker":
        return world.walker_b, world.walker_a
    if role == "other_clinician":
        return world.clinician_b, world.walker_a
    return world.walker_a, world.walker_a


@pytest.fixture(scope="module")
def clients(world: World) -> Any:
    made: dict[str, tuple[httpx.Client, str]] = {}
    for role in ROLES:
        intruder, _ = _people(world, role)
        client = world.client()
        made[role] = (client, sign_in(client, intruder))
    yield made
    for client, _ in made.values():
        client.close()


@pytest.mark.parametrize("role", ROLES)
def test_no_route_reaches_another_persons_walker(
    world: World, clients: dict[str, tuple[httpx.Client, str]], role: str
) -> None:
    intruder, victim = _people(world, role)
    assert victim.walker is not None
    client, csrf = clients[role]
    before = _victim_state(world)
    leaks = []
    for method, path in walker_scoped(world):
        if role == "own_walker_on_staff_route" and path not in STAFF_ONLY:
            continue
        response = request_as(client, csrf, method, path, victim.walker.id)
        refused = response.status_code in (403, 404)
        if not refused or (role != "own_walker_on_staff_route" and victim.name in response.text):
            leaks.append((method, path, response.status_code))
    assert leaks == [], f"{intruder.name} reached {victim.name}'s records"
    assert _victim_state(world) == before, "a refused request changed the record"


def _victim_state(world: World) -> tuple[int, ...]:
    from retrowalk.services import history

    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    record = history.walker_history(world.ctx, world.admin, walker_id, weeks=520)
    from retrowalk.services import exercise_log, exercises

    programme = exercises.walker_programme(world.ctx, world.admin, walker_id)
    adherence = exercise_log.exercise_adherence(world.ctx, world.admin, walker_id, weeks=1)
    with world.ctx.db.reader() as tx:  # every change of the record raises it (audited)
        version = tx.get(Walker, walker_id).record_version  # type: ignore[union-attr]
    return (
        version,
        len(record.sessions),
        len(record.checkins),
        len(record.prescriptions),
        len(record.notes),
        len(record.clearances),
        len(record.screenings),
        len(record.assessments),
        *(item.enabled for item in programme.items),
        adherence.weeks[-1].sets_done,
    )


def test_the_owner_and_their_clinician_can_reach_the_record(world: World) -> None:
    """The refusals above are about access: the same requests work for the right people."""
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    for person in (world.walker_a, world.clinician_a):
        with world.client() as client:
            sign_in(client, person)
            for path in ("/api/v1/walkers/{walker_id}", "/api/v1/walkers/{walker_id}/history"):
                response = client.get(path.replace("{walker_id}", str(walker_id)))
                assert response.status_code == 200, (person.name, path, response.text)
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(f"/clinician/walkers/{walker_id}")
        assert page.status_code == 200
        assert world.walker_a.name in page.text


def test_lists_hold_only_own(world: World) -> None:
    with world.client() as client:
        sign_in(client, world.clinician_b)
        assert world.walker_a.name not in client.get("/clinician").text
        assert world.walker_a.name not in client.get("/api/v1/flags").text
        listed = {w["display_name"] for w in client.get("/api/v1/walkers").json()}
        assert listed == {world.walker_b.name}
    with world.client() as client:
        sign_in(client, world.walker_b)
        listed = {w["display_name"] for w in client.get("/api/v1/walkers").json()}
        assert listed == {world.walker_b.name}
        assert client.get("/api/v1/flags").status_code == 403
        assert client.get("/clinician").status_code == 403


@pytest.mark.parametrize("path", sorted(OWN_RECORD_PAGES))
def test_walker_pages_show_only_the_signed_in_walker(world: World, path: str) -> None:
    with world.client() as client:
        sign_in(client, world.walker_b)
        response = client.get(path)
        assert response.status_code in (200, 303)
        assert world.walker_a.name not in response.text
        # a walker id in the address is ignored, never obeyed
        walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
        sneaky = client.get(f"{path}?walker_id={walker_id}")
        assert world.walker_a.name not in sneaky.text


@pytest.mark.parametrize("path", sorted(OWN_RECORD_PAGES))
def test_walker_pages_need_a_walker(world: World, path: str) -> None:
    with world.client() as client:
        assert client.get(path).status_code == 303  # to sign-in
        sign_in(client, world.clinician_a)
        assert client.get(path).status_code == 403


def test_content_routes_name_content_only(world: World) -> None:
    """An exercise or an education page is the same for everyone: it shows no one's name,
    an unknown key is a 404, and the exercise pages need a sign-in (the education pages do
    not)."""
    with world.client() as client:
        assert client.get("/learn/traffic-light").status_code == 200
        assert client.get("/learn/no-such-page").status_code == 404
        assert client.get("/exercises/semi_squat").status_code == 303  # to sign-in
    for person in (world.walker_b, world.clinician_b):
        with world.client() as client:
            sign_in(client, person)
            for url in ("/exercises/semi_squat", "/learn/traffic-light", "/learn"):
                response = client.get(url)
                assert response.status_code == 200, (person.name, url)
                assert world.walker_a.name not in response.text
            assert client.get("/exercises/no_such_exercise").status_code == 404


# --- routes naming another record: an invitation, an account ---------------------------------


@pytest.fixture(scope="module")
def clinician_a_invitation(world: World) -> int:
    """A pending invitation that clinician A sent."""
    from retrowalk.services import accounts

    return accounts.create_invitation(world.ctx, world.clinician_a.actor, "pending@example.org").id


OTHER_INTRUDERS = ["other_walker", "other_clinician", "own_walker_on_staff_route"]


@pytest.mark.parametrize("role", OTHER_INTRUDERS)
def test_no_route_reaches_another_persons_invitation_or_account(
    world: World,
    clients: dict[str, tuple[httpx.Client, str]],
    clinician_a_invitation: int,
    role: str,
) -> None:
    """Nobody but clinician A may withdraw or re-issue A's invitation; nobody but A (or an
    admin) may make a password link for A's walker; a walker may make none at all."""
    from retrowalk.services import invitations

    client, csrf = clients[role]
    victim = world.walker_a.actor.account_id
    ids = {"invitation": clinician_a_invitation, "account": victim}
    leaks = []
    for method, path in OTHER_RECORDS:
        url = path.replace("{invitation_id}", str(ids["invitation"]))
        url = url.replace("{account_id}", str(ids["account"]))
        response = client.request(method, url, json={}, headers={"X-CSRF-Token": csrf})
        if response.status_code not in (403, 404):
            leaks.append((method, path, response.status_code))
    for page in ("/clinician/invitations/withdraw", "/clinician/invitations/reissue"):
        response = client.post(
            page, data={"invitation_id": str(ids["invitation"]), "csrf_token": csrf}
        )
        if response.status_code not in (403, 404):
            leaks.append(("POST", page, response.status_code))
    response = client.post(
        "/team/password-link", data={"account_id": str(victim), "csrf_token": csrf}
    )
    if response.status_code not in (403, 404):
        leaks.append(("POST", "/team/password-link", response.status_code))
    assert leaks == []
    pending = invitations.list_invitations(world.ctx, world.clinician_a.actor)
    assert clinician_a_invitation in [i.id for i in pending], "a refused request withdrew it"


# --- the calendar feed: a secret address stands for the walker ---------------------------------


def test_the_calendar_feed_opens_only_with_the_right_token_and_says_nothing_otherwise(
    world: World,
) -> None:
    """No sign-in: the token is the key. Every wrong one (another walker's id, a changed
    letter, a renewed link, garbage) gets the same 404 with the same words, and nothing of
    the walker; only the walker sees or renews the link, never their clinician."""
    from retrowalk.services import AccessDenied, reminders

    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    other_id = world.walker_b.walker.id  # type: ignore[union-attr]
    link = reminders.renew_calendar_link(world.ctx, world.walker_a.actor, walker_id)
    other = reminders.renew_calendar_link(world.ctx, world.walker_b.actor, other_id)
    with world.client() as anonymous:
        good = anonymous.get(f"/calendar/{link.token}.ics")
        assert good.status_code == 200
        assert good.headers["content-type"].startswith("text/calendar")
        assert world.walker_a.name not in good.text
        mac = link.token.split("-", 1)[1]
        flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
        wrong = [
            f"{other_id}-{mac}",
            f"{walker_id}-{flipped}",
            f"{walker_id}-{other.token.split('-', 1)[1]}",
            f"{walker_id}",
            "0-x",
            "99999999999999999999-x",
            "1--x",
            "x" * 300,
        ]
        answers = [anonymous.get(f"/calendar/{token}.ics") for token in wrong]
        assert {a.status_code for a in answers} == {404}
        assert len({a.text for a in answers}) == 1, "every wrong token gets the same answer"
        assert "VCALENDAR" not in answers[0].text
        renewed = reminders.renew_calendar_link(world.ctx, world.walker_a.actor, walker_id)
        assert anonymous.get(f"/calendar/{link.token}.ics").status_code == 404, "old one stops"
        assert anonymous.get(f"/calendar/{renewed.token}.ics").status_code == 200
    for person in (world.clinician_a, world.walker_b, world.admin):
        actor = person if not isinstance(person, Person) else person.actor
        with pytest.raises(AccessDenied):
            reminders.calendar_link(world.ctx, actor, walker_id)
        with pytest.raises(AccessDenied):
            reminders.renew_calendar_link(world.ctx, actor, walker_id)
    with world.client() as client:
        sign_in(client, world.walker_b)
        page = client.get("/reminders").text
        assert renewed.token not in page
        assert other.token in page


def test_a_clinician_cannot_make_a_password_link_for_a_colleague(
    world: World, clients: dict[str, tuple[httpx.Client, str]]
) -> None:
    """The link comes back to whoever makes it: clinician B making one for clinician A could
    set A's password and read all of A's walkers (found by the outside-in test)."""
    client, csrf = clients["other_clinician"]
    colleague = world.clinician_a.actor.account_id
    api = client.post(
        f"/api/v1/accounts/{colleague}/reset-links", json={}, headers={"X-CSRF-Token": csrf}
    )
    page = client.post(
        "/team/password-link", data={"account_id": str(colleague), "csrf_token": csrf}
    )
    assert (api.status_code, page.status_code) == (403, 403)
    assert "token" not in api.text
    assert "/reset?token=" not in page.text


# --- routes naming a session: its recordings ------------------------------------------------

RECORDING_CSV = b"time,x,y,z\n" + b"".join(
    f"{i / 50:.2f},0,0,{9.8 + (i % 25) / 10:.2f}\n".encode() for i in range(500)
)
"""A small readable CSV, so a refusal is about access, not the file."""
SESSION_INTRUDERS = ["other_walker", "other_clinician", "own_clinician"]


def _session_intruder(world: World, role: str) -> Person:
    return {
        "other_walker": world.walker_b,
        "other_clinician": world.clinician_b,
        "own_clinician": world.clinician_a,
    }[role]


@pytest.mark.parametrize("role", SESSION_INTRUDERS)
def test_no_route_reaches_another_persons_session(world: World, role: str) -> None:
    """Only walker A adds recordings to A's session; her clinician reads them (API), nobody
    else reaches them at all."""
    from retrowalk.services import history, session_recordings

    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    record = history.walker_history(world.ctx, world.admin, walker_id, weeks=520)
    session_id = record.sessions[0].id
    before = len(session_recordings.session_recordings(world.ctx, world.admin, session_id))
    intruder = _session_intruder(world, role)
    leaks = []
    with world.client() as client:
        csrf = sign_in(client, intruder)
        for method, path in SESSION_RECORDS:
            url = path.replace("{session_id}", str(session_id))
            if method == "GET":
                response = client.get(url)
            elif path.startswith("/api/"):
                response = client.post(
                    url,
                    files={"file": ("walk.csv", RECORDING_CSV, "text/csv")},
                    headers={"X-CSRF-Token": csrf},
                )
            else:
                response = client.post(
                    url,
                    files={"file": ("walk.csv", RECORDING_CSV, "text/csv")},
                    data={"csrf_token": csrf},
                )
            reads_own_walker = (
                role == "own_clinician" and method == "GET" and path.startswith("/api/")
            )
            if reads_own_walker:
                if response.status_code != 200:
                    leaks.append((method, path, response.status_code, "own clinician refused"))
            elif response.status_code not in (403, 404):
                leaks.append((method, path, response.status_code))
    assert leaks == []
    after = len(session_recordings.session_recordings(world.ctx, world.admin, session_id))
    assert after == before, "a refused request stored a recording"


# --- another person's record answers as one that does not exist ------------------------------

NO_SUCH_ID = 2_000_000_000
"""An id no test database reaches."""


def _without_ids(text: str, *ids: int) -> str:
    """``text`` with each id where an answer names it ("with id 7", "/walkers/7/") blanked."""
    for number in ids:
        text = re.sub(rf"(?<=id ){number}\b|(?<=/){number}(?=[/\"?#])", "<id>", text)
    return text


@pytest.mark.parametrize("role", ["other_walker", "other_clinician"])
def test_another_persons_walker_answers_exactly_like_a_walker_that_does_not_exist(
    world: World, clients: dict[str, tuple[httpx.Client, str]], role: str
) -> None:
    """A 403 "you may not see walker 7" told anyone that walker 7 exists: the page, the API
    and the walker's address now answer alike, byte for byte apart from the id."""
    _, victim = _people(world, role)
    assert victim.walker is not None
    client, _ = clients[role]
    paths = ["/api/v1/walkers/{}", "/api/v1/walkers/{}/history"]
    if role == "other_clinician":
        paths += ["/clinician/walkers/{}", "/clinician/walkers/{}/audit"]
    for path in paths:
        theirs = client.get(path.format(victim.walker.id))
        nobody = client.get(path.format(NO_SUCH_ID))
        assert (theirs.status_code, nobody.status_code) == (404, 404), path
        assert _without_ids(theirs.text, victim.walker.id) == _without_ids(
            nobody.text, NO_SUCH_ID
        ), path
        assert victim.name not in theirs.text


def test_another_clinicians_invitation_answers_exactly_like_one_that_does_not_exist(
    world: World, clients: dict[str, tuple[httpx.Client, str]], clinician_a_invitation: int
) -> None:
    client, csrf = clients["other_clinician"]
    for action in ("withdraw", "reissue"):
        theirs = client.post(
            f"/api/v1/invitations/{clinician_a_invitation}/{action}", headers={"X-CSRF-Token": csrf}
        )
        nobody = client.post(
            f"/api/v1/invitations/{NO_SUCH_ID}/{action}", headers={"X-CSRF-Token": csrf}
        )
        assert (theirs.status_code, nobody.status_code) == (404, 404)
        assert _without_ids(theirs.text, clinician_a_invitation) == _without_ids(
            nobody.text, NO_SUCH_ID
        )
        assert "pending@example.org" not in theirs.text
        pages = [
            client.post(
                f"/clinician/invitations/{action}",
                data={"invitation_id": str(number), "csrf_token": csrf},
            )
            for number in (clinician_a_invitation, NO_SUCH_ID)
        ]
        assert [p.status_code for p in pages] == [404, 404]
        assert _without_ids(pages[0].text, clinician_a_invitation) == _without_ids(
            pages[1].text, NO_SUCH_ID
        )
