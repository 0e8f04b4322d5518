"""Days as a walker reads them: "today", "tomorrow", else "Wednesday 3 December"."""

from __future__ import annotations

from datetime import date, timedelta

from retrowalk.clinical.reasons import spoken_date


def day_words(day: date, today: date) -> str:
    """``day`` seen from ``today`` (the walker's own dates), in plain words."""
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return f"tomorrow ({day.strftime('%A')})"
    return spoken_date(day)
