"""``sessions.walked_against``: the restrictions that stopped sessions when one was walked.

A session reporting an adverse event is always stored, even on a rest day or while sessions
are stopped; the outside-in probe found such a session (30 minutes, far above the plan)
stored with nothing saying it went against the rest day. The column keeps which restrictions
stood when the session was walked (``RestrictionKind`` values), so the clinician's list and
page flag it, whatever is cleared later. NULL for every earlier session: nothing is guessed.

Revision ID: 0013_walked_against
Revises: 0012_client_keys
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_walked_against"
down_revision: str | None = "0012_client_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("walked_against", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("walked_against")
