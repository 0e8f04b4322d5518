"""Queries and writes the services need, named for what they find.

The services never build SQL themselves: they call these functions inside the unit of work
(:meth:`retrowalk.store.Database.transaction`). Every walker query filters on ``walker_id``
first so it is served by the ``(walker_id, ...)`` indexes whatever the table size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Integer,
    Row,
    Select,
    Table,
    TextClause,
    and_,
    bindparam,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Executable
from sqlalchemy.sql.dml import Insert, ReturningInsert, ReturningUpdate

from retrowalk.store.column_types import UTCDateTime
from retrowalk.store.models import (
    CHECKIN_RED_FLAGS,
    REPORTED_RED_FLAGS,
    SESSION_ADVERSE,
    STAFF_ROLES,
    Account,
    Assessment,
    AuditEntry,
    Base,
    Checkin,
    Clearance,
    ClinicianNote,
    ClinicPolicy,
    DatabaseInstance,
    Invitation,
    Prescription,
    RedFlagReport,
    Screening,
    SessionRecording,
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
    raised_to: int | None = None,
) -> int | None:
    """Append one audit entry in the caller's transaction (the log is never updated); the
    walker's record version after it (None: not about a walker). ``raised_to``: the
    version the caller has already raised it to for this entry, in this transaction
    (:func:`raise_record_version_if_unchanged`).

    An entry about a walker also raises the walker's ``record_version`` in the same
    transaction: its row lock orders concurrent changes to one walker, so the version a
    reader sees covers every change committed up to it (what the kept records key on).

    Both are Core statements on the transaction's connection, run at once after the pending
    rows are flushed (:func:`_connection`): no ORM object, so no unit of work to flush at
    commit — on "log a session" that flush cost as much CPU as the statements."""
    connection = _connection(tx)
    version: int | None = raised_to
    if walker_id is not None and raised_to is None:
        version = connection.execute(
            _raise_record_version(), {"walker_id": walker_id}
        ).scalar_one_or_none()
    connection.execute(
        _insert_audit(),
        {
            "at": at,
            "actor_account_id": actor_account_id,
            "actor_role": actor_role,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "walker_id": walker_id,
            "detail_json": detail or {},
        },
    )
    return version


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _connection(tx: Session) -> Connection:
    """The transaction's connection, the pending rows flushed first as ``Session.execute``
    would: a Core statement run there skips the ORM's execution path (about half the CPU
    of a one-row statement on SQLite), for the statements every write and "log a session"
    run and that load no entity."""
    if tx.autoflush:
        tx.flush()
    return tx.connection()


@cache
def _insert_audit() -> Insert:
    """:func:`audit`'s insert, built once (building a statement costs as much as running it)."""
    return insert(_table(AuditEntry))


def insert_session(tx: Session, values: Mapping[str, Any]) -> int:
    """Insert one session row (``values``: every column but ``id``) and return its id: a Core
    statement, with no ORM object to build, track and flush. The unique client key still
    refuses a second row (IntegrityError, as a flush would raise it)."""
    session_id: int = _connection(tx).execute(_insert_session(), dict(values)).scalar_one()
    return session_id


@cache
def _insert_session() -> ReturningInsert[int]:
    table = _table(WalkSession)
    return insert(table).returning(table.c.id)


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


def clinician_account_exists(tx: Session) -> bool:
    """Whether the clinic has any clinician account (a clinic of one administrator has none)."""
    return bool(tx.scalar(select(exists().where(Account.role == "clinician"))))


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


@cache
def _latest_prescription() -> Select[Prescription]:
    return (
        select(Prescription)
        .where(Prescription.walker_id == bindparam("walker_id"))
        .order_by(Prescription.version.desc())
        .limit(1)
    )


def latest_prescription(tx: Session, walker_id: int) -> Prescription | None:
    return tx.scalar(_latest_prescription(), {"walker_id": walker_id})


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


@cache
def _session_by_client_key() -> Select[WalkSession]:
    return select(WalkSession).where(
        WalkSession.walker_id == bindparam("walker_id"),
        WalkSession.client_key == bindparam("client_key"),
    )


def session_by_client_key(tx: Session, walker_id: int, client_key: str) -> WalkSession | None:
    return tx.scalar(_session_by_client_key(), {"walker_id": walker_id, "client_key": client_key})


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
    if on is None:
        return int(tx.scalar(_count_sessions(False), {"walker_id": walker_id}) or 0)
    return int(tx.scalar(_count_sessions(True), {"walker_id": walker_id, "on": on}) or 0)


@cache
def _count_sessions(on_a_day: bool) -> Select[Any]:
    query = (
        select(func.count())
        .select_from(WalkSession)
        .where(WalkSession.walker_id == bindparam("walker_id"))
    )
    return query.where(WalkSession.local_date == bindparam("on")) if on_a_day else query


