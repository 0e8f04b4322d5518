"""A screening question left out is never taken as "no" (RULES.md §7.3) on the web page and in
the JSON API either, as in `retrowalk screen` (tests/cli/test_screen_cli.py): each refuses
with the question or field named, and nothing is stored."""

from __future__ import annotations

import pytest

from tests.web.conftest import CLEARED_SCREENING, World, form_csrf, sign_in
from tests.web.test_restrictions_api import _screening_questions, new_walker, post


@pytest.mark.parametrize(
    ("left_out", "field"),
    [
        ("red_flags", "red_flags"),
        ("parq", "parq"),
        ("steadi", "steadi"),
        ("used_to_activity", "used_to_activity"),
        ("fever_or_unwell", "fever_or_unwell"),
        ("uses_walking_aid", "uses_walking_aid"),
        ("takes_anticoagulant", "takes_anticoagulant"),
        ("recent_knee_surgery", "recent_knee_surgery"),
    ],
)
def test_the_api_refuses_a_screening_with_an_answer_left_out(
    world: World, left_out: str, field: str
) -> None:
    person = new_walker(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    body = {k: v for k, v in CLEARED_SCREENING.items() if k != left_out}
    with world.client() as client:
        csrf = sign_in(client, person)
        refused = post(client, csrf, f"{base}/screenings", body)
        assert refused.status_code == 422, refused.text
        assert field in {p["field"] for p in refused.json()["problems"]}
        assert client.get(f"{base}/today").json()["status"] == "needs_screening"


def test_the_api_refuses_a_fall_question_or_a_par_q_item_left_out(world: World) -> None:
    person = new_walker(world)
    base = f"/api/v1/walkers/{person.walker.id}"
    steadi = dict(CLEARED_SCREENING["steadi"])  # type: ignore[call-overload]
    del steadi["feels_unsteady"]
    with world.client() as client:
        csrf = sign_in(client, person)
        no_steadi = post(
            client, csrf, f"{base}/screenings", {**CLEARED_SCREENING, "steadi": steadi}
        )
        assert no_steadi.status_code == 422
        assert "steadi.feels_unsteady" in {p["field"] for p in no_steadi.json()["problems"]}
        six = post(client, csrf, f"{base}/screenings", {**CLEARED_SCREENING, "parq": [False] * 6})
        assert six.status_code == 422
        assert "parq" in six.text
        assert client.get(f"{base}/today").json()["status"] == "needs_screening"


def test_the_page_refuses_a_red_flag_question_left_blank(world: World) -> None:
    person = new_walker(world)
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/onboarding/screening")
        form = dict.fromkeys(_screening_questions(page.text), "no")
        form.update(parq5="yes", used_to_activity="yes", flag_cannot_bear_weight="yes")
        del form["flag_calf_pain_swelling_warmth"]
        form["csrf_token"] = form_csrf(page.text)
        refused = client.post("/onboarding/screening", data=form)
        assert refused.status_code in (400, 422)
        assert "1 question not answered yet" in refused.text
        assert "calf" in refused.text.lower()
        today = client.get(f"/api/v1/walkers/{person.walker.id}/today").json()
        assert today["status"] == "needs_screening"
