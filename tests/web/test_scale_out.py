"""``retrowalk serve --workers 2`` on one database: 20 clients, 60 sign-ins, 600 mixed
requests, and not one failure — on SQLite and on PostgreSQL.

Before sign-ins lived in the database, a GET answered by one worker and the POST by the
other failed (14 of 20 sign-ins), and each worker counted wrong passwords on its own. Here
every client signs in three times (by the API, by the sign-in page, by the API again) and between
sign-ins sends ten requests: pages and API reads, API writes with the CSRF header, and page
forms whose token came from whichever worker served the form. A request fails when it gets
an unexpected status or no answer. Bounded: fixed request counts, a timeout per request.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import httpx

from retrowalk.services import accounts
from retrowalk.services.context import build_context
from retrowalk.services.schemas import AccountIn, Actor, Role
from retrowalk.web.passwords import hash_password
from tests.db import database_url, postgres_schema_url
from tests.web.conftest import form_csrf
from tests.web.serve_process import serving

__all__ = ["database_url", "postgres_schema_url"]

CLIENTS = 20
SIGN_INS_PER_CLIENT = 3
REQUESTS_PER_SIGN_IN = 10


@dataclass
class Person:
    email: str
    password: str
    role: str
    walker_id: int


@dataclass
class Tally:
    sign_ins: int = 0
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sign_ins: int, requests: int, failures: list[str]) -> None:
        with self.lock:
            self.sign_ins += sign_ins
            self.requests += requests
            self.failures.extend(failures)


def make_people(url: str) -> list[Person]:
    """Ten clinicians, each with one walker who accepted the invitation."""
    ctx = build_context(url)
    admin = accounts.ensure_local_admin(ctx)
    people: list[Person] = []
    shared_hash = hash_password("a long shared test passphrase")
    try:
        for i in range(CLIENTS // 2):
            clinician = accounts.create_account(
                ctx,
                admin,
                AccountIn(
                    email=f"clinician{i}@example.org",
                    display_name=f"Clinician {i}",
                    role=Role.CLINICIAN,
                    password_hash=shared_hash,
                ),
            )
            token = accounts.create_invitation(
                ctx,
                Actor(account_id=clinician.id, role=Role.CLINICIAN),
                f"walker{i}@example.org",
            ).token
            walker = accounts.accept_invitation(
                ctx,
                token,
                {
                    "display_name": f"Walker {i}",
                    "password_hash": shared_hash,
                    "age_years": 60 + i,
                    "sex": "female",
                    "knee_condition": "oa",
                    "knee_side": "left",
                    "timezone": "Europe/London",
                },
            )
            people.append(
                Person(clinician.email, "a long shared test passphrase", "clinician", walker.id)
            )
            people.append(
                Person(walker.email, "a long shared test passphrase", "walker", walker.id)
            )
    finally:
        ctx.db.dispose()
    return people


def _expect(failures: list[str], response: httpx.Response, *codes: int) -> httpx.Response:
    if response.status_code not in codes:
        failures.append(
            f"{response.request.method} {response.request.url.path}: "
            f"{response.status_code} {response.text[:120]!r}"
        )
    return response


def sign_in(client: httpx.Client, person: Person, by_page: bool, failures: list[str]) -> str:
    """Sign in (API or page); the CSRF token of the new session."""
    if by_page:
        form = client.get("/login")
        _expect(failures, form, 200)
        done = client.post(
            "/login",
            data={
                "csrf_token": form_csrf(form.text),
                "email": person.email,
                "password": person.password,
            },
        )
        _expect(failures, done, 303)
        return form_csrf(_expect(failures, client.get("/account"), 200).text)
    token = _expect(failures, client.get("/api/v1/session"), 200).json()["csrf_token"]
    done = client.post(
        "/api/v1/session",
        json={"email": person.email, "password": person.password},
        headers={"X-CSRF-Token": token},
    )
    _expect(failures, done, 200)
    return str(done.json()["csrf_token"]) if done.status_code == 200 else ""


def walker_round(client: httpx.Client, person: Person, _csrf: str, failures: list[str]) -> None:
    w = person.walker_id
    for path in (
        "/api/v1/me",
        f"/api/v1/walkers/{w}",
        f"/api/v1/walkers/{w}/history",
        "/api/v1/session",
        "/account",
        "/evidence",
        "/account/my-data.json",
    ):
        _expect(failures, client.get(path), 200)
    _expect(failures, client.get("/today"), 200, 303)
    page = _expect(failures, client.get("/account"), 200)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    token = match.group(1) if match else ""
    wrong = client.post(  # a page form, token from whichever worker served the page
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": person.password,
            "password": "short",
            "password_again": "short",
        },
    )
    _expect(failures, wrong, 422)


def clinician_round(client: httpx.Client, person: Person, csrf: str, failures: list[str]) -> None:
    w = person.walker_id
    for path in ("/api/v1/flags", "/clinician", f"/api/v1/walkers/{w}/audit", "/team"):
        _expect(failures, client.get(path), 200)
    note = client.post(
        f"/api/v1/walkers/{w}/notes", json={"text": "API note"}, headers={"X-CSRF-Token": csrf}
    )
    _expect(failures, note, 201)
    page = _expect(failures, client.get(f"/clinician/walkers/{w}"), 200)
    token = form_csrf(page.text) if page.status_code == 200 else ""
    saved = client.post(
        f"/clinician/walkers/{w}/note", data={"csrf_token": token, "note_text": "Page note"}
    )
    _expect(failures, saved, 303)
    _expect(failures, client.get(f"/clinician/walkers/{w}/audit"), 200)
    _expect(failures, client.get("/clinician/invitations"), 200)
    _expect(failures, client.get("/api/v1/invitations"), 200)


def client_run(base: str, person: Person, tally: Tally) -> None:
    failures: list[str] = []
    sign_ins = requests = 0
    try:
        for round_no in range(SIGN_INS_PER_CLIENT):
            with httpx.Client(base_url=base, timeout=60, follow_redirects=False) as client:
                csrf = sign_in(client, person, by_page=round_no % 2 == 1, failures=failures)
                sign_ins += 1
                before = len(failures)
                if person.role == "walker":
                    walker_round(client, person, csrf, failures)
                else:
                    clinician_round(client, person, csrf, failures)
                requests += REQUESTS_PER_SIGN_IN
                if len(failures) > before + 3:
                    break
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        failures.append(f"{person.email}: {exc!r}")
    tally.add(sign_ins, requests, failures)


def test_two_workers_share_sign_ins_with_no_failure(database_url: str) -> None:
    people = make_people(database_url)
    with serving(database_url, "--workers", "2") as server:
        tally = Tally()
        threads = [
            threading.Thread(target=client_run, args=(server.url, person, tally), daemon=True)
            for person in people
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        assert not any(t.is_alive() for t in threads), "a client did not finish"
    assert tally.failures == [], "\n".join(tally.failures[:20])
    assert tally.sign_ins == CLIENTS * SIGN_INS_PER_CLIENT == 60
    assert tally.requests == CLIENTS * SIGN_INS_PER_CLIENT * REQUESTS_PER_SIGN_IN == 600
