"""Words on the walker's pages, found by the outside-in test: each says what applies to her
in her own words, never a test's name, a formula or a sentence that is not true of her."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import count

import httpx

from retrowalk.clinical import red_flags
from retrowalk.services import assessments, plans, screening
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    Person,
    World,
    form_csrf,
    invite_walker,
    sign_in,
)
from tests.web.planned_walkers import planned, text_of

_n = count()


def _walker(world: World, **steadi: bool) -> Person:
    n = next(_n)
    person = invite_walker(
        world.ctx, world.clinician_a, f"words{n}@example.org", f"Words {n}", "words-pw-12345"
    )
    assert person.walker is not None
    answers = {**CLEARED_SCREENING, "steadi": {**CLEARED_SCREENING["steadi"], **steadi}}
    before = world.ctx.at(datetime.now(UTC) - timedelta(days=3))
    screening.screen_walker(before, person.actor, person.walker.id, answers)
    assessments.record_assessment(before, person.actor, person.walker.id, BASELINE)
    plans.make_plan(before, person.actor, person.walker.id)
    return person


def test_today_says_which_steadi_answer_in_her_words(world: World) -> None:
    person = _walker(world, feels_unsteady=True, worries_about_falling=True)
    with world.client() as client:
        sign_in(client, person)
        text = text_of(client.get("/today").text)
    assert "STEADI key question" not in text
    assert "Answered YES" not in text
    assert (
        "You said that you feel unsteady when standing or walking, and that you worry about "
        "falling." in text
    )
    assert "fell in the past year" not in text  # she said no to that one


def test_progress_says_the_speed_unit_in_words(world: World) -> None:
    person = planned(world, walked_yesterday=True)
    with world.client() as client:
        sign_in(client, person)
        text = text_of(client.get("/progress").text)
    assert "× 3.6" not in text
    assert "= km/h" not in text
    assert "Speeds in metres a second (m/s). The latest, 0.70 m/s, is 2.5 km/h" in text


def test_the_warning_sign_questions_ask_since_the_safety_questions_before_any_session(
    world: World,
) -> None:
    first, walked = planned(world), planned(world, walked_yesterday=True)
    with world.client() as client:
        sign_in(client, first)
        before_any = text_of(client.get("/red-flags").text)
    with world.client() as client:
        sign_in(client, walked)
        after_one = text_of(client.get("/red-flags").text)
    assert "last session" not in before_any
    assert "Is any of these new since you answered the safety questions?" in before_any
    assert "Is any of these new since your last session?" in after_one


def _screen(client: httpx.Client, **answers: str) -> str:
    """The safety questions answered on the page: all no (no warning sign), PAR-Q item 5 and
    "used to activity" yes, with ``answers`` on top; the result page's text."""
    page = client.get("/onboarding/screening")
    body = dict.fromkeys(
        re.findall(r'type="radio" name="([a-z0-9_]+)" value="yes"', page.text), "no"
    )
    for flag in red_flags.SCREENING_RED_FLAGS:
        if red_flags.RED_FLAGS[flag].flag_when is False:  # asked positively: yes is no flag
            body[f"flag_{flag.value}"] = "yes"
    body.update(parq5="yes", used_to_activity="yes", **answers)
    body["csrf_token"] = form_csrf(page.text)
    sent = client.post("/onboarding/screening", data=body)
    assert sent.status_code == 200, sent.text
    return text_of(sent.text)


def test_the_screening_result_names_the_limit_that_applies(world: World) -> None:
    n = next(_n)
    person = invite_walker(
        world.ctx, world.clinician_a, f"limit{n}@example.org", f"Limit {n}", "limit-pw-12345"
    )
    with world.client() as client:
        sign_in(client, person)
        text = _screen(client, feels_unsteady="yes", uses_walking_aid="yes")
    assert "Nothing in your answers stops you" not in text
    assert "You can start, with a limit: someone must be with you for every session." in text
    assert "STEADI question answered YES" not in text
    assert "You answered yes to “Do you feel unsteady when you are standing or walking?”" in text


def test_the_screening_result_says_nothing_stops_her_only_when_nothing_does(
    world: World,
) -> None:
    n = next(_n)
    person = invite_walker(
        world.ctx, world.clinician_a, f"nolimit{n}@example.org", f"No Limit {n}", "limit-pw-12345"
    )
    with world.client() as client:
        sign_in(client, person)
        text = _screen(client)
    assert "Nothing in your answers stops you from starting." in text
    assert "with a limit" not in text
