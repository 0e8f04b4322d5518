"""One date format everywhere (found by the outside-in test of the words: "02 December" on
some pages, "2 December" on others): present/days.py words every date a person reads."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from retrowalk.clinical.reasons import spoken_date
from retrowalk.present.days import (
    checkin_opens_words,
    date_words,
    moment_words,
    next_session_words,
    opening_words,
)
from retrowalk.services.pending_checkins import hour_words

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "retrowalk" / "web" / "templates"
TUESDAY = date(2026, 12, 1)


def test_a_date_reads_without_a_leading_zero() -> None:
    assert date_words(date(2026, 12, 2)) == "Wednesday 2 December"
    assert date_words(date(2026, 12, 2), year=True) == "Wednesday 2 December 2026"
    assert date_words(date(2026, 12, 2), weekday=False) == "2 December"


def test_no_page_formats_a_day_of_its_own() -> None:
    """Every page's dates in words go through the ``day`` filter: none writes ``%d %B`` itself
    (the clinician's tables keep ISO dates, 2026-12-02, which sort)."""
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in re.finditer(r"strftime\([\"'][^\"']*%[bBA][^\"']*[\"']\)", path.read_text())
    ]
    assert found == []


def test_the_next_session_after_its_usual_time_is_when_she_is_ready() -> None:
    ten = time(10, 0)
    assert next_session_words(TUESDAY, TUESDAY, ten, False) == "today, about 10:00"
    assert next_session_words(TUESDAY, TUESDAY, ten, True) == "today, when you are ready"
    later = date(2026, 12, 2)
    assert next_session_words(later, TUESDAY, ten, True) == "tomorrow (Wednesday), about 10:00"


def test_a_late_logs_check_in_says_why_it_opens_that_day_and_from_what_hour() -> None:
    six = datetime(2026, 12, 2, 6, 0, tzinfo=ZoneInfo("Australia/Brisbane"))
    words = checkin_opens_words(date(2026, 11, 29), six, TUESDAY, late=True)
    assert "You logged your session of Sunday 29 November on a later day" in words
    assert "tomorrow (Wednesday), from 6 in the morning" in words
    same_day = checkin_opens_words(TUESDAY, six, TUESDAY, late=False)
    assert "for your session of today, it opens tomorrow (Wednesday), from 6 in the morning" in (
        same_day
    )


def test_the_hour_a_check_in_opens_reads_as_a_walker_says_it() -> None:
    assert hour_words(time(6, 0)) == "6 in the morning"
    assert hour_words(time(7, 50)) == "7:50 in the morning"
    assert hour_words(time(12, 0)) == "12 noon"
    assert hour_words(time(14, 5)) == "2:05 in the afternoon"
    assert hour_words(time(19, 0)) == "7 in the evening"
    assert hour_words(time(0, 30)) == "12:30 at night"
    brisbane = datetime(2026, 12, 3, 6, 0, tzinfo=ZoneInfo("Australia/Brisbane"))
    assert opening_words(brisbane, date(2026, 12, 3)) == "today, from 6 in the morning"


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from(["UTC", "Pacific/Honolulu", "Pacific/Kiritimati", "Europe/London"]),
)
def test_a_moment_is_said_on_the_walkers_own_clock(at: datetime, zone: str) -> None:
    local = at.astimezone(ZoneInfo(zone))
    assert moment_words(at, zone) == f"{spoken_date(local.date())}, {local.strftime('%H:%M')}"


def test_a_zone_the_system_does_not_know_says_utc() -> None:
    at = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    assert moment_words(at, "Mars/Olympus") == "Thursday 3 December, 09:30 UTC"
    assert moment_words(at.replace(tzinfo=None), "UTC") == "Thursday 3 December, 09:30"
