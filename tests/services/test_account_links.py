"""Password links and invitations in the services, on both databases: who may make them,
that they work once and expire, and that every change has its audit entry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retrowalk.services import accounts, invitations, reset_links, sign_ins
from retrowalk.services.errors import AccessDenied, Conflict, InvalidRequest, NotFound
from retrowalk.services.schemas import AccountIn, Actor, InvitationState, ResetLinkState, Role
from retrowalk.store import Database
from retrowalk.store import repositories as repo
from retrowalk.store.models import AuditEntry
from tests.services.factory import T0, clinician, enrol


def _people(db: Database) -> tuple[Actor, Actor, Actor, int, int]:
    admin = accounts.ensure_local_admin(db, now=T0)
    ann = clinician(db, admin, "ann@clinic.example")
    bea = clinician(db, admin, "bea@clinic.example")
    ann_walker = enrol(db, ann, "walker.a@example.org")
    bea_walker = enrol(db, bea, "walker.b@example.org")
    return admin, ann, bea, ann_walker.account_id, bea_walker.account_id


def _audit(db: Database, action: str) -> list[AuditEntry]:
    with db.reader() as session:
        return [e for e in repo.audit_entries(session) if e.action == action]


def test_who_may_make_a_password_link(database: Database) -> None:
    admin, ann, bea, ann_walker, bea_walker = _people(database)
    boss = accounts.create_account(
        database, admin, AccountIn(email="boss@x.org", display_name="Boss", role=Role.ADMIN)
    )
    assert reset_links.issue_reset_link(database, ann, ann_walker, now=T0).account_id == ann_walker
    assert reset_links.issue_reset_link(database, ann, bea.account_id, now=T0)  # a colleague
    with pytest.raises(AccessDenied, match="only for their own walkers and for other clinicians"):
        reset_links.issue_reset_link(database, ann, bea_walker, now=T0)
    with pytest.raises(AccessDenied):
        reset_links.issue_reset_link(database, ann, boss.id, now=T0)  # never an administrator
    walker_actor = Actor(account_id=ann_walker, role=Role.WALKER)
    with pytest.raises(AccessDenied):
        reset_links.issue_reset_link(database, walker_actor, ann_walker, now=T0)
    with pytest.raises(AccessDenied, match="belongs to the terminal"):
        reset_links.issue_reset_link(database, admin, admin.account_id, now=T0)
    with pytest.raises(NotFound):
        reset_links.issue_reset_link(database, admin, 999, now=T0)
    with pytest.raises(InvalidRequest, match="valid_hours"):
        reset_links.issue_reset_link(database, admin, bea_walker, valid_hours=0, now=T0)
    assert reset_links.issue_reset_link(database, admin, boss.id, now=T0)
    made = _audit(database, "reset_link.create")
    assert len(made) == 3
    assert made[0].walker_id is not None, "a walker's link is in their audit trail"


def test_a_password_link_works_once_and_expires(database: Database) -> None:
    admin, ann, _, ann_walker, _ = _people(database)
    link = reset_links.issue_reset_link(database, ann, ann_walker, now=T0)
    assert (
        reset_links.reset_link_preview(database, link.token, now=T0).state is ResetLinkState.VALID
    )
    late = T0 + timedelta(hours=reset_links.RESET_VALID_HOURS, seconds=1)
    assert reset_links.reset_link_preview(database, link.token, now=late).state is (
        ResetLinkState.EXPIRED
    )
    with pytest.raises(AccessDenied, match="expired"):
        reset_links.use_reset_link(database, link.token, "$argon2id$new", now=late)
    started = sign_ins.start(database, ann_walker, now=T0)
    account = reset_links.use_reset_link(database, link.token, "$argon2id$new", now=T0)
    assert account.has_password
    with pytest.raises(AccessDenied, match="used already"):
        reset_links.use_reset_link(database, link.token, "$argon2id$again", now=T0)
    assert reset_links.reset_link_preview(database, "nonsense").state is ResetLinkState.UNKNOWN
    assert reset_links.reset_link_preview(database, "\ud800").state is ResetLinkState.UNKNOWN
    assert sign_ins.find(database, started.token, now=T0) is not None  # the web ends those
    assert len(_audit(database, "account.reset_password")) == 1
    del admin


def test_invitations_are_listed_withdrawn_and_sent_again(database: Database) -> None:
    _, ann, bea, _, _ = _people(database)
    sent = accounts.create_invitation(database, ann, "new@example.org", now=T0)
    assert [i.id for i in invitations.list_invitations(database, ann, now=T0)] == [sent.id]
    assert invitations.list_invitations(database, bea, now=T0) == []
    with pytest.raises(AccessDenied, match="sent by someone else"):
        invitations.withdraw_invitation(database, bea, sent.id, now=T0)
    with pytest.raises(AccessDenied):
        invitations.reissue_invitation(database, bea, sent.id, now=T0)
    again = invitations.reissue_invitation(database, ann, sent.id, now=T0)
    assert again.token != sent.token
    assert accounts.invitation_status(database, sent.token, now=T0) is InvitationState.UNKNOWN
    withdrawn = invitations.withdraw_invitation(database, ann, sent.id, now=T0)
    assert withdrawn.state is InvitationState.WITHDRAWN
    assert accounts.invitation_status(database, again.token, now=T0) is InvitationState.WITHDRAWN
    with pytest.raises(AccessDenied, match="withdrawn"):
        accounts.accept_invitation(
            database,
            again.token,
            {
                "display_name": "New",
                "password_hash": "$argon2id$x",
                "age_years": 60,
                "sex": "male",
                "knee_condition": "oa",
                "knee_side": "left",
            },
            now=T0,
        )
    assert invitations.list_invitations(database, ann, now=T0) == []
    assert [e.action for e in _audit(database, "invitation.reissue")] == ["invitation.reissue"]
    assert len(_audit(database, "invitation.withdraw")) == 1


def test_only_an_administrator_invites_clinicians(database: Database) -> None:
    admin, ann, _, _, _ = _people(database)
    with pytest.raises(AccessDenied):
        invitations.invite_clinician(database, ann, "cy@clinic.example", now=T0)
    sent = invitations.invite_clinician(database, admin, "cy@clinic.example", now=T0)
    preview = invitations.invitation_preview(database, sent.token, now=T0)
    assert (preview.state, preview.role, preview.email) == (
        InvitationState.VALID,
        Role.CLINICIAN,
        "cy@clinic.example",
    )
    with pytest.raises(Conflict):
        invitations.invite_clinician(database, admin, "ann@clinic.example", now=T0)
    account = invitations.accept_clinician_invitation(
        database, sent.token, {"display_name": "Cy", "password_hash": "$argon2id$c"}, now=T0
    )
    assert account.role is Role.CLINICIAN
    with pytest.raises(AccessDenied):
        invitations.accept_clinician_invitation(
            database, sent.token, {"display_name": "Cy", "password_hash": "$argon2id$c"}, now=T0
        )


def test_a_clinicians_invitation_of_a_taken_email_says_nothing_about_its_owner(
    database: Database,
) -> None:
    _, ann, bea, _, _ = _people(database)
    other = accounts.create_invitation(database, bea, "walker.a@example.org", now=T0)
    assert other.email == "walker.a@example.org"
    with pytest.raises(Conflict, match="already one of your walkers"):
        accounts.create_invitation(database, ann, "walker.a@example.org", now=T0)
