"""A second session on the same day, and the walker's private calendar feed (issue 12).

- ``sessions.another_today``: the session was logged when one of the same local date already
  was (the walker confirmed "another session today?"); false for every earlier session.
- ``calendar_feeds``: one per walker, the nonce its secret feed address is made from.

Revision ID: 0008_session_calendar
Revises: 0007_session_recordings
Create Date: 2026-12-01 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import retrowalk.store.column_types

revision: str = "0008_session_calendar"
down_revision: str | None = "0007_session_recordings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("another_today", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("walker_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", retrowalk.store.column_types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["walker_id"], ["walkers.id"], name=op.f("fk_calendar_feeds_walker_id_walkers")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["accounts.id"], name=op.f("fk_calendar_feeds_created_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("walker_id", name=op.f("uq_calendar_feeds_walker_id")),
    )


def downgrade() -> None:
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("another_today")
