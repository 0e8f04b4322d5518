"""The clinician's forms sent twice store one record and say so (found by the outside-in
probe: a double click on "Clear", "Change the plan" or "Save a new policy version" stored
nothing new but answered the second copy with an error, "no active restriction to clear" or
"nothing to change"; a second "Make a password link" replaced the link just shown).

Each of these forms carries a one-time key made when the page is shown. Sent again, nothing
new is stored and the page says it was already saved, as for a note; two copies racing on
two server threads store one record with one audit entry, on SQLite and on PostgreSQL. The
JSON API takes the same optional ``client_key`` (201, then 200). Also: the session table of
the walker's page and of the report tags a session walked while sessions were stopped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from retrowalk.reports.build import choose_period, report_record
from retrowalk.reports.report_pdf import report_html
from retrowalk.services import (
    accounts,
    assessments,
    checkins,
    plans,
    reset_links,
    screening,
    sessions,
)
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.schemas import AccountIn, Actor, ResetLinkState, Role
from retrowalk.store.models import AuditEntry, Clearance, ClinicPolicy, Prescription, ResetLink
from retrowalk.web.app import create_app
from retrowalk.web.passwords import hash_password
from tests.db import postgres_schema_url
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    SESSION_BODY,
    LiveServer,
    Person,
    World,
    _clinician,
    a_day_ago,
    form_csrf,
    invite_walker,
    sign_in,
    web_admin,
)
from tests.web.own_world import world
from tests.web.planned_walkers import planned, send, text_of
from tests.web.test_form_sent_twice import _landed, _race

__all__ = ["postgres_schema_url", "world"]

_n = count()
REST_DAY_REASON = "Seen today: the knee has settled after the painful morning."


def _count(ctx: AppContext, model: Any, **where: object) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    with ctx.db.reader() as tx:
        return int(tx.scalar(query) or 0)


def _audits(ctx: AppContext, action: str, **where: object) -> int:
    """How many audit entries of ``action`` (and the columns in ``where``) are stored."""
    return _count(ctx, AuditEntry, action=action, **where)


def _key(page: str, action: str, containing: str = "") -> str:
    """The one-time key of the form that posts to ``action`` (and holds ``containing``)."""
    for form in re.findall(rf'<form[^>]*action="{re.escape(action)}".*?</form>', page, re.S):
        if containing in form:
            key = re.search(r'name="client_key" value="([^"]+)"', form)
            assert key, f"the form of {action} has no one-time key"
            return key.group(1)
    raise AssertionError(f"no form posts to {action} with {containing!r}")


def _resting(ctx: AppContext, clinician: Person) -> Person:
    """A walker of ``clinician`` with a plan whose morning pain 8 made today a rest day."""
    n = next(_n)
    person = invite_walker(ctx, clinician, f"twice{n}@example.org", f"Twice {n}", "twice-pass-12")
    assert person.walker is not None
    _plan(ctx, person)
    yesterday = a_day_ago(datetime.now(UTC))
    walked = sessions.log_session(
        ctx.at(yesterday),
        person.actor,
        person.walker.id,
        {**SESSION_BODY, "client_key": f"twice{n}-y", "performed_at": yesterday.isoformat()},
    )
    morning = checkins.morning_checkin(
        ctx,
        person.actor,
        person.walker.id,
        {"session_id": walked.id, "pain_nprs": 8, "stiffness_nprs": 3, "new_red_flags": []},
    )
    assert morning.rest_day
    return person


def _plan(ctx: AppContext, person: Person) -> None:
    """Screened, tested and planned three days ago (as ``planned`` does, on any database)."""
    assert person.walker is not None
    before = ctx.at(datetime.now(UTC) - timedelta(days=3))
    screening.screen_walker(before, person.actor, person.walker.id, CLEARED_SCREENING)
    assessments.record_assessment(before, person.actor, person.walker.id, BASELINE)
    plans.make_plan(before, person.actor, person.walker.id)


def _clear_form(client: httpx.Client, walker_id: int) -> dict[str, str]:
    page = client.get(f"/clinician/walkers/{walker_id}").text
    action = f"/clinician/walkers/{walker_id}/clear"
    return {
        "csrf_token": form_csrf(page),
        "client_key": _key(page, action, 'value="rest_day"'),
        "scope": "rest_day",
        "clear_reason": REST_DAY_REASON,
    }


def _adjust_form(client: httpx.Client, walker_id: int, minutes: int) -> dict[str, str]:
    page = client.get(f"/clinician/walkers/{walker_id}").text
    action = f"/clinician/walkers/{walker_id}/adjust"
    return {
        "csrf_token": form_csrf(page),
        "client_key": _key(page, action),
        "duration_min": str(minutes),
        "adjust_reason": "Walks comfortably for longer now.",
    }


def _policy_form(client: httpx.Client, cool_down_min: int) -> dict[str, str]:
    page = client.get("/team/policy").text
    return {
        "csrf_token": form_csrf(page),
        "client_key": _key(page, "/team/policy"),
        "cool_down_min": str(cool_down_min),
        "reason": "Our protocol: a cool-down of this length.",
    }


def _link_form(client: httpx.Client, walker_id: int) -> dict[str, str]:
    page = client.get("/team").text
    action = f"/clinician/walkers/{walker_id}/password-link"
    return {"csrf_token": form_csrf(page), "client_key": _key(page, action)}


def _token(page: str) -> str:
    """The token of the password link a page shows."""
    found = re.search(r'id="password-link" href="[^"]*token=([^"&]+)"', page)
    assert found, "no password link on the page"
    return found.group(1)


_cool_down = count(6)
"""A new cool-down length for each policy change (the page sends only what changed)."""


@pytest.fixture(scope="module")
def admin(world: World) -> Person:
    return web_admin(world, email="twice-admin@example.org", name="Tess Admin")


# --- the page forms, sent twice -----------------------------------------------------------------


def test_a_clearance_sent_twice_is_one_clearance_and_the_page_says_it_was_saved(
    world: World,
) -> None:
    person = _resting(world.ctx, world.clinician_a)
    assert person.walker is not None
    walker_id = person.walker.id
    action = f"/clinician/walkers/{walker_id}/clear"
    with world.client() as client:
        sign_in(client, world.clinician_a)
        form = _clear_form(client, walker_id)
        first = client.post(action, data=form)
        assert first.status_code == 303
        assert "Clearance saved" in _landed(client, first)
        again = client.post(action, data=form)
        assert again.status_code == 303
        assert again.headers["location"].startswith(f"/clinician/walkers/{walker_id}?")
        shown = _landed(client, again)
        assert "This clearance was already saved." in shown
        assert "no active restriction" not in shown
    assert _count(world.ctx, Clearance, walker_id=walker_id) == 1
    assert _audits(world.ctx, "clearance.rest_day", walker_id=walker_id) == 1


def test_an_adjustment_sent_twice_is_one_new_plan_version(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    walker_id = person.walker.id
    action = f"/clinician/walkers/{walker_id}/adjust"
    versions = _count(world.ctx, Prescription, walker_id=walker_id)
    with world.client() as client:
        sign_in(client, world.clinician_a)
        form = _adjust_form(client, walker_id, 12)
        first = client.post(action, data=form)
        assert first.status_code == 303, text_of(first.text)
        assert "The plan was changed" in _landed(client, first)
        again = client.post(action, data=form)
        assert again.status_code == 303, text_of(again.text)
        shown = _landed(client, again)
        assert "This change to the plan was already saved." in shown
        assert "already has these" not in shown
    assert _count(world.ctx, Prescription, walker_id=walker_id) == versions + 1
    assert _audits(world.ctx, "prescription.adjust", walker_id=walker_id) == 1


def test_two_renderings_of_the_adjust_form_are_two_changes(world: World) -> None:
    person = planned(world)
    assert person.walker is not None
    walker_id = person.walker.id
    versions = _count(world.ctx, Prescription, walker_id=walker_id)
    with world.client() as client:
        sign_in(client, world.clinician_a)
        for minutes in (11, 13):
            form = _adjust_form(client, walker_id, minutes)
            sent = client.post(f"/clinician/walkers/{walker_id}/adjust", data=form)
            assert "The plan was changed" in _landed(client, sent)
    assert _count(world.ctx, Prescription, walker_id=walker_id) == versions + 2


def test_a_policy_change_sent_twice_is_one_version(world: World, admin: Person) -> None:
    before = _count(world.ctx, ClinicPolicy)
    with world.client() as client:
        sign_in(client, admin)
        form = _policy_form(client, next(_cool_down))
        first = client.post("/team/policy", data=form)
        assert first.status_code == 303, text_of(first.text)
        assert f"Policy version {before + 1} is in force from now on." in _landed(client, first)
        again = client.post("/team/policy", data=form)
        assert again.status_code == 303, text_of(again.text)
        shown = _landed(client, again)
        assert f"This policy change was already saved (version {before + 1})." in shown
        assert "nothing to change" not in shown
    assert _count(world.ctx, ClinicPolicy) == before + 1
    assert _audits(world.ctx, "policy.set") == before + 1


def test_a_password_link_asked_twice_is_one_link_and_the_first_still_works(
    world: World,
) -> None:
    person = planned(world)
    assert person.walker is not None
    walker_id, account_id = person.walker.id, person.actor.account_id
    action = f"/clinician/walkers/{walker_id}/password-link"
    with world.client() as client:
        sign_in(client, world.clinician_a)
        form = _link_form(client, walker_id)
        first = client.post(action, data=form)
        assert first.status_code == 200
        token = _token(first.text)
        again = client.post(action, data=form)
        assert again.status_code == 303
        assert again.headers["location"].startswith("/team?")
        shown = _landed(client, again)
        assert f"This password link for {person.name} was already made" in shown
        assert "it still works" in shown
        assert 'id="password-link"' not in client.get(again.headers["location"]).text
    assert reset_links.reset_link_preview(world.ctx, token).state is ResetLinkState.VALID
    assert _count(world.ctx, ResetLink, account_id=account_id) == 1
    assert _audits(world.ctx, "reset_link.create", entity_id=account_id) == 1


def test_a_replaced_password_link_sent_again_says_it_no_longer_works(world: World) -> None:
    """Found by the outside-in test: link A, then link B (which replaces A), then A's button
    sent again (a reload of A's page) said A "still works" — and A answered "expired"."""
    person = planned(world)
    assert person.walker is not None
    walker_id = person.walker.id
    action = f"/clinician/walkers/{walker_id}/password-link"
    with world.client() as client:
        sign_in(client, world.clinician_a)
        form_a = _link_form(client, walker_id)
        token_a = _token(client.post(action, data=form_a).text)
        form_b = _link_form(client, walker_id)
        assert client.post(action, data=form_b).status_code == 200
        again = client.post(action, data=form_a)
        shown = _landed(client, again)
    assert f"This password link for {person.name} was already made" in shown
    assert "still works" not in shown
    assert "has expired or a newer link replaced it: it no longer works" in shown
    assert reset_links.reset_link_preview(world.ctx, token_a).state is ResetLinkState.EXPIRED


def test_a_colleagues_password_link_asked_twice_is_one_link(world: World, admin: Person) -> None:
    account_id = world.clinician_b.actor.account_id
    with world.client() as client:
        sign_in(client, admin)
        page = client.get("/team").text
        form = {
            "csrf_token": form_csrf(page),
            "client_key": _key(page, "/team/password-link", f'value="{account_id}"'),
            "account_id": str(account_id),
        }
        first = client.post("/team/password-link", data=form)
        assert first.status_code == 200
        token = _token(first.text)
        again = client.post("/team/password-link", data=form)
        assert "This password link for Bea Clinician was already made" in _landed(client, again)
    assert reset_links.reset_link_preview(world.ctx, token).state is ResetLinkState.VALID
    assert (
        _count(world.ctx, ResetLink, account_id=account_id, created_by=admin.actor.account_id) == 1
    )


# --- two copies at once --------------------------------------------------------------------------


@dataclass
class Clinic:
    """A running server, its database, a clinician and an administrator who sign in there."""

    url: str
    ctx: AppContext
    clinician: Person
    admin: Person


def _copies(clinic: Clinic, who: Person, path: str, form: Callable[[httpx.Client], Any]) -> Any:
    """Six copies of one rendering of a form, sent at the same moment; their statuses."""
    with httpx.Client(base_url=clinic.url, timeout=60) as first:
        sign_in(first, who)
        data = form(first)
        cookies = dict(first.cookies)

    def send_one() -> httpx.Response:
        with httpx.Client(base_url=clinic.url, timeout=60, cookies=cookies) as client:
            return client.post(path, data=data)

    return sorted(_race(send_one))


def _races(clinic: Clinic) -> None:
    """Each of the four forms, six copies at once: one record, one audit entry."""
    ctx = clinic.ctx
    resting = _resting(ctx, clinic.clinician)
    assert resting.walker is not None
    rid = resting.walker.id
    statuses = _copies(
        clinic, clinic.clinician, f"/clinician/walkers/{rid}/clear", lambda c: _clear_form(c, rid)
    )
    assert statuses == [303] * 6
    assert _count(ctx, Clearance, walker_id=rid) == 1
    assert _audits(ctx, "clearance.rest_day", walker_id=rid) == 1

    versions = _count(ctx, Prescription, walker_id=rid)
    statuses = _copies(
        clinic,
        clinic.clinician,
        f"/clinician/walkers/{rid}/adjust",
        lambda c: _adjust_form(c, rid, 14),
    )
    assert statuses == [303] * 6
    assert _count(ctx, Prescription, walker_id=rid) == versions + 1
    assert _audits(ctx, "prescription.adjust", walker_id=rid) == 1

    policies = _count(ctx, ClinicPolicy)
    statuses = _copies(
        clinic, clinic.admin, "/team/policy", lambda c: _policy_form(c, next(_cool_down))
    )
    assert statuses == [303] * 6
    assert _count(ctx, ClinicPolicy) == policies + 1
    assert _audits(ctx, "policy.set") == policies + 1

    account_id = resting.actor.account_id
    statuses = _copies(
        clinic,
        clinic.clinician,
        f"/clinician/walkers/{rid}/password-link",
        lambda c: _link_form(c, rid),
    )
    assert statuses == [200] + [303] * 5  # the link is shown once, to the copy that made it
    assert _count(ctx, ResetLink, account_id=account_id) == 1
    assert _audits(ctx, "reset_link.create", entity_id=account_id) == 1


def test_six_copies_of_each_form_at_once_store_one_record(world: World, admin: Person) -> None:
    _races(Clinic(world.url, world.ctx, world.clinician_a, admin))


def _web_admin(ctx: AppContext, local: Actor, email: str) -> Person:
    """An administrator who signs in on the web."""
    password = "ada-password-1"
    account = accounts.create_account(
        ctx,
        local,
        AccountIn(
            email=email,
            display_name="Ada Admin",
            role=Role.ADMIN,
            password_hash=hash_password(password),
        ),
    )
    return Person(email, password, "Ada Admin", Actor(account_id=account.id, role=Role.ADMIN))


@pytest.fixture
def postgres_clinic(postgres_schema_url: str) -> Iterator[Clinic]:
    """A real server on PostgreSQL with a clinician and an administrator who sign in."""
    ctx = build_context(postgres_schema_url)
    local = accounts.ensure_local_admin(ctx)
    clinician = _clinician(ctx, local, "pg-twice@example.org", "Pat Clinician", "pat-password-1")
    admin = _web_admin(ctx, local, "pg-ada@example.org")
    with LiveServer(create_app(ctx)) as server:
        yield Clinic(server.url, ctx, clinician, admin)
    ctx.db.dispose()


def test_six_copies_of_each_form_at_once_store_one_record_on_postgresql(
    postgres_clinic: Clinic,
) -> None:
    assert postgres_clinic.ctx.db.backend == "postgresql"
    _races(postgres_clinic)


# --- the JSON API -------------------------------------------------------------------------------


def test_the_api_stores_each_record_once_under_its_client_key(world: World, admin: Person) -> None:
    person = _resting(world.ctx, world.clinician_a)
    assert person.walker is not None
    walker_id = person.walker.id
    base = f"/api/v1/walkers/{walker_id}"
    with world.client() as client:
        csrf = sign_in(client, world.clinician_a)
        clear = {"scope": "rest_day", "reason": REST_DAY_REASON, "client_key": "api-clear-1"}
        first = send(client, csrf, f"{base}/clearances", clear)
        assert first.status_code == 201, first.text
        again = send(client, csrf, f"{base}/clearances", clear)
        assert again.status_code == 200, again.text
        assert again.json()["id"] == first.json()["id"]
        assert again.json()["created"] is False
        assert _count(world.ctx, Clearance, walker_id=walker_id) == 1

        adjust = {"duration_min": 15, "reason": "From the record system.", "client_key": "adj-1"}
        made = send(client, csrf, f"{base}/adjustments", adjust)
        assert made.status_code == 201, made.text
        again = send(client, csrf, f"{base}/adjustments", adjust)
        assert again.status_code == 200, again.text
        assert again.json()["version"] == made.json()["version"]
        assert again.json()["created"] is False
        assert _audits(world.ctx, "prescription.adjust", walker_id=walker_id) == 1

        account_id = person.actor.account_id
        path = f"/api/v1/accounts/{account_id}/reset-links"
        link = send(client, csrf, path, {"client_key": "link-1"})
        assert link.status_code == 201, link.text
        assert link.json()["token"]
        again = send(client, csrf, path, {"client_key": "link-1"})
        assert again.status_code == 200, again.text
        assert again.json()["token"] is None
        assert again.json()["id"] == link.json()["id"]
        assert _count(world.ctx, ResetLink, account_id=account_id) == 1
        token = link.json()["token"]
        assert reset_links.reset_link_preview(world.ctx, token).state is ResetLinkState.VALID
        other = f"/api/v1/accounts/{world.walker_a.actor.account_id}/reset-links"
        reused = send(client, csrf, other, {"client_key": "link-1"})
        assert reused.status_code == 409, reused.text
        assert "already made a password link for another account" in reused.text
        assert send(client, csrf, other, {}).status_code == 201
    with world.client() as client:
        csrf = sign_in(client, admin)
        before = _count(world.ctx, ClinicPolicy)
        change = {
            "changes": {"cool_down_min": next(_cool_down)},
            "reason": "From the clinic's system.",
            "client_key": "policy-1",
        }
        made = send(client, csrf, "/api/v1/policy", change)
        assert made.status_code == 201, made.text
        again = send(client, csrf, "/api/v1/policy", change)
        assert again.status_code == 200, again.text
        assert again.json()["version"] == made.json()["version"] == before + 1
        assert again.json()["created"] is False
    assert _count(world.ctx, ClinicPolicy) == before + 1


# --- a session walked while sessions were stopped --------------------------------------------


def test_the_session_tables_tag_a_session_walked_while_sessions_were_stopped(
    world: World,
) -> None:
    person = _resting(world.ctx, world.clinician_a)
    assert person.walker is not None
    walker_id = person.walker.id
    walked = sessions.log_session(
        world.ctx,
        person.actor,
        walker_id,
        {**SESSION_BODY, "client_key": "against-1", "adverse_events": ["sharp_knee_pain"]},
    )
    assert [k.value for k in walked.walked_against] == ["rest_day"]
    tag = "walked while sessions were stopped: rest day"
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(f"/clinician/walkers/{walker_id}").text
    table = page[page.index("<h2>Sessions</h2>") : page.index('id="recordings-h"')]
    rows = re.findall(r"<tr>.*?</tr>", table, re.S)
    tagged = [row for row in rows if "data-walked-against" in row]
    assert len(tagged) == 1  # the session of today, not yesterday's
    assert tag in text_of(tagged[0])
    chosen = choose_period(world.ctx, world.clinician_a.actor, walker_id, None, None)
    report = report_html(report_record(world.ctx, world.clinician_a.actor, walker_id, chosen))
    sessions_part = report[report.index("<h3>Sessions</h3>") : report.index('id="charts"')]
    assert text_of(sessions_part).count(tag) == 1
