"""The walker's sessions indexed in the order "the last session" reads them (issue 11).

``repositories.last_session`` orders a walker's sessions by date walked, then time walked.
The index on (walker, date) alone made the database sort every session of the newest day
to find the last one, on every "log a session" and "today"; a day with many sessions (a
clinician entering a paper diary, the benchmark's walkers) made each request slower. The
three-column index answers it by one index step and still serves every query by date.

Revision ID: 0011_session_order
Revises: 0010_red_flag_reports
Create Date: 2026-12-02 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011_session_order"
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


def downgrade() -> None:
    op.create_index("ix_sessions_walker_date", "sessions", ["walker_id", "local_date"])
    op.drop_index("ix_sessions_walker_date_time", table_name="sessions")
