"""Queries and writes of the strengthening exercises: switches per walker, ticks and entries.

Every query filters on ``walker_id`` first (the ``(walker_id, ...)`` unique constraint and
index serve it), like the rest of the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from retrowalk.store.models import ExerciseLog, ExerciseLogEntry, WalkerExercise


def switches(tx: Session, walker_id: int) -> dict[str, WalkerExercise]:
    """The clinician's switches of this walker's exercises, by exercise key."""
    rows = tx.scalars(select(WalkerExercise).where(WalkerExercise.walker_id == walker_id))
    return {row.exercise_key: row for row in rows}


def log_by_client_key(tx: Session, walker_id: int, client_key: str) -> ExerciseLog | None:
    return tx.scalar(
        select(ExerciseLog).where(
            ExerciseLog.walker_id == walker_id, ExerciseLog.client_key == client_key
        )
    )


def entries(tx: Session, log_ids: list[int]) -> dict[int, list[ExerciseLogEntry]]:
    """The entries of these ticks, by tick id, in the order they were written."""
    found: dict[int, list[ExerciseLogEntry]] = {i: [] for i in log_ids}
    if not log_ids:
        return found
    rows = tx.scalars(
        select(ExerciseLogEntry)
        .where(ExerciseLogEntry.log_id.in_(log_ids))
        .order_by(ExerciseLogEntry.id)
    )
    for row in rows:
        found[row.log_id].append(row)
    return found


def logs_between(tx: Session, walker_id: int, since: date, until: date) -> list[ExerciseLog]:
    """The walker's ticks dated ``since`` to ``until`` (her own dates), oldest first."""
    return list(
        tx.scalars(
            select(ExerciseLog)
            .where(
                ExerciseLog.walker_id == walker_id,
                ExerciseLog.local_date >= since,
                ExerciseLog.local_date <= until,
            )
            .order_by(ExerciseLog.local_date, ExerciseLog.id)
        )
    )


def painful_exercises_in_window(
    tx: Session, walker_ids: Sequence[int], since: date, until: date, above_nprs: int
) -> list[Row[Any]]:
    """These walkers' exercises ticked between two local dates (inclusive) with a pain above
    ``above_nprs``: walker id, local date, exercise key and pain, oldest first."""
    query = (
        select(
            ExerciseLog.walker_id,
            ExerciseLog.local_date,
            ExerciseLogEntry.exercise_key,
            ExerciseLogEntry.pain_nprs,
        )
        .join(ExerciseLogEntry, ExerciseLogEntry.log_id == ExerciseLog.id)
        .where(
            ExerciseLog.walker_id.in_(list(walker_ids)),
            ExerciseLog.local_date >= since,
            ExerciseLog.local_date <= until,
            ExerciseLogEntry.pain_nprs > above_nprs,
        )
        .order_by(ExerciseLog.local_date, ExerciseLog.id, ExerciseLogEntry.id)
    )
    return list(tx.execute(query))
