"""The clinic's policy in the database, and the policy version of every decision.

- ``clinic_policies``: versions of the clinic's ``PolicyConfig`` (newest in force), each with
  who set it, when, why and under which rule version.
- ``prescriptions.policy_version``: the policy version a plan decision was made under.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import retrowalk.store.column_types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clinic_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", retrowalk.store.column_types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("set_by", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rule_version", sa.String(length=32), nullable=False),
        sa.Column("policy_json", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_by"], ["accounts.id"], name=op.f("fk_clinic_policies_set_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_policies")),
        sa.UniqueConstraint("version", name=op.f("uq_clinic_policies_version")),
    )
    with op.batch_alter_table("prescriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("policy_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("prescriptions", schema=None) as batch_op:
        batch_op.drop_column("policy_version")
    op.drop_table("clinic_policies")
