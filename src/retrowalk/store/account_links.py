"""Queries for the one-time links of accounts: invitations and password reset links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from retrowalk.store.models import STAFF_ROLES, Account, Invitation, ResetLink


def invitations_sent(
    session: Session, sender_id: int | None, *, pending_only: bool = True
) -> list[Invitation]:
    """Invitations sent by ``sender_id`` (everyone's when None), newest first.

    Pending: neither used nor withdrawn (an expired one is still listed: it can be re-issued).
    """
    query = select(Invitation)
    if sender_id is not None:
        query = query.where(Invitation.clinician_id == sender_id)
    if pending_only:
        query = query.where(Invitation.used_at.is_(None), Invitation.withdrawn_at.is_(None))
    return list(session.scalars(query.order_by(Invitation.created_at.desc(), Invitation.id.desc())))


def reset_link_by_hash(session: Session, token_hash: str) -> ResetLink | None:
    return session.scalar(select(ResetLink).where(ResetLink.token_hash == token_hash))


def unused_reset_links(session: Session, account_id: int, at: datetime) -> list[ResetLink]:
    """The account's reset links that could still be used at ``at``."""
    query = select(ResetLink).where(
        ResetLink.account_id == account_id,
        ResetLink.used_at.is_(None),
        ResetLink.expires_at > at,
    )
    return list(session.scalars(query))


def staff_accounts(session: Session) -> list[Account]:
    """Every clinician and administrator account, by name."""
    query = select(Account).where(Account.role.in_(STAFF_ROLES))
    return list(session.scalars(query.order_by(Account.display_name, Account.id)))
