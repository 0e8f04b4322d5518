"""Accounts, sign-ins, invitations and password links."""

from __future__ import annotations

from datetime import datetime

from retrowalk.services.schemas.base import (
    Actor,
    Email,
    FrozenModel,
    InputModel,
    Name,
    PasswordHash,
)
from retrowalk.services.schemas.codes import InvitationState, ResetLinkState, Role


class AccountIn(InputModel):
    email: Email
    display_name: Name
    role: Role
    password_hash: PasswordHash | None = None
    """Made by the web layer (argon2); the services never see a password."""


class AccountOut(FrozenModel):
    id: int
    email: str
    display_name: str
    role: Role
    has_password: bool
    created_at: datetime


class LoginAccount(FrozenModel):
    """What the web layer needs to check a password: only returned by ``find_account_by_email``."""

    id: int
    email: str
    display_name: str
    role: Role
    password_hash: str | None

    @property
    def actor(self) -> Actor:
        return Actor(account_id=self.id, role=self.role)


class InvitationOut(FrozenModel):
    """A fresh invitation; ``token`` is shown once and only its hash is stored."""

    id: int
    email: str
    clinician_id: int
    token: str | None
    """The link's token, returned once; None when this ``client_key`` made the invitation
    before (its link was shown then; re-issuing it makes a new one)."""
    expires_at: datetime
    created: bool = True
    """False when this ``client_key`` was used before: this is the first invitation."""


class SetupTokenOut(FrozenModel):
    """The one-time token for the first clinician/admin account (only its hash is stored)."""

    token: str


class SignInOut(FrozenModel):
    """A live sign-in as the web layer needs it (never the cookie's value)."""

    id: int
    account_id: int
    role: Role
    display_name: str
    walker_id: int | None
    csrf_token: str
    flash: tuple[tuple[str, str], ...]
    """One-shot messages waiting for a page, as (flash id, message): a redirect carries the
    id, so a message reaches only the page its form led to (never another tab's page)."""


class NewSignIn(FrozenModel):
    """A sign-in just started: ``token`` is the cookie's value, returned once, stored hashed."""

    token: str
    sign_in: SignInOut


class InvitationSummary(FrozenModel):
    """An invitation in its sender's list: who, which role, until when; never the token."""

    id: int
    email: str
    role: Role
    invited_by: int
    created_at: datetime
    expires_at: datetime
    state: InvitationState


class InvitationPreview(FrozenModel):
    """What a link holder may learn before signing up: whether it works, for which role, and
    (while it works) the email the account will have — the one they will sign in with."""

    state: InvitationState
    role: Role
    email: str | None = None


class ClinicianSignup(InputModel):
    """A clinician's sign-up through an administrator's invitation."""

    display_name: Name
    password_hash: PasswordHash


class ResetLinkOut(FrozenModel):
    """A fresh one-time password link; ``token`` is shown once and only its hash is stored."""

    id: int
    account_id: int
    email: str
    display_name: str
    role: Role
    token: str | None
    """The link's token, returned once; None when this ``client_key`` made the link before
    (it was shown then, and still works; a new link needs a new key)."""
    expires_at: datetime
    created: bool = True
    """False when this ``client_key`` was used before: this is the first link."""
    state: ResetLinkState = ResetLinkState.VALID
    """What the link can still do (a replay's link may have been used or replaced since)."""


class ResetLinkPreview(FrozenModel):
    """The reset page's heading: whose password the link sets (for its holder only)."""

    state: ResetLinkState
    email: str | None = None
    display_name: str | None = None
