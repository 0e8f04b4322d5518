"""Time: aware UTC instants in storage, the walker's own calendar date for "today"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from retrowalk.services.errors import InvalidRequest


def utc_now(now: datetime | None = None) -> datetime:
    """``now`` (must be aware) in UTC, or the current time."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidRequest(
            f"now: {now.isoformat()} has no time zone; give an aware time such as "
            "2026-03-01T09:30:00+00:00.",
            field="now",
        )
    return now.astimezone(UTC)


def local_date(instant: datetime, timezone: str) -> date:
    """The calendar date at ``instant`` in the walker's IANA ``timezone``."""
    return instant.astimezone(ZoneInfo(timezone)).date()
