"""The questions about falls asked again at a reassessment, from the clinician's page and the
JSON API (found by the outside-in test: the page's reassessment form had no such questions,
so a walker whose screening said "I fell" could never have fall risk lifted from the page).

RULES.md §1.3 and §7.3–7.4: a low fall risk needs the Timed Up and Go, the chair stand or the
tandem stance, and the three questions about falls, all answered; high → low needs a
reassessment that is low on its own and a clinician's clearance. Left empty, the questions
take the latest screening's answers (the service's default), so the fall there still counts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import count

import httpx
from sqlalchemy import func, select

from retrowalk.clinical.screening import STEADI_QUESTIONS
from retrowalk.services import assessments, plans, screening
from retrowalk.store.models import Assessment
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    Person,
    World,
    form_csrf,
    invite_walker,
    sign_in,
)
from tests.web.own_world import world
from tests.web.planned_walkers import send, text_of

__all__ = ["world"]

_n = count()

GOOD_TESTS = {"tug_s": "9", "chair_stand_count": "14", "tandem_stance_s": "12"}
"""Tests with nothing at risk: low on their own, with the questions about falls all no."""
ALL_NO = dict.fromkeys(STEADI_QUESTIONS, "no")
NOT_YET = "Not yet:"


def fell_at_screening(world: World) -> Person:
    """A walker who answered "I fell in the past 12 months" at the screening, with good tests
    and a plan (three days ago): high fall risk from that answer alone."""
    n = next(_n)
    person = invite_walker(
        world.ctx, world.clinician_a, f"fell{n}@example.org", f"Fell {n}", "fell-pass-12"
    )
    assert person.walker is not None
    before = world.ctx.at(datetime.now(UTC) - timedelta(days=3))
    answers = {
        **CLEARED_SCREENING,
        "steadi": {**CLEARED_SCREENING["steadi"], "fell_past_12_months": True},
    }
    screening.screen_walker(before, person.actor, person.walker.id, answers)
    assessments.record_assessment(before, person.actor, person.walker.id, BASELINE)
    plans.make_plan(before, person.actor, person.walker.id)
    return person


def _count(world: World, walker_id: int) -> int:
    with world.ctx.db.transaction() as tx:
        found = tx.scalar(
            select(func.count()).select_from(Assessment).where(Assessment.walker_id == walker_id)
        )
    return int(found or 0)


def _fall_risk_card(page: str) -> str:
    """The fall-risk restriction's card on the clinician's page ('' when there is none)."""
    found = re.search(
        r'data-restriction="fall_risk".*?(?=<div class="card restriction"|</section>)', page, re.S
    )
    return found.group(0) if found else ""


def _reassessment_form(page: str) -> str:
    found = re.search(r'action="/clinician/walkers/\d+/assess".*?</form>', page, re.S)
    assert found is not None
    return found.group(0)


def _reassess(desk: httpx.Client, walker_id: int, fields: dict[str, str]) -> httpx.Response:
    page = desk.get(f"/clinician/walkers/{walker_id}").text
    return desk.post(
        f"/clinician/walkers/{walker_id}/assess", data={"csrf_token": form_csrf(page), **fields}
    )


def _page(desk: httpx.Client, walker_id: int) -> str:
    return desk.get(f"/clinician/walkers/{walker_id}").text


def _active(desk: httpx.Client, walker_id: int) -> set[str]:
    body = desk.get(f"/api/v1/walkers/{walker_id}/restrictions").json()
    return {r["kind"] for r in body["active"]}


def test_the_reassessment_form_asks_the_questions_about_falls_unanswered(world: World) -> None:
    person = fell_at_screening(world)
    assert person.walker is not None
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        form = _reassessment_form(_page(desk, person.walker.id))
    text = text_of(form)
    assert "Questions about falls" in text
    for name, question in STEADI_QUESTIONS.items():
        assert question in text  # the words of the walker's own screening page
        assert f'name="{name}" value="yes"' in form
        assert f'name="{name}" value="no"' in form
    assert "checked" not in re.sub(r'name="chair_stand_used_arms"[^>]*>', "", form)
    assert " required" not in form  # the questions are all three or none, not each required


def test_a_part_answered_set_is_refused_by_name_and_keeps_what_was_typed(world: World) -> None:
    person = fell_at_screening(world)
    assert person.walker is not None
    walker_id = person.walker.id
    before = _count(world, walker_id)
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        refused = _reassess(desk, walker_id, {**GOOD_TESTS, "fell_past_12_months": "no"})
    assert refused.status_code == 422
    missing = f"{STEADI_QUESTIONS['feels_unsteady']} {STEADI_QUESTIONS['worries_about_falling']}"
    assert f"Not answered yet: {missing}" in text_of(refused.text)
    form = _reassessment_form(refused.text)
    assert re.search(r'name="fell_past_12_months" value="no"\s+checked', form)
    assert not re.search(r'name="feels_unsteady" value="(yes|no)"[^>]*checked', form)
    assert re.search(r'name="tug_s"[^>]*value="9"', form)
    assert re.search(
        r'<details class="card"\s+open>\s*<summary>Record a reassessment', refused.text
    )
    assert _count(world, walker_id) == before  # nothing stored


def test_from_the_page_fall_risk_lifts_only_after_all_no_and_a_clearance(world: World) -> None:
    person = fell_at_screening(world)
    assert person.walker is not None
    walker_id = person.walker.id
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        card = text_of(_fall_risk_card(_page(desk, walker_id)))
        assert NOT_YET in card
        assert "questions about falls" in card
        # good tests, the questions left empty: the screening's fall still counts
        assert _reassess(desk, walker_id, GOOD_TESTS).status_code == 303
        card = text_of(_fall_risk_card(_page(desk, walker_id)))
        assert NOT_YET in card
        assert "questions about falls" in card
        # asked again, and the walker says she fell: it stays
        fell = {**GOOD_TESTS, **ALL_NO, "fell_past_12_months": "yes"}
        assert _reassess(desk, walker_id, fell).status_code == 303
        page = _page(desk, walker_id)
        assert NOT_YET in text_of(_fall_risk_card(page))
        assert 'name="scope" value="fall_risk"' not in page
        # asked again, all no, with good tests: the clinician may clear it now
        assert _reassess(desk, walker_id, {**GOOD_TESTS, **ALL_NO}).status_code == 303
        page = _page(desk, walker_id)
        assert NOT_YET not in text_of(_fall_risk_card(page))
        assert "fall_risk" in _active(desk, walker_id)  # the reassessment alone lifts nothing
        cleared = desk.post(
            f"/clinician/walkers/{walker_id}/clear",
            data={
                "csrf_token": form_csrf(page),
                "scope": "fall_risk",
                "clear_reason": "Reassessed: no fall, steady, TUG 9 s",
            },
        )
        assert cleared.status_code == 303
        assert "fall_risk" not in _active(desk, walker_id)


def test_from_the_api_fall_risk_lifts_only_after_all_no_and_a_clearance(world: World) -> None:
    person = fell_at_screening(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    tests = {"kind": "reassessment", "tug_s": 9, "chair_stand_count": 14, "tandem_stance_s": 12}
    no = dict.fromkeys(STEADI_QUESTIONS, False)
    clear = {"scope": "fall_risk", "reason": "Reassessed: no fall, steady"}
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        part = send(
            desk, csrf, f"{base}/assessments", {**tests, "steadi": {"feels_unsteady": False}}
        )
        assert part.status_code == 422
        for steadi in (None, {**no, "worries_about_falling": True}):
            body = tests if steadi is None else {**tests, "steadi": steadi}
            saved = send(desk, csrf, f"{base}/assessments", body)
            assert saved.status_code == 201
            assert saved.json()["fall_risk"] == "high"
            refused = send(desk, csrf, f"{base}/clearances", clear)
            assert refused.status_code >= 400
            assert "low risk on its own" in refused.json()["detail"]
        saved = send(desk, csrf, f"{base}/assessments", {**tests, "steadi": no})
        assert saved.json()["fall_risk"] == "low"
        assert "fall_risk" in _active(desk, person.walker.id)
        assert send(desk, csrf, f"{base}/clearances", clear).status_code == 201
        assert "fall_risk" not in _active(desk, person.walker.id)


QUESTIONS_ALONE = "The questions about falls were answered but no test was filled in"


def test_the_questions_alone_are_refused_in_their_own_words(world: World) -> None:
    """Never "Nothing was filled in" to a clinician who answered three questions; the form
    opens again with the answers kept, and nothing is stored."""
    person = fell_at_screening(world)
    assert person.walker is not None
    walker_id = person.walker.id
    before = _count(world, walker_id)
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        refused = _reassess(desk, walker_id, ALL_NO)
        assert refused.status_code == 422
        said = text_of(refused.text)
        assert f"Please check: {QUESTIONS_ALONE}" in said
        assert "nothing was filled in" not in said.lower()
        assert re.search(r'<details class="card"\s+open>', refused.text)
        form = _reassessment_form(refused.text)
        assert QUESTIONS_ALONE in text_of(form)  # beside the form too, far down the page
        for name in STEADI_QUESTIONS:
            assert re.search(rf'name="{name}" value="no"\s+checked', form)
        nothing = _reassess(desk, walker_id, {})
        assert nothing.status_code == 422
        assert "Please check: Nothing was filled in, so nothing was saved" in text_of(nothing.text)
        body = {"kind": "reassessment", "steadi": dict.fromkeys(STEADI_QUESTIONS, False)}
        api = send(desk, csrf, f"/api/v1/walkers/{walker_id}/assessments", body)
        assert api.status_code == 422
        assert QUESTIONS_ALONE in api.json()["detail"]
        empty = send(
            desk, csrf, f"/api/v1/walkers/{walker_id}/assessments", {"kind": "reassessment"}
        )
        assert "Nothing was filled in" in empty.json()["detail"]
    assert _count(world, walker_id) == before
