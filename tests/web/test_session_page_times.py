"""The walker's own session page says when a recording was added on her clock and in words,
never an ISO date in UTC (found by the outside-in test: "Added 2026-12-03 14:23 UTC.")."""

from __future__ import annotations

import re
from datetime import datetime

from retrowalk.present.days import moment_words
from retrowalk.services import sessions
from tests.services.factory import screened_and_planned
from tests.web.conftest import SESSION_BODY, World, invite_walker, sign_in
from tests.web.planned_walkers import text_of
from tests.web.test_recording_upload import walk_csv

BRISBANE = "Australia/Brisbane"


def test_a_recording_is_added_on_her_own_clock_in_words(world: World) -> None:
    person = invite_walker(
        world.ctx, world.clinician_a, "clock@example.org", "Clara Clock", "clock-pass-12",
        timezone=BRISBANE,
    )  # fmt: skip
    assert person.walker is not None
    screened_and_planned(world.ctx, person.actor, person.walker.id, {"backward_walk_3m_s": 4.0})
    saved = sessions.log_session(
        world.ctx, person.actor, person.walker.id, {**SESSION_BODY, "client_key": "clock-1"}
    )
    with world.client() as client:
        csrf = sign_in(client, person)
        added = client.post(
            f"/api/v1/sessions/{saved.id}/recording",
            files={"file": ("walk.csv", walk_csv(), "text/csv")},
            headers={"X-CSRF-Token": csrf},
        )
        assert added.status_code == 201, added.text
        page = text_of(client.get(f"/sessions/{saved.id}").text)
    uploaded = datetime.fromisoformat(added.json()["uploaded_at"])
    assert f"Added {moment_words(uploaded, BRISBANE)}" in page
    assert "UTC" not in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page)
