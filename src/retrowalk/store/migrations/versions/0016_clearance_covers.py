"""A clearance keeps how far the clinician had read the walker's record.

A clearance lifted every record of its kind recorded before it — also one that came in while
the clinician's page was open (a new warning sign between reading the page and pressing
Clear), which she never saw (found by the outside-in test). ``covers_seq`` keeps the
recording order (the audit entry id) of the newest record behind the restriction she read:
a record recorded after it is not lifted by this clearance, whatever order the commits took.
``NULL`` (every clearance stored before this revision): everything recorded before it, as
before.

Revision ID: 0016_clearance_covers
Revises: 0015_client_key_digests
Create Date: 2026-12-04 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_clearance_covers"
down_revision: str | None = "0015_client_key_digests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clearances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("covers_seq", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clearances", schema=None) as batch_op:
        batch_op.drop_column("covers_seq")
