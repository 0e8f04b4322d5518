"""Strengthening exercises: the clinician's switches per walker, and the walker's ticks.

- ``walker_exercises``: an exercise switched on or off for one walker (no row: on).
- ``exercise_logs``: one tick of the exercises (idempotent on ``client_key``), dated by the
  server's clock in the walker's time zone.
- ``exercise_log_entries``: per exercise, the sets done of those planned and the pain.

Revision ID: 0006_exercises
Revises: 0005_clinic_scale
Create Date: 2026-12-01 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import retrowalk.store.column_types

revision: str = "0006_exercises"
down_revision: str | None = "0005_clinic_scale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> retrowalk.store.column_types.UTCDateTime:
    return retrowalk.store.column_types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "walker_exercises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("walker_id", sa.Integer(), nullable=False),
        sa.Column("exercise_key", sa.String(length=48), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_at", _utc(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["accounts.id"], name=op.f("fk_walker_exercises_changed_by_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["walker_id"], ["walkers.id"], name=op.f("fk_walker_exercises_walker_id_walkers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walker_exercises")),
        sa.UniqueConstraint(
            "walker_id", "exercise_key", name="uq_walker_exercises_walker_exercise"
        ),
    )
    op.create_table(
        "exercise_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("walker_id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("logged_at", _utc(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["accounts.id"], name=op.f("fk_exercise_logs_recorded_by_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["walker_id"], ["walkers.id"], name=op.f("fk_exercise_logs_walker_id_walkers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_logs")),
        sa.UniqueConstraint("walker_id", "client_key", name="uq_exercise_logs_walker_client_key"),
    )
    op.create_index(
        "ix_exercise_logs_walker_date", "exercise_logs", ["walker_id", "local_date"], unique=False
    )
    op.create_table(
        "exercise_log_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("log_id", sa.Integer(), nullable=False),
        sa.Column("exercise_key", sa.String(length=48), nullable=False),
        sa.Column("done_as", sa.String(length=24), nullable=False),
        sa.Column("sets_done", sa.Integer(), nullable=False),
        sa.Column("sets_planned", sa.Integer(), nullable=False),
        sa.Column("pain_nprs", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "done_as IN ('as_planned', 'home_alternative')",
            name=op.f("ck_exercise_log_entries_done_as"),
        ),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["exercise_logs.id"],
            name=op.f("fk_exercise_log_entries_log_id_exercise_logs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_log_entries")),
    )
    op.create_index(
        op.f("ix_exercise_log_entries_log_id"), "exercise_log_entries", ["log_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_exercise_log_entries_log_id"), table_name="exercise_log_entries")
    op.drop_table("exercise_log_entries")
    op.drop_index("ix_exercise_logs_walker_date", table_name="exercise_logs")
    op.drop_table("exercise_logs")
    op.drop_table("walker_exercises")
