"""A version number on each walker's record, moved by every audited change (issue 11).

``walkers.record_version`` is raised in the transaction of every change to the walker's
record (:func:`retrowalk.store.repositories.audit`). The row lock it takes orders concurrent
writers to one walker, so a reader that sees version *n* has seen every change up to *n*:
the clinician's list keeps each walker's computed restrictions while the version stands.

Revision ID: 0009_record_version
Revises: 0008_session_calendar
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_record_version"
down_revision: str | None = "0008_session_calendar"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("walkers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("record_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("walkers", schema=None) as batch_op:
        batch_op.drop_column("record_version")
