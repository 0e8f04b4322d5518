"""What a one-time key was sent with: a digest of the values, kept beside the key.

A second copy under a key already used was answered "already saved" with the first record,
whatever it held: a clinician who pressed Back, changed her note and sent it again (the
browser keeps the form's hidden key) was told it was saved, and her change was lost. Each
keyed record now keeps ``client_key_digest``, the SHA-256 of the values sent with the key
(the input as canonical JSON, without the key), written in the same transaction; a copy
under the same key with other values is refused (``KeyReused``, 409), one with the same
values is answered with the first record as before. ``NULL`` (records stored before this
revision, or without a key) is never compared: such a replay is answered as before, since
what it was sent with is not known.

Revision ID: 0015_client_key_digests
Revises: 0014_more_client_keys
Create Date: 2026-12-04 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_client_key_digests"
down_revision: str | None = "0014_more_client_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYED = (
    "sessions",
    "screenings",
    "assessments",
    "prescriptions",
    "red_flag_reports",
    "clinician_notes",
    "clearances",
    "invitations",
    "reset_links",
    "clinic_policies",
    "exercise_logs",
)
"""Every table with a ``client_key`` column."""


def upgrade() -> None:
    for table in KEYED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("client_key_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    for table in reversed(KEYED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("client_key_digest")
