"""Invitations after they are sent: listed, withdrawn, re-issued; and clinicians invited.

A clinician manages the invitations they sent (an administrator: everyone's). Re-issuing
gives the same invitation a new link and a new expiry (the old link stops working), so a
lost or expired email is fixed without a second invitation. An administrator invites
clinicians the same way; the invited clinician chooses their own password on the join page.
Every change is audited in the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from retrowalk.services.access import check_id, require_role
from retrowalk.services.accounts import (
    INVITATION_VALID_DAYS,
    check_client_key,
    hash_token,
    insert_account,
    invitation_digest,
    invitation_once,
    invitation_state,
    invitation_under,
)
from retrowalk.services.context import AppContext
from retrowalk.services.convert import account_out
from retrowalk.services.errors import (
    AccessDenied,
    Conflict,
    HiddenRecord,
    InvalidRequest,
    NotFound,
    parse,
)
from retrowalk.services.schemas import (
    AccountIn,
    AccountOut,
    Actor,
    ClinicianSignup,
    InvitationOut,
    InvitationPreview,
    InvitationState,
    InvitationSummary,
    Role,
    normalise_email,
)
from retrowalk.store import account_links as links
from retrowalk.store import repositories as repo
from retrowalk.store.models import Invitation

VALID_DAYS_MAX = 90


def _summary(row: Invitation, at: datetime) -> InvitationSummary:
    return InvitationSummary(
        id=row.id,
        email=row.email,
        role=Role(row.role),
        invited_by=row.clinician_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        state=invitation_state(row, at),
    )


def _valid_days(valid_days: int) -> int:
    if isinstance(valid_days, bool) or not 1 <= valid_days <= VALID_DAYS_MAX:
        raise InvalidRequest(
            f"valid_days: {valid_days} is not allowed; expected 1 to {VALID_DAYS_MAX} days.",
            field="valid_days",
        )
    return valid_days


def _own_invitation(tx: Session, actor: Actor, invitation_id: int) -> Invitation:
    """The invitation when the actor sent it (or is an administrator)."""
    check_id("invitation_id", invitation_id)
    require_role(tx, actor, Role.CLINICIAN, Role.ADMIN)
    row = repo.get(tx, Invitation, invitation_id)
    if row is None:
        raise NotFound(no_such_invitation(invitation_id))
    if actor.role is not Role.ADMIN and row.clinician_id != actor.account_id:
        # Another clinician's invitation is answered as one that does not exist: the answer
        # must not tell anyone that an id is in use (nor whose email it invites).
        raise HiddenRecord(no_such_invitation(invitation_id))
    return row


def no_such_invitation(invitation_id: int) -> str:
    """The one answer for an invitation that does not exist or that the actor did not send."""
    return f"There is no invitation with id {invitation_id} among the ones you sent."


def list_invitations(
    ctx: AppContext, actor: Actor, *, pending_only: bool = True
) -> list[InvitationSummary]:
    """The invitations the actor sent (an admin: everyone's), newest first.

    ``pending_only``: those not yet used nor withdrawn (expired ones are kept: they can be
    re-issued).
    """
    at = ctx.now()
    with ctx.db.reader() as tx:
        require_role(tx, actor, Role.CLINICIAN, Role.ADMIN)
        sender = None if actor.role is Role.ADMIN else actor.account_id
        rows = links.invitations_sent(tx, sender, pending_only=pending_only)
        return [_summary(row, at) for row in rows]


def withdraw_invitation(ctx: AppContext, actor: Actor, invitation_id: int) -> InvitationSummary:
    """Withdraw an invitation that was not used yet: its link stops working."""
    at = ctx.now()
    with ctx.db.transaction() as tx:
        row = _own_invitation(tx, actor, invitation_id)
        if row.used_at is not None:
            raise Conflict(
                "This invitation was already used to make an account; it cannot be withdrawn."
            )
        if row.withdrawn_at is None:
            row.withdrawn_at = at
            repo.audit(
                tx,
                at=at,
                actor_account_id=actor.account_id,
                actor_role=actor.role.value,
                action="invitation.withdraw",
                entity="invitation",
                entity_id=row.id,
                detail={"email": row.email, "role": row.role},
            )
        return _summary(row, at)


def reissue_invitation(
    ctx: AppContext,
    actor: Actor,
    invitation_id: int,
    *,
    valid_days: int = INVITATION_VALID_DAYS,
) -> InvitationOut:
    """A new link (and expiry) for an unused invitation; the old link stops working.

    A withdrawn invitation may be re-issued too: it becomes pending again.
    """
    _valid_days(valid_days)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        row = _own_invitation(tx, actor, invitation_id)
        if row.used_at is not None:
            raise Conflict(
                "This invitation was already used to make an account; it cannot be sent again."
            )
        token = secrets.token_urlsafe(32)
        row.token_hash = hash_token(token)
        row.expires_at = at + timedelta(days=valid_days)
        row.withdrawn_at = None
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="invitation.reissue",
            entity="invitation",
            entity_id=row.id,
            detail={"email": row.email, "role": row.role, "valid_days": valid_days},
        )
        return InvitationOut(
            id=row.id,
            email=row.email,
            clinician_id=row.clinician_id,
            token=token,
            expires_at=row.expires_at,
        )


def invite_clinician(
    ctx: AppContext,
    actor: Actor,
    email: str,
    *,
    valid_days: int = INVITATION_VALID_DAYS,
    client_key: str | None = None,
) -> InvitationOut:
    """An administrator invites a clinician by email (the token is returned once); the same
    ``client_key`` twice makes one invitation, as :func:`.accounts.create_invitation`."""
    try:
        address = normalise_email(email)
    except ValueError as exc:
        raise InvalidRequest(f"email: {email!r} {exc}.", field="email") from None
    _valid_days(valid_days)
    key = check_client_key(client_key)
    digest = invitation_digest(address, valid_days, Role.CLINICIAN)
    return invitation_once(
        ctx,
        actor,
        key,
        digest,
        lambda: _invite_clinician(ctx, actor, address, valid_days, key, digest),
    )


def _invite_clinician(
    ctx: AppContext,
    actor: Actor,
    address: str,
    valid_days: int,
    key: str | None,
    digest: str,
) -> InvitationOut:
    at = ctx.now()
    with ctx.db.transaction() as tx:
        require_role(tx, actor, Role.ADMIN)
        first = invitation_under(tx, actor, key, digest)
        if first is not None:
            return first
        if repo.account_by_email(tx, address) is not None:
            raise Conflict(f"An account with the email {address} already exists.")
        token = secrets.token_urlsafe(32)
        row = repo.add(
            tx,
            Invitation(
                token_hash=hash_token(token),
                email=address,
                clinician_id=actor.account_id,
                created_at=at,
                expires_at=at + timedelta(days=valid_days),
                role=Role.CLINICIAN.value,
                client_key=key,
                client_key_digest=digest if key else None,
            ),
        )
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="invitation.create",
            entity="invitation",
            entity_id=row.id,
            detail={"email": address, "role": Role.CLINICIAN.value},
        )
        return InvitationOut(
            id=row.id,
            email=address,
            clinician_id=actor.account_id,
            token=token,
            expires_at=row.expires_at,
        )


def invitation_preview(ctx: AppContext, token: str) -> InvitationPreview:
    """Whether a link can still make an account, and for which role (never whose it is)."""
    at = ctx.now()
    if not token.strip() or "\x00" in token or len(token) > 200:
        return InvitationPreview(state=InvitationState.UNKNOWN, role=Role.WALKER)
    with ctx.db.reader() as tx:
        row = repo.invitation_by_hash(tx, hash_token(token))
        state = invitation_state(row, at)
        if row is None or state is not InvitationState.VALID:
            return InvitationPreview(state=state, role=Role.WALKER)
        return InvitationPreview(state=state, role=Role(row.role), email=row.email)


def accept_clinician_invitation(
    ctx: AppContext,
    token: str,
    data: ClinicianSignup | dict[str, object],
) -> AccountOut:
    """Create the invited clinician's account with the password hash they chose."""
    signup = parse(ClinicianSignup, data)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        row = repo.invitation_by_hash(tx, hash_token(token))
        state = invitation_state(row, at)
        if row is None or state is not InvitationState.VALID:
            raise AccessDenied(
                "This invitation link cannot be used any more (wrong, used, withdrawn or "
                "expired); ask your administrator for a new one."
            )
        if row.role != Role.CLINICIAN.value:
            raise AccessDenied("This invitation is for a walker's account.")
        account = insert_account(
            tx,
            AccountIn(
                email=row.email,
                display_name=signup.display_name,
                role=Role.CLINICIAN,
                password_hash=signup.password_hash,
            ),
            at,
        )
        row.used_at = at
        row.walker_account_id = account.id
        repo.audit(
            tx,
            at=at,
            actor_account_id=account.id,
            actor_role=account.role,
            action="invitation.accept",
            entity="account",
            entity_id=account.id,
            detail={"invitation_id": row.id, "role": account.role},
        )
        return account_out(account)
