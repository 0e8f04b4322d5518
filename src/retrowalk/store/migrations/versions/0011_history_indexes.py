"""Two indexes so that no request reads a walker's whole history (issue 11).

- Sessions by (walker, date walked, time walked): ``repositories.last_session`` orders a
  walker's sessions that way. With the (walker, date) index alone the database sorted every
  session of the newest day to find the last one, on every "log a session" and "today"; a
  day with many sessions (a clinician entering a paper diary, the benchmark's walkers) made
  each request slower. The three-column index answers it by one index step and still serves
  every query by date, so it replaces the (walker, date) one.
- Check-ins by (walker, time recorded): whether the red-flag questions of a check-in
  decided without its report are still unasked (``repositories.red_flags_unasked_since``)
  reads the newest check-in with a report and the missing ones after it, by index steps,
  instead of every check-in the walker ever gave. The partial index of check-ins with a red
  flag gets the same two columns: SQLite, which has no statistics to go by, then still
  prefers it for the red-flag check-ins (with one column it took the new index and read
  every check-in).

Revision ID: 0011_history_indexes
Revises: 0010_red_flag_reports
Create Date: 2026-12-02 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

CHECKIN_RED_FLAGS = "red_flags IS NOT NULL AND CAST(red_flags AS TEXT) NOT IN ('[]', 'null')"
"""The partial index's condition, as ``retrowalk.store.models`` had it when written."""

revision: str = "0011_history_indexes"
down_revision: str | None = "0010_red_flag_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_sessions_walker_date_time",
        "sessions",
        ["walker_id", "local_date", "performed_at"],
        unique=False,
    )
    op.drop_index("ix_sessions_walker_date", table_name="sessions")
    op.create_index("ix_checkins_walker_time", "checkins", ["walker_id", "created_at"])
    _red_flag_index(["walker_id", "created_at"])


def _red_flag_index(columns: list[str]) -> None:
    op.drop_index("ix_checkins_walker_red_flags", table_name="checkins")
    op.create_index(
        "ix_checkins_walker_red_flags",
        "checkins",
        columns,
        sqlite_where=sa.text(CHECKIN_RED_FLAGS),
        postgresql_where=sa.text(CHECKIN_RED_FLAGS),
    )


def downgrade() -> None:
    _red_flag_index(["walker_id"])
    op.drop_index("ix_checkins_walker_time", table_name="checkins")
    op.create_index("ix_sessions_walker_date", "sessions", ["walker_id", "local_date"])
    op.drop_index("ix_sessions_walker_date_time", table_name="sessions")
