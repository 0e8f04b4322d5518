"""Time: aware UTC instants in storage, the walker's own calendar date for "today".

Times a person types (a clinician's ``--at``, an import, a session's start) must lie in the
years ``YEAR_MIN``–``YEAR_MAX``: a date far outside is a typing error, and one near the
calendar's ends (9999-12-31) would overflow the arithmetic of every list that shows it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Final
from zoneinfo import ZoneInfo

from retrowalk.services.errors import InvalidRequest

YEAR_MIN: Final[int] = 2000
YEAR_MAX: Final[int] = 2100
"""Input limits, not clinical numbers: the years an explicit time or date may fall in."""
YEARS_ALLOWED: Final[str] = f"a date in the years {YEAR_MIN} to {YEAR_MAX}"


def in_years(value: date) -> bool:
    """Whether ``value`` (a date, or an aware datetime in UTC) lies in the allowed years."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            value = value.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:00-12:00 is past the last instant
            return False
    return YEAR_MIN <= value.year <= YEAR_MAX


def utc_now(now: datetime | None = None) -> datetime:
    """``now`` (must be aware, in the allowed years) in UTC, or the current time."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidRequest(
            f"now: {now.isoformat()} has no time zone; give an aware time such as "
            "2026-03-01T09:30:00+00:00.",
            field="now",
        )
    if not in_years(now):
        raise InvalidRequest(
            f"now: {now.isoformat()} is not allowed; expected {YEARS_ALLOWED}.", field="now"
        )
    return now.astimezone(UTC)


def local_date(instant: datetime, timezone: str) -> date:
    """The calendar date at ``instant`` in the walker's IANA ``timezone``."""
    return instant.astimezone(ZoneInfo(timezone)).date()


def local_time(instant: datetime, timezone: str) -> time:
    """The clock time at ``instant`` in the walker's IANA ``timezone``."""
    return instant.astimezone(ZoneInfo(timezone)).time()
