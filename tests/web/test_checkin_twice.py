"""A morning check-in sent twice (a double tap, a second tab): the second lands on today's
page, which says what the first decided — a rest day first (found by the outside-in test:
the walker was left on a refusal that never mentioned her rest day)."""

from __future__ import annotations

import re

from tests.web.conftest import World, form_csrf, sign_in
from tests.web.planned_walkers import planned, text_of


def test_a_second_tap_shows_todays_rest_day_not_a_refusal(world: World) -> None:
    person = planned(world, walked_yesterday=True)
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/checkin").text
        session_id = re.search(r'name="session_id" value="(\d+)"', page)
        assert session_id is not None
        form = {
            "csrf_token": form_csrf(page),
            "session_id": session_id.group(1),
            "pain_nprs": "8",
            "stiffness_nprs": "3",
        }
        first = client.post("/checkin", data=form)
        assert first.status_code == 200
        assert "rest" in text_of(first.text).lower()
        second = client.post("/checkin", data=form, follow_redirects=False)
        assert second.status_code == 303
        assert second.headers["location"].startswith("/today?flash=")
        today = text_of(client.get(second.headers["location"]).text)
        assert "Your check-in was already saved" in today
        assert "rest day" in today.lower()
