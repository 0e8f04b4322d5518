"""Every stored row of one walker, as plain data: what "download my data" hands them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from retrowalk.store.models import (
    Account,
    Assessment,
    Base,
    Checkin,
    Clearance,
    ExerciseLog,
    ExerciseLogEntry,
    Prescription,
    RedFlagReport,
    Screening,
    SessionRecording,
    Walker,
    WalkerExercise,
    WalkSession,
)

RECORD_KINDS: dict[str, type[Base]] = {
    "screenings": Screening,
    "assessments": Assessment,
    "prescriptions": Prescription,
    "sessions": WalkSession,
    "checkins": Checkin,
    "red_flag_reports": RedFlagReport,
    "clearances": Clearance,
    "recordings": SessionRecording,
    "exercise_logs": ExerciseLog,
    "exercise_switches": WalkerExercise,
}
"""The walker's records, by the name their file gets. Clinicians' private notes are not
among them (they are the clinician's working notes: see ``services.history``)."""
LEFT_OUT: dict[str, tuple[str, ...]] = {"recordings": ("content",)}
"""Columns not handed over as data: a recording's file (megabytes of motion, compressed) is
described by its analysis, size and checksum instead."""
ACCOUNT_COLUMNS = ("id", "email", "display_name", "role", "created_at")
"""The account's columns a walker receives (never the password hash)."""


def plain(value: Any) -> Any:
    """A stored value as JSON-ready data (times and dates in ISO 8601)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(row: Base, columns: tuple[str, ...] | None = None) -> dict[str, Any]:
    names = columns or tuple(c.name for c in row.__table__.columns)
    return {name: plain(getattr(row, name)) for name in names}


def walker_records(session: Session, walker: Walker) -> dict[str, Any]:
    """The walker's account, profile and every record, oldest first within each kind."""
    account = session.get(Account, walker.account_id)
    records: dict[str, list[dict[str, Any]]] = {}
    for name, model in RECORD_KINDS.items():
        table = model.__table__
        query = select(model).where(table.c.walker_id == walker.id).order_by(table.c.id)
        columns = tuple(c.name for c in table.columns if c.name not in LEFT_OUT.get(name, ()))
        records[name] = [_row(r, columns) for r in session.scalars(query)]
    log_ids = [row["id"] for row in records["exercise_logs"]]
    entries = (
        select(ExerciseLogEntry)
        .where(ExerciseLogEntry.log_id.in_(log_ids))
        .order_by(ExerciseLogEntry.id)
    )
    records["exercise_log_entries"] = [_row(r) for r in session.scalars(entries)] if log_ids else []
    return {
        "account": _row(account, ACCOUNT_COLUMNS) if account is not None else None,
        "walker": _row(walker),
        "records": records,
    }