@cache
def _last_session() -> Select[WalkSession]:
    return (
        select(WalkSession)
        .where(WalkSession.walker_id == bindparam("walker_id"))
        .order_by(WalkSession.local_date.desc(), WalkSession.performed_at.desc())
        .limit(1)
    )


def last_session(tx: Session, walker_id: int) -> WalkSession | None:
    return tx.scalar(_last_session(), {"walker_id": walker_id})


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


def red_flag_reports(
    tx: Session, walker_id: int, since: date | None = None, until: date | None = None
) -> list[RedFlagReport]:
    """A walker's red-flag reports between two local dates (inclusive), in the order made."""
    query = select(RedFlagReport).where(RedFlagReport.walker_id == walker_id)
    if since is not None:
        query = query.where(RedFlagReport.local_date >= since)
    if until is not None:
        query = query.where(RedFlagReport.local_date <= until)
    return list(tx.scalars(query.order_by(RedFlagReport.created_at, RedFlagReport.id)))


def checkins_for_sessions(tx: Session, session_ids: list[int]) -> dict[int, Checkin]:
    if not session_ids:
        return {}
    query = select(Checkin).where(Checkin.session_id.in_(session_ids))
    return {c.session_id: c for c in tx.scalars(query)}


ADVERSE_EVENTS_REPORTED = text(SESSION_ADVERSE.replace("adverse_events", "sessions.adverse_events"))
"""Sessions that reported an adverse event: the stored JSON list is not empty. Written as
literal SQL, the same text as the partial index ``ix_sessions_walker_adverse``'s condition,
so both databases serve it from that index (a bound parameter would not match it)."""
RED_FLAGS_REPORTED = text(CHECKIN_RED_FLAGS.replace("red_flags", "checkins.red_flags"))
"""Check-ins that reported a new red flag (the partial index ``ix_checkins_walker_red_flags``)."""
FLAGGED_REPORTS = text(REPORTED_RED_FLAGS.replace("red_flags", "red_flag_reports.red_flags"))
"""Red-flag reports that named a flag (the partial index ``ix_red_flag_reports_walker_flagged``)."""


def red_flags_unasked_since(tx: Session, walker_id: int) -> date | None:
    """The date of the oldest session whose morning check-in was decided without its report
    (a later session was logged first) after the walker last answered the red-flag questions
    — at a check-in with its report, or in a red-flag report — or None when none is. One
    statement."""
    found: date | None = tx.scalar(_red_flags_unasked_since(), {"walker_id": walker_id})
    return found


NEVER = datetime(1970, 1, 1, tzinfo=UTC)
"""Before anything recorded: the bound when nothing was answered yet."""


def red_flags_unasked_by_walker(tx: Session, walker_ids: Sequence[int]) -> dict[int, date]:
    """:func:`red_flags_unasked_since` for many walkers in one statement (the clinician's
    list): walker id → the date of the oldest session whose red-flag questions are unasked;
    walkers with nothing unasked are left out."""
    if not walker_ids:
        return {}
    missing = aliased(Checkin, name="missing")
    answered = aliased(Checkin, name="answered")
    never = bindparam("never", NEVER, type_=UTCDateTime)
    at_checkin = (
        select(func.max(answered.created_at))
        .where(answered.walker_id == missing.walker_id, answered.report_missing.is_(False))
        .correlate(missing)
        .scalar_subquery()
    )
    in_report = (
        select(func.max(RedFlagReport.created_at))
        .where(RedFlagReport.walker_id == missing.walker_id)
        .correlate(missing)
        .scalar_subquery()
    )
    rows = _rows(
        tx,
        select(missing.walker_id, func.min(WalkSession.local_date).label("oldest"))
        .join(WalkSession, missing.session_id == WalkSession.id)
        .where(
            _of(missing.walker_id, walker_ids),
            missing.report_missing.is_(True),
            missing.created_at > func.coalesce(at_checkin, never),
            missing.created_at > func.coalesce(in_report, never),
        )
        .group_by(missing.walker_id),
    )
    return {row.walker_id: row.oldest for row in rows}


