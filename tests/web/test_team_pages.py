"""Password links and invitations from the web pages: made once, used once, audited; pending
invitations listed, withdrawn, sent again; and "already exists" never tells one clinician
about another's walker."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from retrowalk.services import accounts, audit_view
from retrowalk.services.schemas import AccountIn, Role
from retrowalk.web.passwords import hash_password
from tests.web.conftest import LiveServer, Person, World, build_world, form_csrf, sign_in

NEW = "walking backwards is good"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[World]:
    app, world = build_world(tmp_path)
    with LiveServer(app) as server:
        world.url = server.url
        yield world
    world.ctx.db.dispose()


def link_on(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}" href="([^"]+)"', html)
    assert match, f"no #{element_id} on the page"
    return match.group(1).replace("&amp;", "&")


def make_admin(world: World) -> Person:
    """An administrator who signs in on the web (the terminal's local one never does)."""
    account = accounts.create_account(
        world.ctx,
        world.admin,
        AccountIn(
            email="boss@clinic.example",
            display_name="Clinic Admin",
            role=Role.ADMIN,
            password_hash=hash_password(NEW),
        ),
    )
    assert account.role is Role.ADMIN
    return Person("boss@clinic.example", NEW, "Clinic Admin", world.admin)


def choose_password(client: httpx.Client, link: str, password: str) -> httpx.Response:
    form = client.get(link)
    assert form.status_code == 200, form.text[:300]
    token = link.split("token=")[1]
    return client.post(
        "/reset",
        data={
            "csrf_token": form_csrf(form.text),
            "token": token,
            "password": password,
            "password_again": password,
        },
    )


def test_a_clinician_makes_a_password_link_for_their_walker(fresh: World) -> None:
    walker = fresh.walker_a
    walker_id = walker.walker.id  # type: ignore[union-attr]
    with fresh.client() as staff:
        sign_in(staff, fresh.clinician_a)
        team = staff.get("/team")
        assert walker.name in team.text
        assert fresh.walker_b.name not in team.text, "only the clinician's own walkers"
        made = staff.post(
            f"/clinician/walkers/{walker_id}/password-link",
            data={"csrf_token": form_csrf(team.text)},
        )
        assert made.status_code == 200
        link = link_on(made.text, "password-link")
        assert "It is shown only now" in made.text
        assert link not in staff.get("/team").text, "shown once"
    with fresh.client() as phone:
        signed_before = fresh.client()
        sign_in(signed_before, walker)
        done = choose_password(phone, link, NEW)
        assert done.status_code == 303
        assert signed_before.get("/api/v1/me").status_code == 401, "old sign-ins ended"
        signed_before.close()
        walker.password = NEW
        sign_in(phone, walker)
        again = phone.get(link)
        assert again.status_code == 403
    trail = audit_view.walker_audit(fresh.ctx, fresh.clinician_a.actor, walker_id)
    actions = [e.action for e in trail.entries]
    assert actions[:2] == ["account.reset_password", "reset_link.create"]
    made_by = trail.entries[1]
    assert made_by.actor_name == fresh.clinician_a.name
    assert "token" not in str(made_by.detail)


def test_a_newer_link_replaces_an_older_one(fresh: World) -> None:
    walker_id = fresh.walker_a.walker.id  # type: ignore[union-attr]
    with fresh.client() as staff:
        sign_in(staff, fresh.clinician_a)
        links = []
        for _ in range(2):
            token = form_csrf(staff.get("/team").text)
            made = staff.post(
                f"/clinician/walkers/{walker_id}/password-link", data={"csrf_token": token}
            )
            links.append(link_on(made.text, "password-link"))
    with fresh.client() as phone:
        old = phone.get(links[0])
        assert old.status_code == 403
        assert "has expired (or a newer one replaced it)" in old.text
        assert choose_password(phone, links[1], NEW).status_code == 303


def test_only_an_administrator_makes_a_password_link_for_a_colleague(fresh: World) -> None:
    """A link comes back to whoever makes it: a clinician who could make one for a colleague
    could take over the colleague's account and read every walker in it."""
    colleague = fresh.clinician_b
    with fresh.client() as staff:
        sign_in(staff, fresh.clinician_a)
        team = staff.get("/team")
        assert colleague.name in team.text
        assert "asks an administrator for a password link" in team.text
        refused = staff.post(
            "/team/password-link",
            data={
                "csrf_token": form_csrf(team.text),
                "account_id": str(colleague.actor.account_id),
            },
        )
        assert refused.status_code == 403
        assert 'id="password-link"' not in refused.text
        api = staff.post(
            f"/api/v1/accounts/{colleague.actor.account_id}/reset-links",
            headers={"X-CSRF-Token": form_csrf(team.text)},
        )
        assert api.status_code == 403
        assert "token" not in api.json()
    admin = make_admin(fresh)
    with fresh.client() as boss:
        sign_in(boss, admin)
        team = boss.get("/team")
        made = boss.post(
            "/team/password-link",
            data={
                "csrf_token": form_csrf(team.text),
                "account_id": str(colleague.actor.account_id),
            },
        )
        assert made.status_code == 200
        link = link_on(made.text, "password-link")
        bad = boss.post(
            "/team/password-link",
            data={"csrf_token": form_csrf(team.text), "account_id": "not-a-number"},
        )
        assert bad.status_code == 422
    with fresh.client() as browser:
        assert choose_password(browser, link, NEW).status_code == 303
        colleague.password = NEW
        sign_in(browser, colleague)


def test_pending_invitations_are_listed_withdrawn_and_sent_again(fresh: World) -> None:
    with fresh.client() as staff:
        sign_in(staff, fresh.clinician_a)
        invite_form = staff.get("/clinician/invite")
        made = staff.post(
            "/clinician/invite",
            data={"csrf_token": form_csrf(invite_form.text), "email": "new.walker@example.org"},
        )
        first_link = link_on(made.text, "invitation-link")
        listing = staff.get("/clinician/invitations")
        assert "new.walker@example.org" in listing.text
        invitation_id = re.findall(r'name="invitation_id" value="(\d+)"', listing.text)[0]
        again = staff.post(
            "/clinician/invitations/reissue",
            data={"csrf_token": form_csrf(listing.text), "invitation_id": invitation_id},
        )
        assert again.status_code == 200
        second_link = link_on(again.text, "invitation-link")
        assert second_link != first_link
        with fresh.client() as walker:
            assert walker.get(first_link).status_code == 403, "the old link stopped working"
            assert walker.get(second_link).status_code == 200
        gone = staff.post(
            "/clinician/invitations/withdraw",
            data={"csrf_token": form_csrf(again.text), "invitation_id": invitation_id},
        )
        assert gone.status_code == 303
        assert "was withdrawn" in staff.get(gone.headers["location"]).text
        with fresh.client() as walker:
            page = walker.get(second_link)
            assert page.status_code == 403
            assert "This invitation was withdrawn" in page.text
    with fresh.client() as other:
        sign_in(other, fresh.clinician_b)
        assert "new.walker@example.org" not in other.get("/clinician/invitations").text


def test_inviting_another_clinicians_walker_looks_like_any_invitation(world: World) -> None:
    """Bea invites Alice (Ann's walker): the answer is the one a new email gets, so it never
    tells Bea that Alice uses retrowalk; Alice, opening the link, is told to sign in."""
    with world.client() as bea:
        csrf = sign_in(bea, world.clinician_b)
        taken = bea.post(
            "/api/v1/invitations",
            json={"email": world.walker_a.email},
            headers={"X-CSRF-Token": csrf},
        )
        unknown = bea.post(
            "/api/v1/invitations",
            json={"email": "someone.new@example.org"},
            headers={"X-CSRF-Token": csrf},
        )
        assert taken.status_code == unknown.status_code == 201
        assert set(taken.json()) == set(unknown.json())
        assert "already" not in taken.text
        enrolled = bea.post(
            "/api/v1/walkers",
            json={
                "email": world.walker_a.email,
                "display_name": "Alice?",
                "age_years": 66,
                "sex": "female",
                "knee_condition": "oa",
                "knee_side": "left",
            },
            headers={"X-CSRF-Token": csrf},
        )
        assert enrolled.status_code == 409
        assert world.walker_a.name not in enrolled.text
        assert "already" not in enrolled.json()["detail"]
        token = taken.json()["token"]
    with world.client() as alice:
        form = alice.get(f"/join?token={token}")
        assert form.status_code == 200
        refused = alice.post(
            "/join",
            data={
                "csrf_token": form_csrf(form.text),
                "token": token,
                "display_name": "Alice",
                "password": NEW,
                "password_again": NEW,
                "age_years": "66",
                "sex": "female",
                "knee_condition": "oa",
                "knee_side": "left",
                "timezone": "UTC",
            },
        )
        assert refused.status_code == 409
        assert "You already have a retrowalk account with this email" in refused.text
    with world.client() as ann:
        csrf = sign_in(ann, world.clinician_a)
        own = ann.post(
            "/api/v1/invitations",
            json={"email": world.walker_a.email},
            headers={"X-CSRF-Token": csrf},
        )
        assert own.status_code == 409
        assert "already one of your walkers" in own.json()["detail"]


def test_an_administrator_invites_a_clinician_from_the_team_page(fresh: World) -> None:
    admin = accounts.create_account(
        fresh.ctx,
        fresh.admin,
        AccountIn(
            email="boss@clinic.example",
            display_name="Clinic Admin",
            role=Role.ADMIN,
            password_hash=hash_password(NEW),
        ),
    )
    person = Person("boss@clinic.example", NEW, "Clinic Admin", fresh.admin)
    assert admin.role is Role.ADMIN
    with fresh.client() as client:
        sign_in(client, person)
        team = client.get("/team")
        assert "Invite a clinician" in team.text
        made = client.post(
            "/team/invite-clinician",
            data={"csrf_token": form_csrf(team.text), "email": "dee@clinic.example"},
        )
        assert made.status_code == 200
        link = link_on(made.text, "invitation-link")
        twice = client.post(
            "/team/invite-clinician",
            data={"csrf_token": form_csrf(team.text), "email": fresh.clinician_a.email},
        )
        assert twice.status_code == 409
    with fresh.client() as dee:
        form = dee.get(link)
        assert "Create your clinician account" in form.text
        done = dee.post(
            "/join",
            data={
                "csrf_token": form_csrf(form.text),
                "token": link.split("token=")[1],
                "display_name": "Dee Fourth",
                "password": NEW,
                "password_again": NEW,
            },
        )
        assert done.status_code == 303
        assert dee.get("/clinician").status_code == 200
    with fresh.client() as clinician:
        sign_in(clinician, fresh.clinician_a)
        assert "Invite a clinician" not in clinician.get("/team").text
        refused = clinician.post(
            "/team/invite-clinician",
            data={
                "csrf_token": form_csrf(clinician.get("/team").text),
                "email": "eve@clinic.example",
            },
        )
        assert refused.status_code == 403
