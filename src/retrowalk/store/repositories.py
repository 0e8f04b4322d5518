"""Queries and writes the services need, named for what they find.

The services never build SQL themselves: they call these functions inside the unit of work
(:meth:`retrowalk.store.Database.transaction`). Every walker query filters on ``walker_id``
first so it is served by the ``(walker_id, ...)`` indexes whatever the table size.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Text, and_, cast, exists, func, select
from sqlalchemy.orm import Session

from retrowalk.store.models import (
    STAFF_ROLES,
    Account,
    Assessment,
    AuditEntry,
    Base,
    Checkin,
    Clearance,
    ClinicianNote,
    ClinicPolicy,
    Invitation,
    Prescription,
    Screening,
    SetupToken,
    Walker,
    WalkSession,
)

T = TypeVar("T", bound=Base)


def get(tx: Session, model: type[T], row_id: int) -> T | None:
    """The row of ``model`` with this primary key, or None."""
    return tx.get(model, row_id)


def add(tx: Session, row: T) -> T:
    """Insert ``row`` and flush so it has its id."""
    tx.add(row)
    tx.flush()
    return row


def audit(
    tx: Session,
    *,
    at: datetime,
    actor_account_id: int | None,
    actor_role: str,
    action: str,
    entity: str,
    entity_id: int | None,
    walker_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit entry in the caller's transaction (the log is never updated)."""
    tx.add(
        AuditEntry(
            at=at,
            actor_account_id=actor_account_id,
            actor_role=actor_role,
            action=action,
            entity=entity,
            entity_id=entity_id,
            walker_id=walker_id,
            detail_json=detail or {},
        )
    )


# --- accounts -------------------------------------------------------------------------------------


def account(tx: Session, account_id: int) -> Account | None:
    return tx.get(Account, account_id)


def account_by_email(tx: Session, email: str) -> Account | None:
    return tx.scalar(select(Account).where(Account.email == email))


def staff_account_exists(tx: Session, *, can_sign_in: bool = False) -> bool:
    """Whether any clinician or admin account exists (with a password hash, if asked)."""
    condition: ColumnElement[bool] = Account.role.in_(STAFF_ROLES)
    if can_sign_in:
        condition = and_(condition, Account.password_hash.is_not(None))
    return bool(tx.scalar(select(exists().where(condition))))


def unused_setup_tokens(tx: Session) -> list[SetupToken]:
    return list(tx.scalars(select(SetupToken).where(SetupToken.used_at.is_(None))))


def setup_token_by_hash(tx: Session, token_hash: str) -> SetupToken | None:
    return tx.scalar(select(SetupToken).where(SetupToken.token_hash == token_hash))


def invitation_by_hash(tx: Session, token_hash: str) -> Invitation | None:
    return tx.scalar(select(Invitation).where(Invitation.token_hash == token_hash))


# --- walkers --------------------------------------------------------------------------------------


def walker_by_account(tx: Session, account_id: int) -> Walker | None:
    return tx.scalar(select(Walker).where(Walker.account_id == account_id))


def walkers(tx: Session, clinician_id: int | None = None) -> list[tuple[Walker, Account]]:
    """Every walker with their account (only ``clinician_id``'s walkers when given)."""
    query = select(Walker, Account).join(Account, Walker.account_id == Account.id)
    if clinician_id is not None:
        query = query.where(Walker.clinician_id == clinician_id)
    return [(row[0], row[1]) for row in tx.execute(query.order_by(Walker.id)).all()]


# --- screening, assessment ------------------------------------------------------------------------


def latest_screening(tx: Session, walker_id: int) -> Screening | None:
    query = (
        select(Screening)
        .where(Screening.walker_id == walker_id)
        .order_by(Screening.created_at.desc(), Screening.id.desc())
        .limit(1)
    )
    return tx.scalar(query)


def screenings(tx: Session, walker_id: int) -> list[Screening]:
    query = select(Screening).where(Screening.walker_id == walker_id).order_by(Screening.id)
    return list(tx.scalars(query))


def latest_assessment(tx: Session, walker_id: int) -> Assessment | None:
    query = (
        select(Assessment)
        .where(Assessment.walker_id == walker_id)
        .order_by(Assessment.local_date.desc(), Assessment.id.desc())
        .limit(1)
    )
    return tx.scalar(query)


