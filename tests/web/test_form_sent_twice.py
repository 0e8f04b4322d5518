"""A page form sent twice stores one record (found by the outside-in probe: the same note
sent 10 times stored 10 notes; the reassessment and the red-flag question forms likewise).

Every page form that creates a record carries a one-time key made when the page is shown.
Sent again — a double tap, the browser's "send the form again", a retry on a flaky phone
network — it stores nothing new and lands on the page that shows the record, saying so.
Two copies racing on two server threads store one (the key is unique in the database, in
the same transaction as the record), on SQLite and on PostgreSQL. Two renderings are two
records. The JSON API takes the same optional ``client_key`` (201, then 200).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from retrowalk.services.context import AppContext, build_context
from retrowalk.store.models import (
    Assessment,
    ClinicianNote,
    ExerciseLog,
    Invitation,
    RedFlagReport,
    Screening,
    WalkSession,
)
from retrowalk.web.app import create_app
from tests.db import postgres_schema_url
from tests.web.conftest import (
    LiveServer,
    Person,
    World,
    _clinician,
    form_csrf,
    invite_walker,
    sign_in,
    web_admin,
)
from tests.web.planned_walkers import planned, send, text_of
from tests.web.test_restrictions_api import _screening_questions

__all__ = ["postgres_schema_url"]

_n = count()


def _count(ctx: AppContext, model: Any, **where: object) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    with ctx.db.reader() as tx:
        return int(tx.scalar(query) or 0)


def _key(page: str, action: str) -> str:
    """The one-time key of the form that posts to ``action`` on ``page``."""
    form = re.search(rf'action="{re.escape(action)}".*?</form>', page, re.S)
    assert form, f"no form posts to {action}"
    key = re.search(r'name="client_key" value="([^"]+)"', form.group(0))
    assert key, f"the form of {action} has no one-time key"
    return key.group(1)


def _walker(world: World) -> Person:
    n = next(_n)
    return invite_walker(
        world.ctx, world.clinician_a, f"once{n}@example.org", f"Once {n}", "once-pass-123"
    )


def _twice(client: httpx.Client, path: str, form: dict[str, str]) -> httpx.Response:
    first = client.post(path, data=form)
    assert first.status_code in (200, 303), first.text
    second = client.post(path, data=form)
    assert second.status_code in (200, 303), second.text
    return second


def _landed(client: httpx.Client, response: httpx.Response) -> str:
    """The text of the page a response shows (a redirect followed)."""
    if response.status_code == 303:
        response = client.get(response.headers["location"])
    assert response.status_code == 200
    return text_of(response.text)


# --- the clinician's forms ---------------------------------------------------------------------


def _note_form(client: httpx.Client, walker_id: int, text: str) -> dict[str, str]:
    page = client.get(f"/clinician/walkers/{walker_id}").text
    action = f"/clinician/walkers/{walker_id}/note"
    return {"csrf_token": form_csrf(page), "client_key": _key(page, action), "note_text": text}


def test_a_note_sent_twice_is_one_note_and_the_page_says_it_was_saved(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    walker_id = person.walker.id
    with world.client() as client:
        sign_in(client, world.clinician_a)
        form = _note_form(client, walker_id, "Knee settled after the first week.")
        first = client.post(f"/clinician/walkers/{walker_id}/note", data=form)
        assert first.status_code == 303
        assert "Note saved." in _landed(client, first)
        for _ in range(9):  # the probe's ten sendings
            again = client.post(f"/clinician/walkers/{walker_id}/note", data=form)
            assert again.status_code == 303
            assert again.headers["location"].startswith(f"/clinician/walkers/{walker_id}?")
        page = _landed(client, again)
        assert "This note was already saved." in page
        assert page.count("Knee settled after the first week.") == 1
    assert _count(world.ctx, ClinicianNote, walker_id=walker_id) == 1


def test_two_renderings_of_the_note_form_are_two_notes(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    walker_id = person.walker.id
    with world.client() as client:
        sign_in(client, world.clinician_a)
        for text in ("Same words.", "Same words."):
            form = _note_form(client, walker_id, text)
            assert client.post(f"/clinician/walkers/{walker_id}/note", data=form).status_code == 303
    assert _count(world.ctx, ClinicianNote, walker_id=walker_id) == 2


def test_a_reassessment_sent_twice_is_one_assessment(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    walker_id = person.walker.id
    before = _count(world.ctx, Assessment, walker_id=walker_id)
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(f"/clinician/walkers/{walker_id}").text
        action = f"/clinician/walkers/{walker_id}/assess"
        form = {
            "csrf_token": form_csrf(page),
            "client_key": _key(page, action),
            "tug_s": "9.5",
            "chair_stand_count": "13",
        }
        first = client.post(action, data=form)
        assert "Reassessment saved." in _landed(client, first)
        assert "This reassessment was already saved." in _landed(
            client, _twice(client, action, form)
        )
    assert _count(world.ctx, Assessment, walker_id=walker_id) == before + 1


def test_an_invitation_sent_twice_is_one_invitation(world: World) -> None:
    email = f"invited{next(_n)}@example.org"
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get("/clinician/invite").text
        form = {
            "csrf_token": form_csrf(page),
            "client_key": _key(page, "/clinician/invite"),
            "email": email,
        }
        first = client.post("/clinician/invite", data=form)
        assert first.status_code == 200
        assert "invitation-link" in first.text
        again = client.post("/clinician/invite", data=form)
        assert again.status_code == 303
        assert again.headers["location"].startswith("/clinician/invitations?")
        shown = _landed(client, again)
        assert "This invitation was already made" in shown
        assert email in shown
    assert _count(world.ctx, Invitation, email=email) == 1


def test_a_clinician_invitation_sent_twice_is_one_invitation(world: World) -> None:
    admin = web_admin(world, email=f"once-admin{next(_n)}@example.org")
    email = f"colleague{next(_n)}@example.org"
    with world.client() as client:
        sign_in(client, admin)
        page = client.get("/team").text
        form = {
            "csrf_token": form_csrf(page),
            "client_key": _key(page, "/team/invite-clinician"),
            "email": email,
        }
        assert client.post("/team/invite-clinician", data=form).status_code == 200
        again = client.post("/team/invite-clinician", data=form)
        assert "This invitation was already made" in _landed(client, again)
    assert _count(world.ctx, Invitation, email=email) == 1


# --- the walker's forms ------------------------------------------------------------------------


def test_the_red_flag_questions_sent_twice_are_one_report(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/red-flags").text
        form = {
            "csrf_token": form_csrf(page),
            "client_key": _key(page, "/red-flags"),
            "none_of_these": "on",
        }
        again = _twice(client, "/red-flags", form)
        assert "Your answer was already saved." in _landed(client, again)
    assert _count(world.ctx, RedFlagReport, walker_id=person.walker.id) == 1


def test_the_screening_sent_twice_is_one_screening(world: World) -> None:
    person = _walker(world)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/onboarding/screening").text
        form = dict.fromkeys(_screening_questions(page), "no")
        form.update(parq5="yes", used_to_activity="yes")
        form.update(csrf_token=form_csrf(page), client_key=_key(page, "/onboarding/screening"))
        again = _twice(client, "/onboarding/screening", form)
        assert "Your answers were already saved." in _landed(client, again)
    assert _count(world.ctx, Screening, walker_id=person.walker.id) == 1


def test_the_baseline_tests_sent_twice_are_one_assessment(world: World) -> None:
    person = _walker(world)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/onboarding/tests").text
        form = {
            "csrf_token": form_csrf(page),
            "client_key": _key(page, "/onboarding/tests"),
            "tug_s": "9",
            "chair_stand_count": "14",
            "tandem_stance_s": "10",
        }
        again = _twice(client, "/onboarding/tests", form)
        assert again.status_code == 303
        assert "Your tests were already saved." in _landed(client, again)
    assert _count(world.ctx, Assessment, walker_id=person.walker.id) == 1


def test_the_exercise_tick_sent_twice_says_it_was_saved(world: World) -> None:
    person = _walker(world)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/exercises/log").text
        form = {
            "csrf_token": form_csrf(page),
            "client_key": _key(page, "/exercises/log"),
            "sets__semi_squat": "3",
            "pain__semi_squat": "2",
        }
        again = _twice(client, "/exercises/log", form)
        assert "These exercises were already saved." in _landed(client, again)
    assert _count(world.ctx, ExerciseLog, walker_id=person.walker.id) == 1


def test_the_session_log_sent_twice_says_it_was_saved(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/log").text
        form = {
            "csrf_token": form_csrf(page),
            "client_key": _key(page, "/log"),
            "duration_min": "10",
            "speed_m_s": "0.5",
            "incline_pct": "0",
            "surface": "treadmill_with_handrails",
            "supervised": "yes",
            "pain_before_nprs": "2",
            "pain_peak_nprs": "3",
            "pain_after_nprs": "2",
            "effort_cr10": "3",
        }
        again = _twice(client, "/log", form)
        assert "This session was already saved." in _landed(client, again)
    assert _count(world.ctx, WalkSession, walker_id=person.walker.id) == 1


# --- two copies at once --------------------------------------------------------------------------


def _race(send_one: Callable[[], httpx.Response], copies: int = 6) -> list[int]:
    """``copies`` threads send the same form at the same moment; their statuses."""
    start = threading.Barrier(copies)
    statuses: list[int] = []
    lock = threading.Lock()

    def one() -> None:
        start.wait()
        status = send_one().status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=one) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def _race_note(url: str, ctx: AppContext, clinician: Person, walker_id: int) -> None:
    with httpx.Client(base_url=url, timeout=60) as first:
        sign_in(first, clinician)
        form = _note_form(first, walker_id, "Sent from a flaky phone network.")
        cookies = dict(first.cookies)

    def send_one() -> httpx.Response:
        with httpx.Client(base_url=url, timeout=60, cookies=cookies) as client:
            return client.post(f"/clinician/walkers/{walker_id}/note", data=form)

    assert _race(send_one) == [303] * 6
    assert _count(ctx, ClinicianNote, walker_id=walker_id) == 1


def test_six_copies_of_a_note_at_once_are_one_note(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    _race_note(world.url, world.ctx, world.clinician_a, person.walker.id)


def test_six_copies_of_the_red_flag_answer_at_once_are_one_report(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    with world.client() as first:
        sign_in(first, person)
        page = first.get("/red-flags").text
        form = {
            "csrf_token": form_csrf(page),
            "client_key": _key(page, "/red-flags"),
            "none_of_these": "on",
        }
        cookies = dict(first.cookies)

    def send_one() -> httpx.Response:
        with httpx.Client(base_url=world.url, timeout=60, cookies=cookies) as client:
            return client.post("/red-flags", data=form)

    assert _race(send_one) == [200] * 6
    assert _count(world.ctx, RedFlagReport, walker_id=person.walker.id) == 1


@pytest.fixture
def postgres_world(postgres_schema_url: str) -> Iterator[tuple[str, AppContext, Person, int]]:
    """A real server on PostgreSQL with one clinician and one walker of hers."""
    from retrowalk.services import accounts

    ctx = build_context(postgres_schema_url)
    admin = accounts.ensure_local_admin(ctx)
    clinician = _clinician(ctx, admin, "pg@example.org", "Pat Clinician", "pat-password-1")
    walker = invite_walker(ctx, clinician, "pgw@example.org", "Pia Walker", "pia-password-1")
    assert walker.walker is not None
    with LiveServer(create_app(ctx)) as server:
        yield server.url, ctx, clinician, walker.walker.id
    ctx.db.dispose()


def test_six_copies_of_a_note_at_once_are_one_note_on_postgresql(
    postgres_world: tuple[str, AppContext, Person, int],
) -> None:
    url, ctx, clinician, walker_id = postgres_world
    assert ctx.db.backend == "postgresql"
    _race_note(url, ctx, clinician, walker_id)
    with httpx.Client(base_url=url, timeout=60) as client:  # and the flash still works there
        sign_in(client, clinician)
        form = _note_form(client, walker_id, "Second note.")
        assert "Note saved." in _landed(
            client, client.post(f"/clinician/walkers/{walker_id}/note", data=form)
        )
        again = client.post(f"/clinician/walkers/{walker_id}/note", data=form)
        assert "This note was already saved." in _landed(client, again)
    assert _count(ctx, ClinicianNote, walker_id=walker_id) == 2


# --- the JSON API ------------------------------------------------------------------------------


def test_the_api_stores_each_record_once_under_its_client_key(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    walker_id = person.walker.id
    base = f"/api/v1/walkers/{walker_id}"
    with world.client() as client:
        csrf = sign_in(client, world.clinician_a)
        calls: list[tuple[str, dict[str, Any], Any, dict[str, object]]] = [
            (f"{base}/notes", {"text": "From the record system."}, ClinicianNote, {}),
            (f"{base}/assessments", {"kind": "reassessment", "tug_s": 9.1}, Assessment, {}),
            (f"{base}/red-flags", {"new_red_flags": []}, RedFlagReport, {}),
        ]
        for path, body, model, _ in calls:
            before = _count(world.ctx, model, walker_id=walker_id)
            key = f"api-{model.__tablename__}-{next(_n)}"
            first = send(client, csrf, path, {**body, "client_key": key})
            assert first.status_code == 201, first.text
            again = send(client, csrf, path, {**body, "client_key": key})
            assert again.status_code == 200, again.text
            assert again.json()["id"] == first.json()["id"]
            assert again.json()["created"] is False
            assert _count(world.ctx, model, walker_id=walker_id) == before + 1
        email = f"api-invited{next(_n)}@example.org"
        made = send(client, csrf, "/api/v1/invitations", {"email": email, "client_key": "inv-1"})
        assert made.status_code == 201
        assert made.json()["token"]
        again = send(client, csrf, "/api/v1/invitations", {"email": email, "client_key": "inv-1"})
        assert again.status_code == 200
        assert again.json()["token"] is None
        assert again.json()["id"] == made.json()["id"]
        assert _count(world.ctx, Invitation, email=email) == 1
    walker = _walker(world)
    assert walker.walker is not None
    with world.client() as client:
        csrf = sign_in(client, walker)
        path = f"/api/v1/walkers/{walker.walker.id}/screenings"
        from tests.web.conftest import CLEARED_SCREENING

        body = {**CLEARED_SCREENING, "client_key": "screen-1"}
        assert send(client, csrf, path, body).status_code == 201
        assert send(client, csrf, path, body).status_code == 200
    assert _count(world.ctx, Screening, walker_id=walker.walker.id) == 1


# --- messages belong to their own tab ----------------------------------------------------------


def test_two_tabs_of_one_sign_in_never_show_each_others_message(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    walker_id = person.walker.id
    page_path = f"/clinician/walkers/{walker_id}"
    with world.client() as tab_a:
        sign_in(tab_a, world.clinician_a)
        with world.client() as tab_b:
            tab_b.cookies.update(tab_a.cookies)  # the same sign-in, another tab
            page = tab_a.get(page_path).text
            note = {
                "csrf_token": form_csrf(page),
                "client_key": _key(page, f"{page_path}/note"),
                "note_text": "Tab A's note.",
            }
            page_b = tab_b.get(page_path).text
            assess = {
                "csrf_token": form_csrf(page_b),
                "client_key": _key(page_b, f"{page_path}/assess"),
                "tug_s": "9.2",
            }
            sent_a = tab_a.post(f"{page_path}/note", data=note)
            sent_b = tab_b.post(f"{page_path}/assess", data=assess)
            assert sent_a.status_code == sent_b.status_code == 303
            # the other tab opens its own page first: neither message is there
            plain = text_of(tab_b.get(page_path).text)
            assert "Note saved." not in plain
            assert "Reassessment saved." not in plain
            shown_b = text_of(tab_b.get(sent_b.headers["location"]).text)
            assert "Reassessment saved." in shown_b
            assert "Note saved." not in shown_b
            shown_a = text_of(tab_a.get(sent_a.headers["location"]).text)
            assert "Note saved." in shown_a
            assert "Reassessment saved." not in shown_a
            # a reload shows it no more
            assert "Note saved." not in text_of(tab_a.get(sent_a.headers["location"]).text)


def test_a_visitor_message_reaches_only_its_page(world: World) -> None:
    """Not signed in, the message rides in the cookie, under its page's id all the same."""
    with world.client() as client:
        client.get("/login")
        sent = client.get("/setup")  # setup is done: "Please sign in", on the sign-in page
        assert sent.status_code == 303
        assert "flash=" in sent.headers["location"]
        assert "Please sign in" not in text_of(client.get("/login").text)
        assert "Please sign in" in text_of(client.get(sent.headers["location"]).text)
        assert "Please sign in" not in text_of(client.get(sent.headers["location"]).text)
