"""The log form's refusal of 0 minutes says what the form itself offers (found by the
outside-in test: it said "mark the session not completed", and the form had no such box)."""

from __future__ import annotations

from tests.web.conftest import World, form_csrf, sign_in
from tests.web.planned_walkers import planned, text_of


def test_zero_minutes_with_nothing_ticked_asks_for_what_the_form_has(world: World) -> None:
    person = planned(world)
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/log")
        refused = client.post(
            "/log",
            data={
                "csrf_token": form_csrf(page.text),
                "client_key": "zero-min",
                "duration_min": "0",
                "surface": "flat_clear_known_path",
                "supervised": "yes",
                "pain_before_nprs": "2",
                "pain_peak_nprs": "2",
                "pain_after_nprs": "2",
                "effort_cr10": "1",
            },
        )
    text = text_of(refused.text)
    assert refused.status_code == 422
    assert "tick what went wrong above, or write the minutes you walked" in text
    assert "not completed" not in text
    assert 'name="adverse_events"' in refused.text  # the boxes it points to are on the form