def assessments(tx: Session, walker_id: int, since: date | None = None) -> list[Assessment]:
    query = select(Assessment).where(Assessment.walker_id == walker_id)
    if since is not None:
        query = query.where(Assessment.local_date >= since)
    return list(tx.scalars(query.order_by(Assessment.local_date, Assessment.id)))


# --- prescriptions --------------------------------------------------------------------------------


def latest_prescription(tx: Session, walker_id: int) -> Prescription | None:
    query = (
        select(Prescription)
        .where(Prescription.walker_id == walker_id)
        .order_by(Prescription.version.desc())
        .limit(1)
    )
    return tx.scalar(query)


def prescriptions(
    tx: Session, walker_id: int, effective_since: date | None = None
) -> list[Prescription]:
    """A walker's plan versions, oldest first (from ``effective_since`` when given)."""
    query = select(Prescription).where(Prescription.walker_id == walker_id)
    if effective_since is not None:
        query = query.where(Prescription.effective_from >= effective_since)
    return list(tx.scalars(query.order_by(Prescription.version)))


def recent_prescriptions(tx: Session, walker_id: int, limit: int) -> list[Prescription]:
    """The walker's last ``limit`` plan versions, oldest first."""
    query = (
        select(Prescription)
        .where(Prescription.walker_id == walker_id)
        .order_by(Prescription.version.desc())
        .limit(limit)
    )
    return list(reversed(list(tx.scalars(query))))


def first_prescription(tx: Session, walker_id: int) -> Prescription | None:
    query = (
        select(Prescription)
        .where(Prescription.walker_id == walker_id)
        .order_by(Prescription.version)
        .limit(1)
    )
    return tx.scalar(query)


# --- sessions and check-ins -----------------------------------------------------------------------


def session_by_client_key(tx: Session, walker_id: int, client_key: str) -> WalkSession | None:
    query = select(WalkSession).where(
        WalkSession.walker_id == walker_id, WalkSession.client_key == client_key
    )
    return tx.scalar(query)


def walk_sessions(
    tx: Session, walker_id: int, since: date | None = None, until: date | None = None
) -> list[WalkSession]:
    """A walker's sessions between two local dates (inclusive), oldest first."""
    query = select(WalkSession).where(WalkSession.walker_id == walker_id)
    if since is not None:
        query = query.where(WalkSession.local_date >= since)
    if until is not None:
        query = query.where(WalkSession.local_date <= until)
    return list(tx.scalars(query.order_by(WalkSession.local_date, WalkSession.id)))


def sessions_logged_since(tx: Session, walker_id: int, since: datetime) -> list[WalkSession]:
    """The walker's sessions the program learned of after ``since`` (whatever date they were
    said to happen on), oldest first."""
    query = select(WalkSession).where(
        WalkSession.walker_id == walker_id, WalkSession.logged_at > since
    )
    return list(tx.scalars(query.order_by(WalkSession.logged_at, WalkSession.id)))


def count_sessions(tx: Session, walker_id: int, on: date | None = None) -> int:
    """How many sessions the walker logged (on one local date when ``on`` is given)."""
    query = select(func.count()).select_from(WalkSession).where(WalkSession.walker_id == walker_id)
    if on is not None:
        query = query.where(WalkSession.local_date == on)
    return int(tx.scalar(query) or 0)


def last_session(tx: Session, walker_id: int) -> WalkSession | None:
    query = (
        select(WalkSession)
        .where(WalkSession.walker_id == walker_id)
        .order_by(WalkSession.local_date.desc(), WalkSession.performed_at.desc())
        .limit(1)
    )
    return tx.scalar(query)


def recent_sessions(tx: Session, walker_id: int, limit: int) -> list[WalkSession]:
    """The walker's last ``limit`` sessions, oldest first."""
    query = (
        select(WalkSession)
        .where(WalkSession.walker_id == walker_id)
        .order_by(WalkSession.local_date.desc(), WalkSession.performed_at.desc())
        .limit(limit)
    )
    return list(reversed(list(tx.scalars(query))))


def checkin_for_session(tx: Session, session_id: int) -> Checkin | None:
    return tx.scalar(select(Checkin).where(Checkin.session_id == session_id))


