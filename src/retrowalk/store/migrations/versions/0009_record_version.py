"""A version number on each walker's record, moved by every audited change (issue 11).

``walkers.record_version`` is raised in the transaction of every change to the walker's
record (:func:`retrowalk.store.repositories.audit`). The row lock it takes orders concurrent
writers to one walker, so a reader that sees version *n* has seen every change up to *n*:
the clinician's list keeps each walker's flags while the version stands.

``database_instance`` holds one random id naming this copy of the database; a restore gives
it a new one, so nothing kept under the old copy's version numbers is taken for the new.

Revision ID: 0009_record_version
Revises: 0008_session_calendar
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import uuid
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
    instance = op.create_table(
        "database_instance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_database_instance")),
    )
    op.bulk_insert(instance, [{"id": 1, "instance_id": uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table("database_instance")
    with op.batch_alter_table("walkers", schema=None) as batch_op:
        batch_op.drop_column("record_version")
