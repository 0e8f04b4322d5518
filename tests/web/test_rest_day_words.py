"""A rest day began on an earlier day, and only a clinician lifts it (RULES.md §7.1): the
walker is told since when and until what, never "today" for a day that was not today; her
clinician, recording a reassessment while it holds the walking tests, is told in the
clinician's words which restriction holds them, since when and what lifts it (found by the
outside-in test: the clinician got the walker's "Rest today … Please contact your
clinician", and nine days on the walker still read "Rest today")."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import count

from retrowalk.clinical.reasons import spoken_date
from retrowalk.services import assessments, checkins, plans, screening, sessions
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
from tests.web.planned_walkers import send, text_of

_n = count()
TEST_FORM = {"tug_s": "9", "backward_walk_3m_s": "4.2", "chair_stand_count": "14"}


def rest_day_since(world: World, days_ago: int) -> tuple[Person, date]:
    """A walker (on UTC) whose morning pain of 8, ``days_ago`` days back, made a rest day."""
    n = next(_n)
    person = invite_walker(
        world.ctx, world.clinician_a, f"rested{n}@example.org", f"Rested {n}", "rested-pw-123"
    )
    assert person.walker is not None
    walker_id = person.walker.id
    began = datetime.now(UTC).date() - timedelta(days=days_ago)
    at = datetime.combine(began, time(10), tzinfo=UTC)
    planned = world.ctx.at(at - timedelta(days=3))
    screening.screen_walker(planned, person.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(planned, person.actor, walker_id, BASELINE)
    plans.make_plan(planned, person.actor, walker_id)
    walked = at - timedelta(days=1)
    sessions.log_session(
        world.ctx.at(walked),
        person.actor,
        walker_id,
        {**SESSION_BODY, "client_key": f"rested{n}", "performed_at": walked},
    )
    morning = {"pain_nprs": 8, "stiffness_nprs": 3, "new_red_flags": []}
    assert checkins.morning_checkin(world.ctx.at(at), person.actor, walker_id, morning).rest_day
    return person, began


def test_the_clinician_recording_tests_on_a_rest_day_gets_clinician_words(world: World) -> None:
    person, began = rest_day_since(world, 2)
    assert person.walker is not None
    page_path = f"/clinician/walkers/{person.walker.id}"
    since = spoken_date(began)
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        page = text_of(desk.get(page_path).text)
        # the form's note names what holds them now, and everything that holds them
        assert "The walking tests wait now: a rest day after a painful morning." in page
        assert "They wait while a red flag, an adverse event waiting for your review" in page
        assert "or a rest day stands" in page
        sent = desk.post(
            f"{page_path}/assess",
            data={**TEST_FORM, "csrf_token": form_csrf(desk.get(page_path).text)},
        )
        api = send(desk, csrf, f"/api/v1/walkers/{person.walker.id}/assessments",
                   {"kind": "reassessment", "tug_s": 9.0})  # fmt: skip
    assert sent.status_code == 409, sent.text
    assert api.status_code == 409, api.text
    for words in (text_of(sent.text), api.json()["detail"]):
        assert (
            f"No walking tests now: a rest day after a painful morning, since {since}, holds "
            "them" in words
        )
        assert "It lifts when you record a clearance of the rest day on this walker's page" in words
        assert "Rest today" not in words
        assert "contact your clinician" not in words


def test_a_rest_day_begun_nine_days_ago_says_since_when_never_today(world: World) -> None:
    person, began = rest_day_since(world, 9)
    assert person.walker is not None
    since = spoken_date(began)
    with world.client() as client:
        csrf = sign_in(client, person)
        page = text_of(client.get("/today").text)
        api = client.get(f"/api/v1/walkers/{person.walker.id}/today").json()
        del csrf
    assert api["status"] == "rest_day"
    for words in (page, api["message"]):
        assert "Rest today" not in words
        assert "Today is a rest day" not in words
        assert "the rest day lasts until they have looked at how your knee is" in words
    assert (
        f"A rest day since {since}: no session until your clinician has looked at how your "
        "knee is." in page
    )
    assert f"It began on {since}." in api["message"]


def test_a_rest_day_begun_this_morning_is_today(world: World) -> None:
    person, _ = rest_day_since(world, 0)
    with world.client() as client:
        sign_in(client, person)
        page = text_of(client.get("/today").text)
    assert "Today is a rest day: no session until your clinician has looked" in page
    assert "A rest day since" not in page