def checkins(
    tx: Session, walker_id: int, since: date | None = None, until: date | None = None
) -> list[Checkin]:
    query = select(Checkin).where(Checkin.walker_id == walker_id)
    if since is not None:
        query = query.where(Checkin.local_date >= since)
    if until is not None:
        query = query.where(Checkin.local_date <= until)
    return list(tx.scalars(query.order_by(Checkin.local_date, Checkin.id)))


def checkins_for_sessions(tx: Session, session_ids: list[int]) -> dict[int, Checkin]:
    if not session_ids:
        return {}
    query = select(Checkin).where(Checkin.session_id.in_(session_ids))
    return {c.session_id: c for c in tx.scalars(query)}


def adverse_sessions(tx: Session, walker_id: int) -> list[WalkSession]:
    """The walker's sessions that reported an adverse event, oldest first.

    Filtered in SQL on the stored JSON text (``[]`` when none), so a long history of
    uneventful sessions is never loaded."""
    query = select(WalkSession).where(
        WalkSession.walker_id == walker_id, cast(WalkSession.adverse_events, Text) != "[]"
    )
    return list(tx.scalars(query.order_by(WalkSession.id)))


def count_supervised_sessions(tx: Session, walker_id: int) -> int:
    """How many sessions the walker logged with someone there."""
    query = (
        select(func.count())
        .select_from(WalkSession)
        .where(WalkSession.walker_id == walker_id, WalkSession.supervised.is_(True))
    )
    return int(tx.scalar(query) or 0)


def latest_session_with_steps(tx: Session, walker_id: int) -> WalkSession | None:
    """The newest session whose recording counted steps (for the walker's cadence)."""
    query = (
        select(WalkSession)
        .where(
            WalkSession.walker_id == walker_id,
            WalkSession.steps.is_not(None),
            WalkSession.duration_min > 0,
        )
        .order_by(WalkSession.local_date.desc(), WalkSession.performed_at.desc())
        .limit(1)
    )
    return tx.scalar(query)


def adverse_sessions_since(
    tx: Session, walker_id: int, since: datetime | None
) -> list[WalkSession]:
    """Sessions with an adverse event logged after ``since`` (all when None)."""
    query = select(WalkSession).where(WalkSession.walker_id == walker_id)
    if since is not None:
        query = query.where(WalkSession.logged_at > since)
    return [s for s in tx.scalars(query.order_by(WalkSession.id)) if s.adverse_events]


# --- clinician ------------------------------------------------------------------------------------


def latest_clearance(tx: Session, walker_id: int, scope: str) -> Clearance | None:
    query = (
        select(Clearance)
        .where(Clearance.walker_id == walker_id, Clearance.scope == scope)
        .order_by(Clearance.created_at.desc(), Clearance.id.desc())
        .limit(1)
    )
    return tx.scalar(query)


def clearances(tx: Session, walker_id: int) -> list[Clearance]:
    query = select(Clearance).where(Clearance.walker_id == walker_id).order_by(Clearance.id)
    return list(tx.scalars(query))


def notes(tx: Session, walker_id: int) -> list[ClinicianNote]:
    query = select(ClinicianNote).where(ClinicianNote.walker_id == walker_id)
    return list(tx.scalars(query.order_by(ClinicianNote.id)))


def latest_policy(tx: Session) -> ClinicPolicy | None:
    """The clinic policy version in force (the newest), or None for the built-in default."""
    return tx.scalar(select(ClinicPolicy).order_by(ClinicPolicy.version.desc()).limit(1))


def audit_order(tx: Session, walker_id: int) -> dict[tuple[str, int], int]:
    """For each record of the walker, the id of its newest audit entry: the order in which
    the program recorded things, whatever times were typed in (ids only ever increase)."""
    query = (
        select(AuditEntry.entity, AuditEntry.entity_id, func.max(AuditEntry.id))
        .where(AuditEntry.walker_id == walker_id, AuditEntry.entity_id.is_not(None))
        .group_by(AuditEntry.entity, AuditEntry.entity_id)
    )
    return {
        (entity, entity_id): int(top)
        for entity, entity_id, top in tx.execute(query)
        if entity_id is not None and top is not None
    }


def audit_entries(
    tx: Session, walker_id: int | None = None, action: str | None = None
) -> list[AuditEntry]:
    query = select(AuditEntry)
    if walker_id is not None:
        query = query.where(AuditEntry.walker_id == walker_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(tx.scalars(query.order_by(AuditEntry.id)))
