"""One-time keys on clearances, plan versions, policy versions and password links.

The clinician's clearance and plan-adjustment forms, the clinic policy form and the
password-link buttons stored nothing new when sent twice (a double click, the browser's "send
the form again"), but answered the second copy with an error ("no active restriction to
clear", "nothing to change"), and a second password link silently replaced the one just
given out. Each of these forms now carries a random key made when the page is shown, kept on
the record it makes, unique per walker (a clearance, a plan version) or per sender (a policy
version, a password link), written in the same transaction as the record, so two copies
racing on two workers store one. ``NULL`` (a record made without a key: the terminal, older
records, a plan version made by a rule) is never equal to another, as in 0012.

Revision ID: 0014_more_client_keys
Revises: 0013_walked_against
Create Date: 2026-12-03 14:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_more_client_keys"
down_revision: str | None = "0013_walked_against"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYED = (
    ("clearances", "walker_id", "uq_clearances_walker_client_key"),
    ("prescriptions", "walker_id", "uq_prescriptions_walker_client_key"),
    ("clinic_policies", "set_by", "uq_clinic_policies_set_by_client_key"),
    ("reset_links", "created_by", "uq_reset_links_created_by_client_key"),
)
"""Each table, the column its key is unique within, and the constraint's name."""


def upgrade() -> None:
    for table, owner, constraint in KEYED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
            batch_op.create_unique_constraint(constraint, [owner, "client_key"])


def downgrade() -> None:
    for table, _, constraint in reversed(KEYED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(constraint, type_="unique")
            batch_op.drop_column("client_key")
