"""``accounts.invitation_status``: what a join link can still do, and nothing else."""

from __future__ import annotations

from datetime import timedelta

from retrowalk.services import accounts
from retrowalk.services.schemas import InvitationState
from retrowalk.store import Database
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


def test_status_follows_the_invitation_through_its_life(database: Database) -> None:
    admin = accounts.ensure_local_admin(database)
    staff = clinician(database, admin, "cara@example.org")
    invitation = accounts.create_invitation(
        database, staff, "walker@example.org", valid_days=14, now=T0
    )
    token = invitation.token
    assert accounts.invitation_status(database, token, now=T0) is InvitationState.VALID
    expiry = invitation.expires_at
    assert accounts.invitation_status(database, token, now=expiry) is InvitationState.EXPIRED
    accounts.accept_invitation(database, token, SIGNUP, now=T0 + timedelta(days=1))
    # Used beats expired: the walker should sign in, not ask for a new link.
    for at in (T0 + timedelta(days=2), expiry + timedelta(days=1)):
        assert accounts.invitation_status(database, token, now=at) is InvitationState.USED


def test_status_reads_only(database: Database) -> None:
    """Asking twice (and then accepting) works: the status never uses the invitation up."""
    admin = accounts.ensure_local_admin(database)
    staff = clinician(database, admin, "cara@example.org")
    token = accounts.create_invitation(database, staff, "w@example.org", now=T0).token
    for _ in range(2):
        assert accounts.invitation_status(database, token, now=T0) is InvitationState.VALID
    walker = accounts.accept_invitation(database, token, SIGNUP, now=T0)
    assert walker.id > 0


def test_unknown_and_malformed_tokens_are_unknown_not_errors(database: Database) -> None:
    admin = accounts.ensure_local_admin(database)
    staff = clinician(database, admin, "cara@example.org")
    token = accounts.create_invitation(database, staff, "w@example.org", now=T0).token
    for bad in ("", "   ", "nope", token + "x", token[:-1], "a\x00b", "\ud800", "é" * 500):
        assert accounts.invitation_status(database, bad, now=T0) is InvitationState.UNKNOWN
