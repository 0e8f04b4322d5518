"""The log's "Was someone with you?" starts unanswered (RULES.md §7.9: supervision is held, not
assumed). Found by the outside-in test: for a walker whose plan needs someone with her the
form came with Yes already chosen, so a walker who answered only the pain scales saved a
session stored as supervised, and no walked-alone flag was raised."""

from __future__ import annotations

import re

from retrowalk.services import history, plans
from tests.web.conftest import World, form_csrf, sign_in
from tests.web.planned_walkers import planned, text_of

SCALES = {
    "pain_before_nprs": "2",
    "pain_peak_nprs": "3",
    "pain_after_nprs": "2",
    "effort_cr10": "2",
}


def _chosen_supervised(page: str) -> list[str]:
    return [
        tag
        for tag in re.findall(r"<input[^>]*name=\"supervised\"[^>]*>", page)
        if re.search(r"\bchecked\b", tag)
    ]


def test_the_question_starts_unanswered_for_a_walker_who_must_have_someone_there(
    world: World,
) -> None:
    person = planned(world)  # the first sessions are supervised
    assert person.walker is not None
    today = plans.todays_prescription(world.ctx, person.actor, person.walker.id)
    assert today.supervised is True
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/log")
        assert page.status_code == 200
        assert _chosen_supervised(page.text) == []
        # the guided session's "stop" and "done" forms go to /log with the minutes walked
        after_guided = client.get("/log", params={"done_min": "10", "stopped": "1"})
        assert _chosen_supervised(after_guided.text) == []


def test_a_log_without_the_answer_is_refused_naming_it_and_keeping_what_she_typed(
    world: World,
) -> None:
    person = planned(world)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/log")
        body = {
            "csrf_token": form_csrf(page.text),
            "client_key": "no-supervised-answer",
            "duration_min": "10",
            "speed_m_s": "0.5",
            "surface": "flat_clear_known_path",
            **SCALES,
            "note": "my own words",
        }
        refused = client.post("/log", data=body)
        text = text_of(refused.text)
        assert refused.status_code == 422
        assert "Please check: Was someone with you: please answer this" in text
        assert "my own words" in refused.text
        assert re.search(r'name="pain_peak_nprs" value="3" checked', refused.text)
        assert _chosen_supervised(refused.text) == []
        assert history.walker_history(world.ctx, person.actor, person.walker.id).sessions == ()

        saved = client.post("/log", data={**body, "supervised": "no"})
        assert saved.status_code == 200
        assert "Session saved" in saved.text
        assert "alone" in text_of(saved.text)  # she is told why it matters, and it is flagged
    (stored,) = history.walker_history(world.ctx, person.actor, person.walker.id).sessions
    assert stored.supervised is False
    assert stored.planned_supervised is True
