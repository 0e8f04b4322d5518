"""Errors in words a person reads (found by the outside-in test of the words): the API never
passes on pydantic's own texts ("Input should be a valid dictionary…", "at least 1
item(s)"), a refusal names the walker by her name (not "Walker 6"), and the audit names a
session by its day (not "session id: 4")."""

from __future__ import annotations

import re
from itertools import count
from typing import Any

import pytest

from retrowalk.clinical.prescription import MAX_DURATION_MIN
from retrowalk.present.days import date_words
from retrowalk.services import history
from tests.web.conftest import World, form_csrf, invite_walker, sign_in
from tests.web.planned_walkers import send, text_of

_n = count()
PYDANTIC = re.compile(r"Input should|item\(s\)|valid dictionary|extract fields", re.IGNORECASE)


@pytest.mark.parametrize(
    ("path", "body", "field", "words"),
    [
        ("sessions", [1, 2], "body", "must be a JSON object"),
        ("sessions", "ten minutes", "body", "must be a JSON object"),
        ("screenings", {"steadi": "no"}, "steadi", "must be a JSON object"),
        ("assessments", {"kind": "baseline", "koos_answers": [1, 2]}, "koos_answers", "object"),
        ("exercise-logs", {"client_key": "e-1", "exercises": []}, "exercises", "not be empty"),
    ],
)
def test_wrong_shaped_json_is_answered_with_the_field_and_what_is_allowed(
    world: World, path: str, body: Any, field: str, words: str
) -> None:
    n = next(_n)
    person = invite_walker(
        world.ctx, world.clinician_a, f"shape{n}@example.org", f"Shape {n}", "shape-pass-12"
    )
    assert person.walker is not None
    with world.client() as client:
        csrf = sign_in(client, person)
        answer = send(client, csrf, f"/api/v1/walkers/{person.walker.id}/{path}", body)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert not PYDANTIC.search(detail), detail
    problems = {p["field"]: p for p in answer.json()["problems"]}
    assert field in problems, problems
    assert words in problems[field]["message"]
    assert f"{field}: " in detail


def test_a_refusal_names_the_walker_not_her_id(world: World) -> None:
    n = next(_n)
    person = invite_walker(
        world.ctx, world.clinician_a, f"named{n}@example.org", f"Nora Named {n}", "named-pass-12"
    )
    assert person.walker is not None
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        answer = send(desk, csrf, f"/api/v1/walkers/{person.walker.id}/plan", {})
    assert answer.status_code == 409, answer.text
    detail = answer.json()["detail"]
    assert detail.startswith(f"Nora Named {n} has not been screened yet")
    assert f"Walker {person.walker.id}" not in detail


def test_the_audit_names_a_session_by_its_day(world: World) -> None:
    assert world.walker_a.walker is not None
    walker_id = world.walker_a.walker.id
    walked = history.walker_history(world.ctx, world.clinician_a.actor, walker_id).sessions[0]
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        page = text_of(desk.get(f"/clinician/walkers/{walker_id}/audit").text)
    assert f"session of {date_words(walked.local_date)}" in page
    assert "session id" not in page


@pytest.mark.parametrize("typed", ["12.5", "12,5", "45", "0"])
def test_the_adjust_forms_minutes_say_the_range_and_that_they_are_whole(
    world: World, typed: str
) -> None:
    """Found by the outside-in test: "Minutes: please write a whole number … like 12" said no
    range, and "at most 30" not that minutes are whole."""
    assert world.walker_a.walker is not None
    page_path = f"/clinician/walkers/{world.walker_a.walker.id}"
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        form = desk.get(page_path).text
        answer = desk.post(
            f"{page_path}/adjust",
            data={
                "csrf_token": form_csrf(form),
                "duration_min": typed,
                "adjust_reason": "Walks easily; the knee settles by the evening.",
            },
        )
    assert answer.status_code == 422
    box = re.search(r'id="duration_min-error"[^>]*>(.*?)</p>', answer.text, re.S)
    assert box is not None
    words = text_of(box.group(1))
    assert "whole number" in words
    assert f"from 1 to {MAX_DURATION_MIN}" in words
