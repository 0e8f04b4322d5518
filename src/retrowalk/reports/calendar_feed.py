"""The walker's reminders as an iCalendar feed (RFC 5545), with the ``icalendar`` library.

A phone calendar subscribes to the feed's address and re-reads it every few hours, so each
event has a stable UID (the day and the kind): a changed plan updates the same events instead
of adding copies. Times are the walker's own local times with their time zone (VTIMEZONE
included), each event with a reminder at its start. The words are short and private enough
for a lock screen: no pain scores, no diagnosis, no name.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from retrowalk.services.schemas.reminders import CalendarFeedOut

PRODUCT = "-//retrowalk//reminders//EN"
CHECKIN_MINUTES = 10
REFRESH = timedelta(hours=6)
SESSION_TITLE = "Backward walking session"
CHECKIN_TITLE = "Morning check-in: how is your knee?"


def _alarm(words: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", words)
    alarm.add("trigger", timedelta(0))
    return alarm


def _event(
    uid: str, title: str, start: datetime, minutes: float, words: str, url: str, at: datetime
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", at)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("summary", title)
    event.add("description", words)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    event.add_component(_alarm(title))
    return event


def _uid(kind: str, day: date, walker_id: int) -> str:
    return f"{kind}-{day.isoformat()}-{walker_id}@retrowalk"


def _forward_walking(before_min: float, after_min: float) -> str:
    """The warm-up and the cool-down, each as the plan has it: ", with 5 minutes of easy
    forward walking before and 5 after" (found by the outside-in test: the two added up and
    followed by "before and after" read as that many each way)."""
    if before_min and after_min:
        return (
            f", with {before_min:g} minutes of easy forward walking before and {after_min:g} after"
        )
    if before_min:
        return f", with {before_min:g} minutes of easy forward walking before"
    if after_min:
        return f", with {after_min:g} minutes of easy forward walking after"
    return ""


def calendar_ics(feed: CalendarFeedOut, *, app_url: str, generated_at: datetime) -> bytes:
    """The feed as bytes (``text/calendar``); ``app_url`` is the app's address for links."""
    zone = ZoneInfo(feed.timezone)
    upcoming = feed.upcoming
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "retrowalk reminders")
    cal.add("x-wr-timezone", feed.timezone)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    minutes = (upcoming.duration_min or 0) + upcoming.warm_and_cool_min
    session_words = (
        f"{upcoming.duration_min or 0:g} minutes of backward walking"
        f"{_forward_walking(upcoming.warm_up_min, upcoming.cool_down_min)}. "
        f"Open retrowalk for the guided session: {app_url}/today"
    )
    for day in upcoming.planned_sessions:
        start = datetime.combine(day, upcoming.session_time, tzinfo=zone)
        cal.add_component(
            _event(
                _uid("session", day, feed.walker_id),
                SESSION_TITLE,
                start,
                max(minutes, 10),
                session_words,
                f"{app_url}/today",
                generated_at,
            )
        )
    checkin_words = (
        "How does your knee feel this morning? Your answer decides your next session: "
        f"{app_url}/checkin"
    )
    for day in upcoming.checkins:
        start = datetime.combine(day, upcoming.checkin_time, tzinfo=zone)
        cal.add_component(
            _event(
                _uid("checkin", day, feed.walker_id),
                CHECKIN_TITLE,
                start,
                CHECKIN_MINUTES,
                checkin_words,
                f"{app_url}/checkin",
                generated_at,
            )
        )
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
