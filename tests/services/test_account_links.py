"""Password links and invitations in the services, on both databases: who may make them,
that they work once and expire, and that every change has its audit entry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retrowalk.services import accounts, invitations, reset_links, sign_ins
from retrowalk.services.context import AppContext
from retrowalk.services.errors import AccessDenied, Conflict, InvalidRequest, NotFound
from retrowalk.services.schemas import AccountIn, Actor, InvitationState, ResetLinkState, Role
from retrowalk.store import repositories as repo
from retrowalk.store.models import AuditEntry
from tests.services.factory import T0, clinician, enrol


def _people(ctx: AppContext) -> tuple[Actor, Actor, Actor, int, int]:
    admin = accounts.ensure_local_admin(
        ctx.at(T0),
    )
    ann = clinician(ctx, admin, "ann@clinic.example")
    bea = clinician(ctx, admin, "bea@clinic.example")
    ann_walker = enrol(ctx, ann, "walker.a@example.org")
    bea_walker = enrol(ctx, bea, "walker.b@example.org")
    return admin, ann, bea, ann_walker.account_id, bea_walker.account_id


def _audit(ctx: AppContext, action: str) -> list[AuditEntry]:
    with ctx.db.reader() as session:
        return [e for e in repo.audit_entries(session) if e.action == action]


def test_who_may_make_a_password_link(ctx: AppContext) -> None:
    admin, ann, bea, ann_walker, bea_walker = _people(ctx)
    boss = accounts.create_account(
        ctx, admin, AccountIn(email="boss@x.org", display_name="Boss", role=Role.ADMIN)
    )
    assert (
        reset_links.issue_reset_link(
            ctx.at(T0),
            ann,
            ann_walker,
        ).account_id
        == ann_walker
    )
    with pytest.raises(AccessDenied, match="an administrator makes them for colleagues"):
        reset_links.issue_reset_link(
            ctx.at(T0),
            ann,
            bea.account_id,
        )  # a colleague: the link would come back to Ann, who could take the account over
    with pytest.raises(AccessDenied, match="only for their own walkers"):
        reset_links.issue_reset_link(
            ctx.at(T0),
            ann,
            bea_walker,
        )
    with pytest.raises(AccessDenied):
        reset_links.issue_reset_link(
            ctx.at(T0),
            ann,
            boss.id,
        )  # never an administrator
    walker_actor = Actor(account_id=ann_walker, role=Role.WALKER)
    with pytest.raises(AccessDenied):
        reset_links.issue_reset_link(
            ctx.at(T0),
            walker_actor,
            ann_walker,
        )
    with pytest.raises(AccessDenied, match="belongs to the terminal"):
        reset_links.issue_reset_link(
            ctx.at(T0),
            admin,
            admin.account_id,
        )
    with pytest.raises(NotFound):
        reset_links.issue_reset_link(
            ctx.at(T0),
            admin,
            999,
        )
    with pytest.raises(InvalidRequest, match="valid_hours"):
        reset_links.issue_reset_link(
            ctx.at(T0),
            admin,
            bea_walker,
            valid_hours=0,
        )
    assert reset_links.issue_reset_link(
        ctx.at(T0),
        admin,
        boss.id,
    )
    made = _audit(ctx, "reset_link.create")
    assert len(made) == 2  # Ann's own walker, and the administrator's link for boss
    assert made[0].walker_id is not None, "a walker's link is in their audit trail"


def test_a_password_link_works_once_and_expires(ctx: AppContext) -> None:
    admin, ann, _, ann_walker, _ = _people(ctx)
    link = reset_links.issue_reset_link(
        ctx.at(T0),
        ann,
        ann_walker,
    )
    assert (
        reset_links.reset_link_preview(
            ctx.at(T0),
            link.token,
        ).state
        is ResetLinkState.VALID
    )
    late = T0 + timedelta(hours=reset_links.RESET_VALID_HOURS, seconds=1)
    assert reset_links.reset_link_preview(
        ctx.at(late),
        link.token,
    ).state is (ResetLinkState.EXPIRED)
    with pytest.raises(AccessDenied, match="expired"):
        reset_links.use_reset_link(
            ctx.at(late),
            link.token,
            "$argon2id$new",
        )
    started = sign_ins.start(
        ctx.at(T0),
        ann_walker,
    )
    account = reset_links.use_reset_link(
        ctx.at(T0),
        link.token,
        "$argon2id$new",
    )
    assert account.has_password
    with pytest.raises(AccessDenied, match="used already"):
        reset_links.use_reset_link(
            ctx.at(T0),
            link.token,
            "$argon2id$again",
        )
    assert reset_links.reset_link_preview(ctx, "nonsense").state is ResetLinkState.UNKNOWN
    assert reset_links.reset_link_preview(ctx, "\ud800").state is ResetLinkState.UNKNOWN
    assert (
        sign_ins.find(
            ctx.at(T0),
            started.token,
        )
        is not None
    )  # the web ends those
    assert len(_audit(ctx, "account.reset_password")) == 1
    del admin


def test_invitations_are_listed_withdrawn_and_sent_again(ctx: AppContext) -> None:
    _, ann, bea, _, _ = _people(ctx)
    sent = accounts.create_invitation(
        ctx.at(T0),
        ann,
        "new@example.org",
    )
    assert [
        i.id
        for i in invitations.list_invitations(
            ctx.at(T0),
            ann,
        )
    ] == [sent.id]
    assert (
        invitations.list_invitations(
            ctx.at(T0),
            bea,
        )
        == []
    )
    # Another's invitation is answered as one that does not exist (it never confirms the id).
    with pytest.raises(NotFound, match="There is no invitation with id"):
        invitations.withdraw_invitation(
            ctx.at(T0),
            bea,
            sent.id,
        )
    with pytest.raises(AccessDenied):
        invitations.reissue_invitation(
            ctx.at(T0),
            bea,
            sent.id,
        )
    again = invitations.reissue_invitation(
        ctx.at(T0),
        ann,
        sent.id,
    )
    assert again.token != sent.token
    assert (
        accounts.invitation_status(
            ctx.at(T0),
            sent.token,
        )
        is InvitationState.UNKNOWN
    )
    withdrawn = invitations.withdraw_invitation(
        ctx.at(T0),
        ann,
        sent.id,
    )
    assert withdrawn.state is InvitationState.WITHDRAWN
    assert (
        accounts.invitation_status(
            ctx.at(T0),
            again.token,
        )
        is InvitationState.WITHDRAWN
    )
    with pytest.raises(AccessDenied, match="withdrawn"):
        accounts.accept_invitation(
            ctx.at(T0),
            again.token,
            {
                "display_name": "New",
                "password_hash": "$argon2id$x",
                "age_years": 60,
                "sex": "male",
                "knee_condition": "oa",
                "knee_side": "left",
            },
        )
    assert (
        invitations.list_invitations(
            ctx.at(T0),
            ann,
        )
        == []
    )
    assert [e.action for e in _audit(ctx, "invitation.reissue")] == ["invitation.reissue"]
    assert len(_audit(ctx, "invitation.withdraw")) == 1


def test_only_an_administrator_invites_clinicians(ctx: AppContext) -> None:
    admin, ann, _, _, _ = _people(ctx)
    with pytest.raises(AccessDenied):
        invitations.invite_clinician(
            ctx.at(T0),
            ann,
            "cy@clinic.example",
        )
    sent = invitations.invite_clinician(
        ctx.at(T0),
        admin,
        "cy@clinic.example",
    )
    preview = invitations.invitation_preview(
        ctx.at(T0),
        sent.token,
    )
    assert (preview.state, preview.role, preview.email) == (
        InvitationState.VALID,
        Role.CLINICIAN,
        "cy@clinic.example",
    )
    with pytest.raises(Conflict):
        invitations.invite_clinician(
            ctx.at(T0),
            admin,
            "ann@clinic.example",
        )
    account = invitations.accept_clinician_invitation(
        ctx.at(T0),
        sent.token,
        {"display_name": "Cy", "password_hash": "$argon2id$c"},
    )
    assert account.role is Role.CLINICIAN
    with pytest.raises(AccessDenied):
        invitations.accept_clinician_invitation(
            ctx.at(T0),
            sent.token,
            {"display_name": "Cy", "password_hash": "$argon2id$c"},
        )


def test_a_clinicians_invitation_of_a_taken_email_says_nothing_about_its_owner(
    ctx: AppContext,
) -> None:
    _, ann, bea, _, _ = _people(ctx)
    other = accounts.create_invitation(
        ctx.at(T0),
        bea,
        "walker.a@example.org",
    )
    assert other.email == "walker.a@example.org"
    with pytest.raises(Conflict, match="already one of your walkers"):
        accounts.create_invitation(
            ctx.at(T0),
            ann,
            "walker.a@example.org",
        )
