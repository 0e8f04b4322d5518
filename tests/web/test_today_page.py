"""The walker's today page puts what matters most first."""

from __future__ import annotations

from datetime import UTC, datetime

from retrowalk.clinical.restrictions import CHEST_PAIN_EMERGENCY
from retrowalk.services import assessments, plans, screening, sessions
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    SESSION_BODY,
    World,
    a_day_ago,
    invite_walker,
    sign_in,
)


def test_after_chest_pain_the_emergency_sentence_is_the_first_thing_on_today(
    world: World,
) -> None:
    """At phone size it sat 1,100 px down, under the check-in (found by the outside-in test)."""
    kim = invite_walker(
        world.ctx, world.clinician_a, "kim@example.org", "Kim Chest", "kim-pass-123"
    )
    assert kim.walker is not None
    screening.screen_walker(world.ctx, kim.actor, kim.walker.id, CLEARED_SCREENING)
    assessments.record_assessment(world.ctx, kim.actor, kim.walker.id, BASELINE)
    plans.make_plan(world.ctx, kim.actor, kim.walker.id)
    yesterday = a_day_ago(datetime.now(UTC))
    sessions.log_session(
        world.ctx.at(yesterday),  # logged when walked: its check-in is due this morning
        kim.actor,
        kim.walker.id,
        {
            **SESSION_BODY,
            "client_key": "kim-chest",
            "performed_at": yesterday.isoformat(),
            "completed": False,
            "adverse_events": ["chest_pain"],
        },
    )
    with world.client() as client:
        sign_in(client, kim)
        page = client.get("/today").text
    main = page.split("<main", 1)[1]
    first_notice = main.split('class="notice', 1)[1][:600]
    assert CHEST_PAIN_EMERGENCY in first_notice
    assert main.index(CHEST_PAIN_EMERGENCY) < main.index("Morning check-in")
