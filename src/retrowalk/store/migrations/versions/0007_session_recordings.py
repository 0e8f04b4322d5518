"""Recordings attached to sessions: the file, its analysis, its phase labels and consent.

- ``session_recordings``: one row per recording (a file uploaded to a session, or the motion
  the guided session page recorded), the file gzip-compressed, the analysis found at upload,
  the guided session's phases as labels and the consent it was recorded under.

Revision ID: 0007_session_recordings
Revises: 0006_exercises
Create Date: 2026-12-01 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import retrowalk.store.column_types

revision: str = "0007_session_recordings"
down_revision: str | None = "0006_exercises"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "session_recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("walker_id", sa.Integer(), nullable=False),
        sa.Column(
            "uploaded_at", retrowalk.store.column_types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("source_format", sa.String(length=32), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("steps", sa.Integer(), nullable=True),
        sa.Column("cadence_spm", sa.Float(), nullable=True),
        sa.Column("walking_s", sa.Float(), nullable=False),
        sa.Column("analysis_json", sa.JSON(), nullable=False),
        sa.Column("analysis_version", sa.String(length=32), nullable=False),
        sa.Column("labels_json", sa.JSON(), nullable=True),
        sa.Column("consent_json", sa.JSON(), nullable=True),
        sa.Column("research_use", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "origin IN ('upload', 'guided')", name=op.f("ck_session_recordings_origin")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_session_recordings_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["accounts.id"],
            name=op.f("fk_session_recordings_uploaded_by_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["walker_id"], ["walkers.id"], name=op.f("fk_session_recordings_walker_id_walkers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_recordings")),
        sa.UniqueConstraint("session_id", "sha256", name="uq_session_recordings_session_sha256"),
    )
    with op.batch_alter_table("session_recordings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_recordings_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_session_recordings_walker_id"), ["walker_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("session_recordings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_recordings_walker_id"))
        batch_op.drop_index(batch_op.f("ix_session_recordings_session_id"))
    op.drop_table("session_recordings")
