"""Sign-in state in the database; password reset links; invitations with a role.

- ``sign_ins``: the server side of each sign-in cookie (hash of the cookie only), with its
  CSRF token and one-shot messages, shared by every worker and kept across restarts.
- ``sign_in_failures``: wrong passwords per account + address (or trusted device), the
  growing delay's state.
- ``signing_keys``: the server's HMAC secret for visitors' CSRF tokens and cookies.
- ``reset_links``: one-time links to set a password (hash only; expire; single use).
- ``invitations.role`` (``walker`` or ``clinician``: an administrator invites clinicians)
  and ``invitations.withdrawn_at``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import retrowalk.store.column_types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = retrowalk.store.column_types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", UTC_DATETIME, nullable=False),
        sa.Column("wait_until", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_sign_in_failures")),
    )
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_failures_last_failure_at"), ["last_failure_at"], unique=False
        )
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("purpose", name=op.f("uq_signing_keys_purpose")),
    )
    op.create_table(
        "reset_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("used_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_reset_links_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["accounts.id"], name=op.f("fk_reset_links_created_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reset_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_reset_links_token_hash")),
    )
    with op.batch_alter_table("reset_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reset_links_account_id"), ["account_id"], unique=False)
    op.create_table(
        "sign_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("walker_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("last_seen_at", UTC_DATETIME, nullable=False),
        sa.Column("flash_json", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_sign_ins_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["walker_id"], ["walkers.id"], name=op.f("fk_sign_ins_walker_id_walkers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_ins")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_ins_token_hash")),
    )
    with op.batch_alter_table("sign_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_ins_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sign_ins_last_seen_at"), ["last_seen_at"], unique=False
        )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), server_default="walker", nullable=False)
        )
        batch_op.add_column(sa.Column("withdrawn_at", UTC_DATETIME, nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_invitations_role"), "role IN ('walker', 'clinician')"
        )


def downgrade() -> None:
    # The older schema knows neither withdrawn nor clinician invitations: both are marked
    # used, so that no withdrawn link works again and no clinician's link makes a walker.
    op.execute(
        "UPDATE invitations SET used_at = COALESCE(withdrawn_at, created_at) "
        "WHERE used_at IS NULL AND (withdrawn_at IS NOT NULL OR role <> 'walker')"
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_invitations_role"), type_="check")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("role")
    with op.batch_alter_table("sign_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_ins_last_seen_at"))
        batch_op.drop_index(batch_op.f("ix_sign_ins_account_id"))
    op.drop_table("sign_ins")
    with op.batch_alter_table("reset_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reset_links_account_id"))
    op.drop_table("reset_links")
    op.drop_table("signing_keys")
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_failures_last_failure_at"))
    op.drop_table("sign_in_failures")