@cache
def _red_flags_unasked_since() -> Select[Any]:
    # Each bound is found by index steps (check-ins and reports by walker and time): the
    # newest check-in with its report read from the newest end, and only the missing
    # check-ins after both bounds read at all, whatever her history's length.
    walker: Any = bindparam("walker_id")
    never = bindparam("never", NEVER, type_=UTCDateTime)
    at_checkin = (
        select(Checkin.created_at)
        .where(Checkin.walker_id == walker, Checkin.report_missing.is_(False))
        .order_by(Checkin.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    in_report = (
        select(func.max(RedFlagReport.created_at))
        .where(RedFlagReport.walker_id == walker)
        .scalar_subquery()
    )
    missing = aliased(Checkin, name="missing")
    return (
        select(WalkSession.local_date)
        .join(missing, missing.session_id == WalkSession.id)
        .where(
            missing.walker_id == walker,
            missing.created_at > func.coalesce(at_checkin, never),
            missing.created_at > func.coalesce(in_report, never),
            missing.report_missing.is_(True),
        )
        .order_by(missing.created_at, missing.id)
        .limit(1)
    )


def adverse_sessions(tx: Session, walker_id: int) -> list[WalkSession]:
    """The walker's sessions that reported an adverse event, oldest first (served by the
    partial index, so a long history of uneventful sessions is never read)."""
    query = select(WalkSession).where(WalkSession.walker_id == walker_id, ADVERSE_EVENTS_REPORTED)
    return list(tx.scalars(query.order_by(WalkSession.id)))


def count_supervised_sessions(
    tx: Session, walker_id: int, *, supervised_from_min: float, at_most: int | None = None
) -> int:
    """How many supervised sessions count toward the plan's supervised start: on how many
    days the walker logged a session with someone there that lasted ``supervised_from_min``
    minutes or more (the services pass the **policy**: two taps on Save one afternoon are
    not two supervised sessions); counting stops at ``at_most`` when given (a
    plan's "first N supervised" only asks whether N are done), so the cost does not grow with
    the walker's history."""
    params: dict[str, Any] = {"walker_id": walker_id, "counts_from_min": supervised_from_min}
    if at_most is None:
        return int(tx.scalar(_supervised_count(False), params) or 0)
    params["at_most"] = at_most
    return int(tx.scalar(_supervised_count(True), params) or 0)


def _supervised_days(walker: Any) -> Select[Any]:
    """The days with a supervised session that counts toward the supervised start."""
    return (
        select(WalkSession.local_date)
        .where(
            WalkSession.walker_id == walker,
            WalkSession.supervised.is_(True),
            WalkSession.duration_min >= bindparam("counts_from_min", type_=Float),
        )
        .distinct()
    )


@cache
def _supervised_count(limited: bool) -> Select[Any]:
    rows = _supervised_days(bindparam("walker_id"))
    if limited:
        rows = rows.limit(bindparam("at_most"))
    return select(func.count()).select_from(rows.subquery())


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


def policy_versions(tx: Session) -> list[ClinicPolicy]:
    """Every stored version of the clinic policy, oldest first."""
    return list(tx.scalars(select(ClinicPolicy).order_by(ClinicPolicy.version)))


def latest_policy(tx: Session) -> ClinicPolicy | None:
    """The clinic policy version in force (the newest), or None for the built-in default."""
    return tx.scalar(select(ClinicPolicy).order_by(ClinicPolicy.version.desc()).limit(1))


@cache
def _raise_record_version() -> ReturningUpdate[int]:
    """:func:`audit`'s update of the walker's record version, built once (every change runs
    it; building a statement costs as much as running it)."""
    walkers = _table(Walker)
    # on the table, not the entity: a Core update (the ORM's bulk-update path costs more and
    # would synchronise nothing here anyway; a loaded walker keeps the version it was read at)
    return (
        update(walkers)
        .where(walkers.c.id == bindparam("walker_id", type_=Integer))
        .values(record_version=walkers.c.record_version + 1)
        .returning(walkers.c.record_version)
    )


def audit_entries(
    tx: Session, walker_id: int | None = None, action: str | None = None
) -> list[AuditEntry]:
    query = select(AuditEntry)
    if walker_id is not None:
        query = query.where(AuditEntry.walker_id == walker_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(tx.scalars(query.order_by(AuditEntry.id)))


@dataclass(frozen=True)
class WalkerContext:
    """What every use case on one walker reads first, in one statement."""

    account_role: str | None
    """The actor's account's role (None: no such account)."""
    walker: Walker | None
    """The walker asked for (None: no such walker)."""
    policy_version: int | None
    """The clinic policy version in force (None: the built-in default)."""
    policy_json: dict[str, Any] | None
    """Its stored values (None: the built-in default)."""
    newest_entry: int | None
    """The walker's newest audit entry (the order of what is recorded next)."""
    instance: str | None = None
    """The id of this copy of the database (:class:`DatabaseInstance`; a restore renews it)."""

    @property
    def stamp(self) -> tuple[int | None, int | None]:
        """The walker's newest audit entry and the newest policy version, as read."""
        return self.newest_entry, self.policy_version


def walker_context(tx: Session, account_id: int, walker_id: int) -> WalkerContext:
    """The actor's role, the walker, the policy in force, the walker's newest audit entry
    and the database's instance id, in one statement (five primary-key or index lookups):
    the reads that start every request on a walker's records. One statement is one
    snapshot, on PostgreSQL too, so the walker's ``record_version`` read here is that of the
    rest: a change after it is seen by :func:`raise_record_version_if_unchanged`. Only the
    columns used are read: the account and the policy as whole entities were 11 more
    columns for PostgreSQL's driver to describe, and two more objects to build, on every
    request (docs/performance.md)."""
    row = tx.execute(_walker_context(), {"walker_id": walker_id, "account_id": account_id}).first()
    if row is None:
        return WalkerContext(None, None, None, None, None)
    return WalkerContext(
        account_role=row[1],
        walker=row[2],
        policy_version=row[3],
        policy_json=row[4],
        newest_entry=row[0],
        instance=row[5],
    )


@cache
def _walker_context() -> Select[Any]:
    """:func:`walker_context`'s statement, built once (the statement and its cache key cost
    as much CPU as running it on SQLite)."""
    walker_id = bindparam("walker_id", type_=Integer)
    newest_entry = (
        select(func.max(AuditEntry.id)).where(AuditEntry.walker_id == walker_id).scalar_subquery()
    )
    newest_policy = select(func.max(ClinicPolicy.version)).scalar_subquery()
    instance = select(DatabaseInstance.instance_id).limit(1).scalar_subquery()
    return (
        select(
            newest_entry,
            Account.role,
            Walker,
            ClinicPolicy.version,
            ClinicPolicy.policy_json,
            instance,
        )
        .select_from(Account)
        .outerjoin(Walker, Walker.id == walker_id)
        .outerjoin(ClinicPolicy, ClinicPolicy.version == newest_policy)
        .where(Account.id == bindparam("account_id"))
    )


@dataclass(frozen=True)
class DaySummary:
    """What "today" reads of the walker's sessions and tests, in one statement."""

    sessions_today: int
    last_session_on: date | None
    cadence_steps: int | None
    """Steps and minutes of the newest session whose recording counted steps."""
    cadence_minutes: float | None
    last_assessed_on: date | None
    recorded_cadence_spm: float | None = None
    """The cadence of the newest recording attached to one of her sessions (a guided-session
    recording or an uploaded file: steps a minute over its walking bouts)."""


DEVICE_CADENCE_FORMATS = ("fit", "gpx")
"""Recordings whose cadence, if any, is the device's own (a watch's), not counted here."""


def _day_summary_columns(backend: str, cadence_not_on: tuple[str, ...]) -> list[Any]:
    """The six correlated lookups of :class:`DaySummary`, in its order."""
    walker = bindparam("walker_id", type_=Integer)

    def newest_with_steps(column: Any) -> Any:
        if backend == "sqlite":
            # Without statistics SQLite reads the full (walker, date, time) index from the
            # newest end through every session without steps: the partial index is named
            return (
                text(
                    f"SELECT {column.key} FROM sessions INDEXED BY ix_sessions_walker_steps "
                    "WHERE walker_id = :walker_id AND steps IS NOT NULL AND duration_min > 0 "
                    "ORDER BY local_date DESC, performed_at DESC, id DESC LIMIT 1"
                )
                .bindparams(walker)
                .columns(column)
                .scalar_subquery()
            )
        return (
            select(column)
            .where(
                WalkSession.walker_id == walker,
                WalkSession.steps.is_not(None),
                WalkSession.duration_min > 0,
            )
            .order_by(
                WalkSession.local_date.desc(),
                WalkSession.performed_at.desc(),
                WalkSession.id.desc(),
            )
            .limit(1)
            .scalar_subquery()
        )

    return [
        select(func.count())
        .select_from(WalkSession)
        .where(WalkSession.walker_id == walker, WalkSession.local_date == bindparam("day"))
        .scalar_subquery(),
        select(func.max(WalkSession.local_date))
        .where(WalkSession.walker_id == walker)
        .scalar_subquery(),
        newest_with_steps(WalkSession.steps),
        newest_with_steps(WalkSession.duration_min),
        select(func.max(Assessment.local_date))
        .where(Assessment.walker_id == walker)
        .scalar_subquery(),
        select(SessionRecording.cadence_spm)
        .join(WalkSession, WalkSession.id == SessionRecording.session_id)
        .where(
            SessionRecording.walker_id == walker,
            SessionRecording.cadence_spm.is_not(None),
            # counted from the phone's own acceleration, on the ground: not a watch's own
            # cadence (FIT, unverified here) nor a treadmill's
            # plain comparisons, not NOT IN: a list is an "expanding" parameter, which
            # SQLAlchemy compiles again on every execution
            *(SessionRecording.source_format != f for f in DEVICE_CADENCE_FORMATS),
            *(WalkSession.surface != surface for surface in cadence_not_on),
        )
        .order_by(
            WalkSession.local_date.desc(),
            WalkSession.performed_at.desc(),
            SessionRecording.id.desc(),
        )
        .limit(1)
        .scalar_subquery(),
    ]


def _summary_of(row: tuple[Any, ...]) -> DaySummary:
    return DaySummary(
        sessions_today=int(row[0] or 0),
        last_session_on=row[1],
        cadence_steps=row[2],
        cadence_minutes=row[3],
        last_assessed_on=row[4],
        recorded_cadence_spm=row[5],
    )


@dataclass(frozen=True)
class WalkerDay:
    """What "today" and logging a session read of one walker after her context, in one
    statement: the day's summary, the plan in force, the last session and whether its
    morning report came, the session stored under a client key, the supervised sessions
    counted up to the plan's first N, and the red-flag questions still unasked."""

    summary: DaySummary
    plan: Prescription | None
    last_session: WalkSession | None
    last_reported: bool
    """Whether the last session has its check-in (with or without its report)."""
    keyed: WalkSession | None
    """The session stored under the client key asked for (None: none, or no key asked)."""
    supervised_done: int
    """Supervised sessions logged, counted up to the plan's ``supervised_first_sessions``."""
    red_flags_unasked_since: date | None


def walker_day(
    tx: Session,
    walker_id: int,
    day: date,
    *,
    client_key: str | None = None,
    cadence_not_on: Sequence[str] = (),
    supervised_from_min: float,
) -> WalkerDay:
    """:class:`WalkerDay` for ``day``: a round trip instead of seven, which on PostgreSQL
    was most of a request's time. Every part is an index step or a short capped read, so
    nothing grows with the walker's history."""
    params = {
        "walker_id": walker_id,
        "day": day,
        "client_key": client_key or "",
        "counts_from_min": supervised_from_min,
    }
    keyed_asked = client_key is not None
    statement = _walker_day(tx.get_bind().dialect.name, tuple(cadence_not_on), keyed_asked)
    row: tuple[Any, ...] = tuple(tx.execute(statement, params).one())
    summary = _summary_of(row)
    if keyed_asked:
        plan, last, last_reported, keyed, supervised, unasked = row[6:]
    else:
        (plan, last, last_reported, supervised, unasked), keyed = row[6:], None
    return WalkerDay(
        summary=summary,
        plan=plan,
        last_session=last,
        last_reported=bool(last_reported),
        keyed=keyed if client_key else None,
        supervised_done=int(supervised or 0),
        red_flags_unasked_since=unasked,
    )


@cache
def _walker_day(backend: str, cadence_not_on: tuple[str, ...], keyed_asked: bool) -> Select[Any]:
    """:func:`walker_day`'s statement, built once for each kind of database: the walker's
    row as its one row, the plan and the two sessions joined on their ids found by index
    steps, and the rest as scalar subqueries. Without a client key asked ("today") the
    keyed session is left out: its 29 columns, always empty there, cost PostgreSQL's driver
    five Python calls each to describe, on every request (docs/performance.md)."""
    walker = bindparam("walker_id", type_=Integer)
    plan_id = (
        select(Prescription.id)
        .where(Prescription.walker_id == walker)
        .order_by(Prescription.version.desc())
        .limit(1)
        .scalar_subquery()
    )
    last = aliased(WalkSession, name="last_session")
    last_id = (
        select(WalkSession.id)
        .where(WalkSession.walker_id == walker)
        .order_by(WalkSession.local_date.desc(), WalkSession.performed_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    keyed = aliased(WalkSession, name="keyed_session")
    first_n = func.coalesce(
        select(Prescription.supervised_first_sessions)
        .where(Prescription.id == plan_id)
        .scalar_subquery(),
        0,
    )
    supervised = (
        select(func.count())
        .select_from(_supervised_days(walker).limit(first_n).subquery())
        .scalar_subquery()
    )
    reported = exists().where(Checkin.session_id == last.id)
    unasked = _red_flags_unasked_since().scalar_subquery()
    statement = (
        select(
            *_day_summary_columns(backend, cadence_not_on),
            Prescription,
            last,
            reported,
            *((keyed,) if keyed_asked else ()),
            supervised,
            unasked,
        )
        .select_from(Walker)
        .outerjoin(Prescription, Prescription.id == plan_id)
        .outerjoin(last, last.id == last_id)
    )
    if keyed_asked:
        statement = statement.outerjoin(
            keyed,
            and_(keyed.walker_id == walker, keyed.client_key == bindparam("client_key")),
        )
    return statement.where(Walker.id == walker)


def raise_record_version_if_unchanged(
    tx: Session,
    walker_id: int,
    *,
    version: int,
    policy_version: int | None,
    instance: str | None,
) -> int | None:
    """Raise the walker's ``record_version`` only if it, the newest clinic policy version
    and the database copy's id are still those read before the write lock (``version``,
    ``policy_version`` — None: no stored policy — and ``instance``): the version after it,
    or None when any of them moved (nothing written). One indexed statement that checks and
    locks the walker's row at once: on PostgreSQL, where writers do not queue on one lock,
    a change committed between a separate check and the insert can no longer slip through
    (a change waits on, then moves, the version). Every change of a record raises the
    version in its transaction (:func:`audit`), so the version moves with any change the
    gates decided on."""
    params = {
        "walker_id": walker_id,
        "seen": version,
        "policy": policy_version if policy_version is not None else -1,
        "instance": instance or "",
    }
    raised: int | None = _connection(tx).execute(_raise_if_unchanged(), params).scalar_one_or_none()
    return raised


@cache
def _raise_if_unchanged() -> ReturningUpdate[int]:
    walkers = _table(Walker)
    policies, copies = _table(ClinicPolicy), _table(DatabaseInstance)
    newest_policy = func.coalesce(select(func.max(policies.c.version)).scalar_subquery(), -1)
    instance = func.coalesce(select(copies.c.instance_id).limit(1).scalar_subquery(), "")
    return (
        update(walkers)
        .where(
            walkers.c.id == bindparam("walker_id", type_=Integer),
            walkers.c.record_version == bindparam("seen", type_=Integer),
            newest_policy == bindparam("policy", type_=Integer),
            instance == bindparam("instance"),
        )
        .values(record_version=walkers.c.record_version + 1)
        .returning(walkers.c.record_version)
    )


# --- the record of many walkers at once -----------------------------------------------------------
# One query per kind of fact, whatever the number of walkers: the clinician's list and the flags
# read everyone's record in the same few statements as one walker's page. Each row comes with
# the id of its newest audit entry (``seq``: the order the program recorded it in), found by a
# correlated subquery on ``ix_audit_log_entity``, never by reading the walker's whole audit log.

FACT_COLUMNS: dict[str, tuple[Any, ...]] = {
    "screening": (
        Screening.id,
        Screening.walker_id,
        Screening.created_at,
        Screening.recorded_by,
        Screening.answers_json,
    ),
    "assessment": (
        Assessment.id,
        Assessment.walker_id,
        Assessment.created_at,
        Assessment.recorded_by,
        Assessment.kind,
        Assessment.answers_json,
    ),
    "session": (
        WalkSession.id,
        WalkSession.walker_id,
        WalkSession.logged_at,
        WalkSession.recorded_by,
        WalkSession.local_date,
        WalkSession.adverse_events,
        WalkSession.supervised,
    ),
    "checkin": (
        Checkin.id,
        Checkin.walker_id,
        Checkin.created_at,
        Checkin.recorded_by,
        Checkin.local_date,
        Checkin.pain_nprs,
        Checkin.usual_pain_nprs,
        Checkin.red_flags,
    ),
    "red_flag_report": (
        RedFlagReport.id,
        RedFlagReport.walker_id,
        RedFlagReport.created_at,
        RedFlagReport.recorded_by,
        RedFlagReport.local_date,
        RedFlagReport.red_flags,
    ),
    "clearance": (
        Clearance.id,
        Clearance.walker_id,
        Clearance.created_at,
        Clearance.cleared_by,
        Clearance.scope,
        Clearance.reason,
        Clearance.covers_seq,
    ),
}
"""The columns each kind of fact is made of (rows, not ORM objects: the list reads a clinic's
worth; ``seq`` is added to each)."""
_FACT_MODELS: dict[str, Any] = {
    "screening": Screening,
    "assessment": Assessment,
    "session": WalkSession,
    "checkin": Checkin,
    "red_flag_report": RedFlagReport,
    "clearance": Clearance,
}


def _of(column: Any, walker_ids: Sequence[int]) -> ColumnElement[bool]:
    """``column`` is one of ``walker_ids`` (a plain ``=`` for one walker)."""
    if len(walker_ids) == 1:
        return column == walker_ids[0]  # type: ignore[no-any-return]
    return column.in_(list(walker_ids))  # type: ignore[no-any-return]


def _rows(tx: Session, query: Executable) -> list[Row[Any]]:
    """The column rows of ``query``, run on the transaction's connection: the ORM's result
    machinery (entity loading, which these rows never need) costs as much as the query on a
    clinic's worth of rows. Pending rows are flushed first, as ``Session.execute`` does: a
    use case that has just added a record reads it in the same transaction (a gate that
    computes the restrictions after adding a check-in must see it)."""
    return list(_connection(tx).execute(query))


def _with_seq(
    tx: Session,
    entity: str,
    walker_ids: Sequence[int],
    *conditions: ColumnElement[bool] | TextClause,
) -> list[Row[Any]]:
    """The rows of one kind of fact of these walkers (:data:`FACT_COLUMNS`, then ``seq``: the
    id of the row's newest audit entry), oldest first."""
    model = _FACT_MODELS[entity]
    seq = (
        select(func.max(AuditEntry.id))
        .where(
            AuditEntry.entity == entity,
            AuditEntry.entity_id == model.id,
            AuditEntry.walker_id == model.walker_id,
        )
        .correlate(model)
        .scalar_subquery()
        .label("seq")
    )
    query = (
        select(*FACT_COLUMNS[entity], seq)
        .where(_of(model.walker_id, walker_ids), *conditions)
        .order_by(model.id)
    )
    return _rows(tx, query)


def screenings_recorded(tx: Session, walker_ids: Sequence[int]) -> list[Row[Any]]:
    """Every screening of these walkers with its recording order, oldest first."""
    return _with_seq(tx, "screening", walker_ids)


def assessments_recorded(tx: Session, walker_ids: Sequence[int]) -> list[Row[Any]]:
    """Every assessment of these walkers with its recording order, oldest first."""
    return _with_seq(tx, "assessment", walker_ids)


def adverse_sessions_recorded(tx: Session, walker_ids: Sequence[int]) -> list[Row[Any]]:
    """The sessions of these walkers that reported an adverse event (partial index)."""
    return _with_seq(tx, "session", walker_ids, ADVERSE_EVENTS_REPORTED)


def checkins_that_may_restrict(
    tx: Session, walker_ids: Sequence[int], pain_from_nprs: int
) -> list[Row[Any]]:
    """The check-ins of these walkers that reported a red flag, or a morning pain of at least
    ``pain_from_nprs`` (two indexed queries): every check-in that can set a restriction, when
    the caller passes the lowest pain that can make a rest day. The clinical rules decide."""
    flagged = _with_seq(tx, "checkin", walker_ids, RED_FLAGS_REPORTED)
    painful = _with_seq(tx, "checkin", walker_ids, Checkin.pain_nprs >= pain_from_nprs)
    found = {row.id: row for row in [*flagged, *painful]}
    return [found[key] for key in sorted(found)]


def red_flag_reports_recorded(tx: Session, walker_ids: Sequence[int]) -> list[Row[Any]]:
    """The red-flag reports of these walkers that named a flag (partial index): an empty one
    ("none of these") sets nothing, and never lifts anything."""
    return _with_seq(tx, "red_flag_report", walker_ids, FLAGGED_REPORTS)


def clearances_recorded(tx: Session, walker_ids: Sequence[int]) -> list[Row[Any]]:
    """Every clearance of these walkers with its recording order, oldest first."""
    return _with_seq(tx, "clearance", walker_ids)


def accounts_by_id(tx: Session, account_ids: Iterable[int]) -> dict[int, Account]:
    """The accounts with these ids (one query)."""
    wanted = sorted(set(account_ids))
    if not wanted:
        return {}
    return {a.id: a for a in tx.scalars(select(Account).where(Account.id.in_(wanted)))}


PROFILE_COLUMNS = (
    Walker.id,
    Walker.record_version,
    Walker.timezone,
    Account.id.label("account_id"),
    Account.email,
    Account.display_name,
    Walker.age_years,
    Walker.sex,
    Walker.knee_condition,
    Walker.knee_side,
    Walker.clinician_id,
)
"""What the list needs to know whether a walker's kept flags still hold: the record version,
the time zone (the walker's date) and everything the list shows of the walker."""


def walker_profiles(tx: Session, clinician_id: int | None = None) -> list[Row[Any]]:
    """The walkers (``clinician_id``'s, or all) as :data:`PROFILE_COLUMNS` rows, by id, each
    with ``instance``: the id of this copy of the database (:class:`DatabaseInstance`)."""
    instance = select(DatabaseInstance.instance_id).limit(1).scalar_subquery()
    query = select(*PROFILE_COLUMNS, instance.label("instance")).join(
        Account, Walker.account_id == Account.id
    )
    if clinician_id is not None:
        query = query.where(Walker.clinician_id == clinician_id)
    return _rows(tx, query.order_by(Walker.id))


def walker_summaries(
    tx: Session,
    clinician_id: int | None = None,
    walker_id: int | None = None,
    walker_ids: Sequence[int] | None = None,
) -> list[WalkerSummary]:
    """The walkers (``clinician_id``'s, or one, or those of ``walker_ids``, or all) with their
    account, the date of their last session and their newest and first plan versions, in one
    query: each of those is a correlated subquery answered by an index in O(log n)."""
    last_on = (
        select(func.max(WalkSession.local_date))
        .where(WalkSession.walker_id == Walker.id)
        .correlate(Walker)
        .scalar_subquery()
    )
    newest_plan = (
        select(Prescription.id)
        .where(Prescription.walker_id == Walker.id)
        .order_by(Prescription.version.desc())
        .limit(1)
        .correlate(Walker)
        .scalar_subquery()
    )
    first_from = (
        select(Prescription.effective_from)
        .where(Prescription.walker_id == Walker.id)
        .order_by(Prescription.version)
        .limit(1)
        .correlate(Walker)
        .scalar_subquery()
    )
    last_assessed = (
        select(func.max(Assessment.local_date))
        .where(Assessment.walker_id == Walker.id)
        .correlate(Walker)
        .scalar_subquery()
    )
    query = select(Walker, Account, last_on, newest_plan, first_from, last_assessed).join(
        Account, Walker.account_id == Account.id
    )
    if clinician_id is not None:
        query = query.where(Walker.clinician_id == clinician_id)
    if walker_id is not None:
        query = query.where(Walker.id == walker_id)
    if walker_ids is not None:
        query = query.where(_of(Walker.id, walker_ids))
    rows = tx.execute(query.order_by(Walker.id)).all()
    wanted = [r[3] for r in rows if r[3] is not None]
    plans = {
        p.id: PlanSummary(id=p.id, version=p.version, sessions_per_week=p.sessions_per_week)
        for p in (
            tx.execute(
                select(Prescription.id, Prescription.version, Prescription.sessions_per_week).where(
                    Prescription.id.in_(wanted)
                )
            )
            if wanted
            else ()
        )
    }
    return [
        WalkerSummary(
            walker=r[0],
            account=r[1],
            last_session_on=r[2],
            plan=plans.get(r[3]) if r[3] is not None else None,
            first_plan_from=r[4],
            last_assessed_on=r[5],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class PlanSummary:
    """What the list shows of a walker's newest plan version."""

    id: int
    version: int
    sessions_per_week: int


@dataclass(frozen=True)
class WalkerSummary:
    """A walker with what the list shows beside their flags."""

    walker: Walker
    account: Account
    last_session_on: date | None
    plan: PlanSummary | None
    """The newest version of their plan (None before the first)."""
    first_plan_from: date | None
    last_assessed_on: date | None
    """The local date of their newest assessment."""


FLAG_SESSION_COLUMNS = (
    WalkSession.id,
    WalkSession.walker_id,
    WalkSession.local_date,
    WalkSession.pain_before_nprs,
    WalkSession.pain_peak_nprs,
    WalkSession.supervised,
    WalkSession.planned_supervised,
    WalkSession.surface,
    WalkSession.planned_surface,
    WalkSession.duration_min,
    WalkSession.speed_m_s,
    WalkSession.distance_m,
    WalkSession.planned_duration_min,
    WalkSession.planned_speed_m_s,
    WalkSession.walked_against,
)
"""The columns of a session the flags read (rows, not ORM objects: the list reads many; no
time of day, whose conversion to an aware datetime was a third of the list's time)."""


def sessions_in_window(
    tx: Session, walker_ids: Sequence[int], since: date, until: date
) -> list[Row[Any]]:
    """These walkers' sessions between two local dates (inclusive), oldest first
    (:data:`FLAG_SESSION_COLUMNS`)."""
    query = select(*FLAG_SESSION_COLUMNS).where(
        _of(WalkSession.walker_id, walker_ids),
        WalkSession.local_date >= since,
        WalkSession.local_date <= until,
    )
    return _rows(tx, query.order_by(WalkSession.local_date, WalkSession.id))


def sessions_logged_after(
    tx: Session, walker_ids: Sequence[int], since: datetime
) -> list[Row[Any]]:
    """These walkers' sessions the program learned of after ``since`` (``ix_sessions_walker_
    logged``), oldest first (:data:`FLAG_SESSION_COLUMNS`)."""
    query = select(*FLAG_SESSION_COLUMNS).where(
        _of(WalkSession.walker_id, walker_ids), WalkSession.logged_at > since
    )
    return _rows(tx, query.order_by(WalkSession.logged_at, WalkSession.id))


def checkins_of_sessions_in_window(
    tx: Session, walker_ids: Sequence[int], since: date, until: date
) -> dict[int, Row[Any]]:
    """The morning pain reports (session id, pain, usual level) of these walkers' sessions
    between two local dates, by session id."""
    query = (
        select(Checkin.session_id, Checkin.pain_nprs, Checkin.usual_pain_nprs)
        .join(WalkSession, Checkin.session_id == WalkSession.id)
        .where(
            _of(WalkSession.walker_id, walker_ids),
            WalkSession.local_date >= since,
            WalkSession.local_date <= until,
        )
    )
    return {row.session_id: row for row in _rows(tx, query)}
