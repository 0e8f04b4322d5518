"""Days as a walker reads them: "today", "tomorrow", else "Wednesday 3 December" — the one
date format of every page, message and print (never "03 December" or 2026-12-03)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from retrowalk.clinical.reasons import spoken_date
from retrowalk.services.pending_checkins import hour_words


def day_words(day: date, today: date) -> str:
    """``day`` seen from ``today`` (the walker's own dates), in plain words."""
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return f"tomorrow ({day.strftime('%A')})"
    return spoken_date(day)


def date_words(day: date, *, weekday: bool = True, year: bool = False) -> str:
    """A date in a sentence: ``Tuesday 2 December``; without the weekday ``2 December``, with
    the year ``Tuesday 2 December 2026`` (never ``02 December``: found by the outside-in test)."""
    words = spoken_date(day) if weekday else f"{day.day} {day.strftime('%B')}"
    return f"{words} {day.year}" if year else words


def next_session_words(day: date, today: date, usual: time, usual_time_passed: bool) -> str:
    """When the next session is: ``today, about 10:00``, ``tomorrow (Thursday), about 10:00``;
    once today's usual time has passed, ``today, when you are ready`` (the session is still
    offered today; found by the outside-in test: "today, about 10:00" at 7 pm)."""
    if day == today and usual_time_passed:
        return "today, when you are ready"
    return f"{day_words(day, today)}, about {usual.strftime('%H:%M')}"


def opening_words(opens: datetime, today: date) -> str:
    """When a morning check-in opens, on the walker's clock (``opens`` carries her offset):
    ``today, from 6 in the morning``, ``tomorrow (Wednesday), from 6 in the morning``."""
    return f"{day_words(opens.date(), today)}, from {hour_words(opens.time())}"


def checkin_opens_words(walked_on: date, opens: datetime, today: date, *, late: bool) -> str:
    """Why a session's morning check-in is not open yet, with when it opens (found by the
    outside-in test: a late log's refusal gave a date and no reason; a report was taken
    minutes after midnight). ``late``: the walker logged the session on a later day."""
    when = opening_words(opens, today)
    if late:
        return (
            "A check-in is about how your knee feels the morning after a session. You logged "
            f"your session of {spoken_date(walked_on)} on a later day, so its check-in opens "
            f"the morning after you logged it: {when}."
        )
    return (
        "A check-in is about how your knee feels the morning after a session, after a night's "
        f"rest: for your session of {day_words(walked_on, today)}, it opens {when}."
    )


def moment_words(at: datetime, zone: str) -> str:
    """A stored moment on the walker's own clock: ``Wednesday 2 December, 23:30``.

    A clinician's page shows a walker's events in the walker's time zone, so the moment a
    restriction began and the day of the check-in that caused it are never two different
    dates (found by the outside-in test: "Since 2026-12-03 09:30 UTC" beside a check-in of
    Wednesday 2 December). A zone the system does not know shows the time in UTC, saying so."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    try:
        local = aware.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        utc = aware.astimezone(UTC)
        return f"{spoken_date(utc.date())}, {utc.strftime('%H:%M')} UTC"
    return f"{spoken_date(local.date())}, {local.strftime('%H:%M')}"
