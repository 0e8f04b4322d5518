"""Today's page never says "Here is today's session" and "Next session: tomorrow" together
(found by the outside-in test, on a day that is not one of the plan's days): on such a day the
coming-up box names the next PLANNED day and says today's session is there too."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from retrowalk.services import assessments, plans, screening
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    LiveServer,
    build_world,
    invite_walker,
    sign_in,
)


def _next(weekday: int) -> datetime:
    """08:00 UTC on the next such weekday (Monday = 0), at least a day from now."""
    now = datetime.now(UTC)
    ahead = (weekday - now.weekday()) % 7 or 7
    return datetime.combine(now.date() + timedelta(days=ahead), time(8, 0), tzinfo=UTC)


def _coming_up(tmp: Path, at: datetime) -> str:
    app, world = build_world(tmp, clock=lambda: at)
    person = invite_walker(world.ctx, world.clinician_a, "pia@example.org", "Pia", "pia-pass-123")
    assert person.walker is not None
    screening.screen_walker(world.ctx, person.actor, person.walker.id, CLEARED_SCREENING)
    assessments.record_assessment(world.ctx, person.actor, person.walker.id, BASELINE)
    plan = plans.make_plan(world.ctx, person.actor, person.walker.id)
    assert plan.sessions_per_week == 3, "Monday, Wednesday and Friday (reminders policy)"
    with LiveServer(app) as server:
        world.url = server.url
        with world.client() as client:
            sign_in(client, person)
            page = client.get("/today").text
    world.ctx.db.dispose()
    box = page.split("data-coming-up", 1)[1].split("</section>", 1)[0]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", box)))


def test_on_a_day_off_the_plan_the_next_planned_day_is_named_as_such(tmp_path: Path) -> None:
    box = _coming_up(tmp_path, _next(1))  # a Tuesday
    assert "Next planned day: tomorrow (Wednesday)" in box
    assert "Today's session above is there if today suits you better" in box
    assert "Next session:" not in box


def test_on_a_planned_day_the_next_session_is_today(tmp_path: Path) -> None:
    box = _coming_up(tmp_path, _next(2))  # a Wednesday
    assert "Next session: today" in box
    assert "Next planned day" not in box
