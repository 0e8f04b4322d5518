"""A clinician's page shows a walker's events on the walker's own clock (found by the outside-in
test: a restriction "Since 2026-12-03 09:30 UTC" beside the walker's session of Wednesday 2
December — one event, two dates)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from retrowalk.clinical.reasons import spoken_date
from retrowalk.services import assessments, plans, screening, sessions
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    LiveServer,
    World,
    build_world,
    invite_walker,
    sign_in,
)

HONOLULU = ZoneInfo("Pacific/Honolulu")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    app, built = build_world(tmp_path_factory.mktemp("walker-times"))
    with LiveServer(app) as server:
        built.url = server.url
        yield built
    built.ctx.db.dispose()


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_a_late_evening_fall_in_honolulu_shows_the_walkers_own_day_and_time(
    world: World,
) -> None:
    walked_on = (datetime.now(HONOLULU) - timedelta(days=2)).date()
    at = datetime.combine(walked_on, time(23, 30), tzinfo=HONOLULU)  # 09:30 UTC the next day
    start = at - timedelta(days=1)
    person = invite_walker(
        world.ctx.at(start),
        world.clinician_a,
        "kai@example.org",
        "Kai",
        "kai-pass-12345",
        timezone="Pacific/Honolulu",
    )
    assert person.walker is not None
    walker_id = person.walker.id
    screening.screen_walker(world.ctx.at(start), person.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(world.ctx.at(start), person.actor, walker_id, BASELINE)
    plans.make_plan(world.ctx.at(start), person.actor, walker_id)
    sessions.log_session(
        world.ctx.at(at),
        person.actor,
        walker_id,
        {
            "client_key": "kai-fall",
            "performed_at": at,
            "duration_min": 5,
            "speed_m_s": 0.5,
            "surface": "treadmill_with_handrails",
            "supervised": True,
            "pain_before_nprs": 2,
            "pain_peak_nprs": 3,
            "pain_after_nprs": 2,
            "effort_cr10": 4,
            "adverse_events": ["fall"],
        },
    )
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(f"/clinician/walkers/{walker_id}")
    assert page.status_code == 200
    # what the page says, not the time zones a select offers (the time-zone form's list)
    text = _text(re.sub(r"<select.*?</select>", "", page.text, flags=re.S))
    local = f"{spoken_date(walked_on)}, 23:30"
    assert f"Since {local}." in text, "the restriction began on her own evening"
    assert f"of {local}" in text, "the session that caused it, at the same moment"
    utc_day = at.astimezone(UTC).date()
    assert spoken_date(utc_day) not in text.split("Restrictions", 1)[1].split("Plan", 1)[0]
    assert "UTC" not in text.split("Restrictions", 1)[1].split("Plan", 1)[0]
    assert "the times on this page are the walker's own" in text
