"""Reading the append-only audit log of one walker, filtered, a page at a time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from retrowalk.store.models import Account, AuditEntry


def _conditions(
    walker_id: int,
    action: str | None,
    actor_account_id: int | None,
    since: datetime | None,
    before: datetime | None,
) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [AuditEntry.walker_id == walker_id]
    if action:
        # "session" finds every "session.*" action; "session.log" finds exactly that one.
        found.append(or_(AuditEntry.action == action, AuditEntry.action.startswith(f"{action}.")))
    if actor_account_id is not None:
        found.append(AuditEntry.actor_account_id == actor_account_id)
    if since is not None:
        found.append(AuditEntry.at >= since)
    if before is not None:
        found.append(AuditEntry.at < before)
    return found


def walker_audit(
    session: Session,
    walker_id: int,
    *,
    action: str | None = None,
    actor_account_id: int | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[tuple[AuditEntry, Account | None]], int]:
    """One page of a walker's audit entries (newest first) with their actors, and the total."""
    where = _conditions(walker_id, action, actor_account_id, since, before)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
    query = (
        select(AuditEntry, Account)
        .outerjoin(Account, AuditEntry.actor_account_id == Account.id)
        .where(*where)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    rows: list[tuple[AuditEntry, Account | None]] = [
        (row[0], row[1]) for row in session.execute(query).all()
    ]
    return rows, int(total)


def walker_audit_choices(
    session: Session, walker_id: int
) -> tuple[list[str], list[tuple[int, str, str]]]:
    """The actions and the people (id, name, role) found in a walker's audit trail."""
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.walker_id == walker_id).distinct()
    )
    people = session.execute(
        select(Account.id, Account.display_name, Account.role)
        .where(
            Account.id.in_(
                select(AuditEntry.actor_account_id).where(AuditEntry.walker_id == walker_id)
            )
        )
        .order_by(Account.display_name, Account.id)
    )
    return sorted(set(actions)), [(r[0], r[1], r[2]) for r in people.all()]
