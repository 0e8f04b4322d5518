"""Restrictions: a clearance names the restriction kind it lifts; check-in red flags; steps.

- ``clearances.scope`` holds a restriction kind of ``retrowalk.clinical.restrictions``
  (RULES.md §7): the old scope ``start`` (the PAR-Q clearance) becomes
  ``clearance_required``; ``adverse_event`` keeps its name.
- ``checkins.red_flags``: the red flags reported as new at the next-morning check-in (§7.7),
  and ``checkins.usual_pain_nprs``: the usual pain level the report was compared with (§3).
- ``sessions.steps``: steps counted by a recording of the session (its cadence, §7.10).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_SCOPES = (
    "scope IN ('red_flag', 'clearance_required', 'fall_risk', 'walking_aid', "
    "'adverse_event', 'rest_day')"
)
OLD_SCOPES = "scope IN ('start', 'adverse_event')"


def upgrade() -> None:
    with op.batch_alter_table("clearances", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_clearances_scope"), type_="check")
        batch_op.alter_column(
            "scope",
            existing_type=sa.String(length=16),
            type_=sa.String(length=32),
            existing_nullable=False,
        )
    op.execute("UPDATE clearances SET scope = 'clearance_required' WHERE scope = 'start'")
    with op.batch_alter_table("clearances", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_clearances_scope"), NEW_SCOPES)
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("red_flags", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("usual_pain_nprs", sa.Float(), nullable=True))
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("steps", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Clearances of the new kinds have no place in the old schema: refuse rather than lose them.
    kept = op.get_bind().execute(
        sa.text(
            "SELECT COUNT(*) FROM clearances "
            "WHERE scope NOT IN ('clearance_required', 'adverse_event')"
        )
    )
    if kept.scalar_one():
        raise RuntimeError(
            "Cannot go back below revision 0002: some clearances lift restrictions that the "
            "older schema cannot hold (red flag, fall risk, walking aid, rest day)."
        )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("steps")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_column("usual_pain_nprs")
        batch_op.drop_column("red_flags")
    with op.batch_alter_table("clearances", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_clearances_scope"), type_="check")
    op.execute("UPDATE clearances SET scope = 'start' WHERE scope = 'clearance_required'")
    with op.batch_alter_table("clearances", schema=None) as batch_op:
        batch_op.alter_column(
            "scope",
            existing_type=sa.String(length=32),
            type_=sa.String(length=16),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(op.f("ck_clearances_scope"), OLD_SCOPES)
