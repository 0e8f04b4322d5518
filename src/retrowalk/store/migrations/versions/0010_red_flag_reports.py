"""Red flags reported at any time, outside a morning check-in (RULES.md §7.7).

``red_flag_reports`` keeps each answer to the check-in's red-flag questions given on their
own: a walker reports a hot swollen knee the evening it appears, without waiting for the next
morning. An empty list answers "none of these". The partial index serves the gates, which
read only the reports that named a flag.

Revision ID: 0010_red_flag_reports
Revises: 0009_record_version
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from retrowalk.store.column_types import UTCDateTime

revision: str = "0010_red_flag_reports"
down_revision: str | None = "0009_record_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORTED_RED_FLAGS = "CAST(red_flags AS TEXT) <> '[]'"
"""Copied from ``retrowalk.store.models`` (a migration never imports the models of today)."""


def upgrade() -> None:
    op.create_table(
        "red_flag_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("walker_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("red_flags", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["accounts.id"],
            name=op.f("fk_red_flag_reports_recorded_by_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["walker_id"], ["walkers.id"], name=op.f("fk_red_flag_reports_walker_id_walkers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_red_flag_reports")),
    )
    op.create_index(
        "ix_red_flag_reports_walker_created", "red_flag_reports", ["walker_id", "created_at"]
    )
    op.create_index(
        "ix_red_flag_reports_walker_flagged",
        "red_flag_reports",
        ["walker_id"],
        sqlite_where=sa.text(REPORTED_RED_FLAGS),
        postgresql_where=sa.text(REPORTED_RED_FLAGS),
    )


def downgrade() -> None:
    op.drop_index("ix_red_flag_reports_walker_flagged", table_name="red_flag_reports")
    op.drop_index("ix_red_flag_reports_walker_created", table_name="red_flag_reports")
    op.drop_table("red_flag_reports")
