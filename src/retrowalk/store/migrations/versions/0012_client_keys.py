"""One-time keys on the records a page form creates, so a form sent twice stores one record.

A double tap, a browser's "send the form again" after a refresh or a retry on a flaky phone
network sent the same form again, and each copy was stored (found by the outside-in probe:
one clinician's note sent 10 times was 10 notes). Every page form that creates a record now
carries a random key made when the page is shown; the record keeps it, unique per walker
(per sender for an invitation), written in the same transaction as the record, so two copies
racing on two workers store one. ``NULL`` (a record made without a key: the terminal, older
records) is never equal to another, as ``sessions.client_key`` is for the JSON API.

Revision ID: 0012_client_keys
Revises: 0011_history_indexes
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_client_keys"
down_revision: str | None = "0011_history_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYED = (
    ("clinician_notes", "walker_id", "uq_clinician_notes_walker_client_key"),
    ("assessments", "walker_id", "uq_assessments_walker_client_key"),
    ("red_flag_reports", "walker_id", "uq_red_flag_reports_walker_client_key"),
    ("screenings", "walker_id", "uq_screenings_walker_client_key"),
    ("invitations", "clinician_id", "uq_invitations_clinician_client_key"),
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
