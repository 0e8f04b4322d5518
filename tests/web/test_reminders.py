"""Reminders over HTTP: the walker's private calendar feed, today's "coming up", the plan page.

The feed is read back with the ``icalendar`` library, as a phone calendar would: the planned
sessions on the plan's weekdays at the walker's local time, the check-in the next morning,
each with a reminder and a stable UID; nothing planned while something stops sessions.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar

from retrowalk.present.days import date_words
from retrowalk.services import (
    assessments,
    audit_view,
    exercises,
    plans,
    reminders,
    screening,
    sessions,
)
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    SESSION_BODY,
    Person,
    World,
    form_csrf,
    invite_walker,
    sign_in,
)
from tests.web.own_world import world

__all__ = ["world"]  # this module's own app (tests/web/own_world.py)

_serial = count(1)
ZONE = "Europe/London"


def walker(world: World, *, zone: str = ZONE) -> Person:
    n = next(_serial)
    person = invite_walker(
        world.ctx,
        world.clinician_a,
        f"remind{n}@example.org",
        f"Remind Walker {n}",
        "remind-pass-1",
        timezone=zone,
    )
    assert person.walker is not None
    screening.screen_walker(world.ctx, person.actor, person.walker.id, CLEARED_SCREENING)
    assessments.record_assessment(world.ctx, person.actor, person.walker.id, BASELINE)
    plans.make_plan(world.ctx, person.actor, person.walker.id)
    return person


def feed_of(world: World, person: Person) -> tuple[Calendar, str]:
    assert person.walker is not None
    link = reminders.calendar_link(world.ctx, person.actor, person.walker.id)
    if link is None:
        link = reminders.renew_calendar_link(world.ctx, person.actor, person.walker.id)
    with world.client() as anonymous:
        answer = anonymous.get(f"/calendar/{link.token}.ics")
    assert answer.status_code == 200, answer.text
    return Calendar.from_ical(answer.content), answer.text


def events(cal: Calendar, title: str) -> list[Any]:
    return [e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == title]


def local_today() -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(ZONE)).date()


def test_the_feed_has_the_planned_sessions_and_the_next_morning_check_ins(world: World) -> None:
    person = walker(world)
    cal, text = feed_of(world, person)
    assert str(cal["VERSION"]) == "2.0"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == [ZONE]
    planned = events(cal, "Backward walking session")
    mornings = events(cal, "Morning check-in: how is your knee?")
    today = local_today()
    plan = plans.current_prescription(world.ctx, person.actor, person.walker.id)  # type: ignore[union-attr]
    assert plan is not None
    weekdays = set(reminders.SESSION_WEEKDAYS[plan.sessions_per_week])
    days = [e["DTSTART"].dt.date() for e in planned]
    assert days == sorted(days)
    assert {d.weekday() for d in days} == weekdays
    assert days[0] - today < timedelta(days=7)
    assert days[-1] - today < timedelta(days=reminders.FEED_DAYS)
    assert len(days) in range(plan.sessions_per_week * 4 - 1, plan.sessions_per_week * 4 + 1)
    for event in planned:
        start = event["DTSTART"].dt
        assert start.tzinfo is not None
        assert str(start.tzinfo) == ZONE
        assert (start.hour, start.minute) == (10, 0)
        assert event["DTEND"].dt - start == timedelta(
            minutes=plan.duration_min
            + float(plan.details.get("warm_up_min") or 0)
            + float(plan.details.get("cool_down_min") or 0)
        )
        assert event.walk("VALARM"), "each event reminds"
        assert str(event["UID"]).startswith("session-")
    assert {e["DTSTART"].dt.date() for e in mornings} == {d + timedelta(days=1) for d in days}
    assert all(e["DTSTART"].dt.hour == 8 for e in mornings)
    assert len({str(e["UID"]) for e in cal.walk("VEVENT")}) == len(cal.walk("VEVENT"))
    assert person.name not in text, "no name in a feed a lock screen may show"
    assert "/today" in str(planned[0]["DESCRIPTION"])
    warm = float(plan.details.get("warm_up_min") or 0)
    cool = float(plan.details.get("cool_down_min") or 0)
    assert warm
    assert cool
    assert (
        f"{plan.duration_min:g} minutes of backward walking, with {warm:g} minutes of easy "
        f"forward walking before and {cool:g} after." in str(planned[0]["DESCRIPTION"])
    ), "each as the plan has it, never the two added up as if before and after each"

    again, _ = feed_of(world, person)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [
        str(e["UID"]) for e in cal.walk("VEVENT")
    ], "a re-read updates the same events"


def test_after_todays_session_the_feed_and_today_say_check_in_tomorrow(world: World) -> None:
    person = walker(world)
    assert person.walker is not None
    sessions.log_session(
        world.ctx, person.actor, person.walker.id, {**SESSION_BODY, "client_key": "today-1"}
    )
    cal, _ = feed_of(world, person)
    today = local_today()
    planned_days = {e["DTSTART"].dt.date() for e in events(cal, "Backward walking session")}
    assert today not in planned_days, "today's session is done"
    mornings = {e["DTSTART"].dt.date() for e in events(cal, "Morning check-in: how is your knee?")}
    assert today + timedelta(days=1) in mornings
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/today").text
    assert "data-coming-up" in page
    assert "Check-in tomorrow morning" in page
    next_day = min(planned_days)
    assert "Next session:" in page
    assert next_day.strftime("%A") in page
    assert 'href="/reminders"' in page
    assert 'href="/plan/print"' in page


def test_nothing_is_planned_while_sessions_are_stopped(world: World) -> None:
    person = walker(world)
    assert person.walker is not None
    sessions.log_session(
        world.ctx,
        person.actor,
        person.walker.id,
        {**SESSION_BODY, "client_key": "fell", "adverse_events": ["fall"]},
    )
    cal, _ = feed_of(world, person)
    assert events(cal, "Backward walking session") == []
    upcoming = reminders.upcoming(world.ctx, person.actor, person.walker.id)
    assert upcoming.sessions_stopped
    assert upcoming.next_session is None
    with world.client() as client:
        sign_in(client, person)
        assert "Next session:" not in client.get("/today").text


def test_the_walker_makes_and_renews_the_link_from_the_page_and_it_is_audited(
    world: World,
) -> None:
    person = walker(world)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/reminders").text
        assert "Make my calendar link" in page
        assert "webcal://" not in page
        made = client.post("/reminders", data={"csrf_token": form_csrf(page), "action": "make"})
        assert made.status_code == 303
        page = client.get("/reminders").text
        webcal = re.search(r'href="(webcal://[^"]+)"', page)
        https = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page)
        assert webcal is not None
        assert https is not None
        assert https[1].startswith(world.url + "/calendar/")
        assert webcal[1] == "webcal://" + https[1].split("://", 1)[1]
        path = https[1].removeprefix(world.url)
        assert client.get(path).status_code == 200
        renewed = client.post("/reminders", data={"csrf_token": form_csrf(page), "action": "renew"})
        assert "old one has stopped working" in client.get(renewed.headers["location"]).text
        assert client.get(path).status_code == 404
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        log = audit_view.walker_audit(world.ctx, world.clinician_a.actor, person.walker.id)
    actions = [e.action for e in log.entries]
    assert "calendar.create" in actions
    assert "calendar.renew" in actions


def test_the_printable_plan_has_the_prescription_cues_exercises_and_clinician(
    world: World,
) -> None:
    person = walker(world)
    assert person.walker is not None
    plan = plans.current_prescription(world.ctx, person.actor, person.walker.id)
    assert plan is not None
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/plan/print").text
    assert "My backward-walking plan" in page
    assert f"{plan.duration_min:g} min" in page
    for cue in [*plan.details.get("posture_cues", ()), *plan.details.get("safety_cues", ())]:
        assert cue in page
    # the exercises by the names /exercises gives them (found by the outside-in test: the
    # print named the trial's set, "Isometric quadriceps", not "Thigh squeeze (…)")
    programme = exercises.walker_programme(world.ctx, person.actor, person.walker.id)
    for item in programme.items:
        assert item.exercise.name in html.unescape(page)
    assert "Isometric quadriceps</li>" not in page
    # the one date format: "printed Monday 5 January 2026", never "05 January"
    printed = plans.todays_prescription(world.ctx, person.actor, person.walker.id).local_date
    assert f"printed {date_words(printed, year=True)}" in page
    assert world.clinician_a.name in page
    assert f'href="mailto:{world.clinician_a.email}"' in page
    assert "Monday" in page
