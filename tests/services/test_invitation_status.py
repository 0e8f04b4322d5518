"""``accounts.invitation_status``: what a join link can still do, and nothing else."""

from __future__ import annotations

from datetime import timedelta

from retrowalk.services import accounts
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import InvitationState
from tests.services.factory import T0, clinician

SIGNUP = {
    "display_name": "Walker",
    "password_hash": "x" * 40,
    "age_years": 66,
    "sex": "female",
    "knee_condition": "oa",
    "knee_side": "left",
    "timezone": "UTC",
}


def test_status_follows_the_invitation_through_its_life(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    staff = clinician(ctx, admin, "cara@example.org")
    invitation = accounts.create_invitation(
        ctx.at(T0),
        staff,
        "walker@example.org",
        valid_days=14,
    )
    token = invitation.token
    assert (
        accounts.invitation_status(
            ctx.at(T0),
            token,
        )
        is InvitationState.VALID
    )
    expiry = invitation.expires_at
    assert (
        accounts.invitation_status(
            ctx.at(expiry),
            token,
        )
        is InvitationState.EXPIRED
    )
    accounts.accept_invitation(
        ctx.at(T0 + timedelta(days=1)),
        token,
        SIGNUP,
    )
    # Used beats expired: the walker should sign in, not ask for a new link.
    for at in (T0 + timedelta(days=2), expiry + timedelta(days=1)):
        assert (
            accounts.invitation_status(
                ctx.at(at),
                token,
            )
            is InvitationState.USED
        )


def test_status_reads_only(ctx: AppContext) -> None:
    """Asking twice (and then accepting) works: the status never uses the invitation up."""
    admin = accounts.ensure_local_admin(ctx)
    staff = clinician(ctx, admin, "cara@example.org")
    token = accounts.create_invitation(
        ctx.at(T0),
        staff,
        "w@example.org",
    ).token
    for _ in range(2):
        assert (
            accounts.invitation_status(
                ctx.at(T0),
                token,
            )
            is InvitationState.VALID
        )
    walker = accounts.accept_invitation(
        ctx.at(T0),
        token,
        SIGNUP,
    )
    assert walker.id > 0


def test_unknown_and_malformed_tokens_are_unknown_not_errors(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    staff = clinician(ctx, admin, "cara@example.org")
    token = accounts.create_invitation(
        ctx.at(T0),
        staff,
        "w@example.org",
    ).token
    for bad in ("", "   ", "nope", token + "x", token[:-1], "a\x00b", "\ud800", "é" * 500):
        assert (
            accounts.invitation_status(
                ctx.at(T0),
                bad,
            )
            is InvitationState.UNKNOWN
        )
