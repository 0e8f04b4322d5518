"""Indexes for clinic scale: no request reads a walker's whole history (issue 11).

- ``sessions``: by walker and time logged (the flags' window); by walker and supervised
  (the capped count of supervised sessions); partial indexes of the sessions that reported
  an adverse event and of those with counted steps (the cadence), so "today" and logging
  never scan a long history of uneventful sessions.
- ``checkins``: by walker and morning pain (the rest-day candidates), and a partial index of
  the check-ins that reported a red flag: the facts a restriction can come from.
- ``audit_log``: by walker and entry id (the newest entry of a walker, in O(log n)).

Revision ID: 0005_clinic_scale
Revises: 0004
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005_clinic_scale"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SESSION_ADVERSE = "CAST(adverse_events AS TEXT) <> '[]'"
CHECKIN_RED_FLAGS = "red_flags IS NOT NULL AND CAST(red_flags AS TEXT) NOT IN ('[]', 'null')"
"""Copied from ``retrowalk.store.models`` (a migration never imports the models of today)."""


def _where(condition: str) -> dict[str, Any]:
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def upgrade() -> None:
    op.create_index("ix_sessions_walker_logged", "sessions", ["walker_id", "logged_at"])
    op.create_index("ix_sessions_walker_supervised", "sessions", ["walker_id", "supervised"])
    op.create_index(
        "ix_sessions_walker_adverse", "sessions", ["walker_id", "id"], **_where(SESSION_ADVERSE)
    )
    op.create_index(
        "ix_sessions_walker_steps",
        "sessions",
        ["walker_id", "local_date", "performed_at"],
        **_where("steps IS NOT NULL"),
    )
    op.create_index("ix_checkins_walker_pain", "checkins", ["walker_id", "pain_nprs"])
    op.create_index(
        "ix_checkins_walker_red_flags", "checkins", ["walker_id"], **_where(CHECKIN_RED_FLAGS)
    )
    op.create_index("ix_audit_log_walker_entry", "audit_log", ["walker_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_walker_entry", table_name="audit_log")
    op.drop_index("ix_checkins_walker_red_flags", table_name="checkins")
    op.drop_index("ix_checkins_walker_pain", table_name="checkins")
    op.drop_index("ix_sessions_walker_steps", table_name="sessions")
    op.drop_index("ix_sessions_walker_adverse", table_name="sessions")
    op.drop_index("ix_sessions_walker_supervised", table_name="sessions")
    op.drop_index("ix_sessions_walker_logged", table_name="sessions")
