"""The guided session page as served (no browser): what guided-session.js is given.

The metronome starts at the plan's step rate (RULES.md §7.10: the walker's own cadence from a
recording), kept within the allowed range, else at the starting value; the phases carry the
``kind`` the ``retrowalk:phase`` events report; the state key names the walker, the day and the
plan, so a saved session never resumes on another day or plan.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pytest

from retrowalk.services.schemas import TodayOut, TodayStatus
from retrowalk.web.pages.walker_pages import (
    METRONOME_BPM_RANGE,
    METRONOME_DEFAULT_BPM,
    metronome_start,
)
from tests.web.conftest import World, sign_in
from tests.web.own_world import world
from tests.web.test_walker_usability import new_walker_with_plan

__all__ = ["world"]  # this module's own app (tests/web/own_world.py)


def _today(step_rate: float | None) -> TodayOut:
    return TodayOut(
        walker_id=1,
        local_date=date(2026, 12, 1),
        status=TodayStatus.READY,
        message="",
        prescription=None,
        supervised=False,
        step_back=False,
        reasons=(),
        sessions_today=0,
        reassessment_due=False,
        step_rate_per_min=step_rate,
    )


@pytest.mark.parametrize(
    ("step_rate", "expected"),
    [(None, METRONOME_DEFAULT_BPM), (96.4, 96), (12, METRONOME_BPM_RANGE[0]), (400, 180)],
)
def test_the_metronome_starts_at_the_plans_step_rate(
    step_rate: float | None, expected: int
) -> None:
    assert metronome_start(_today(step_rate)) == expected


def test_the_session_page_gives_the_script_what_it_needs(world: World) -> None:
    person = new_walker_with_plan(world)
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/session").text
    assert '<script src="/static/js/guided-session.js" defer></script>' in page
    phases = json.loads(html.unescape(re.search(r'data-phases="([^"]+)"', page)[1]))  # type: ignore[index]
    assert [p["kind"] for p in phases] == ["warmup", "backward", "cooldown"]
    assert [p["walking"] for p in phases] == [False, True, False]
    key = re.search(r'data-state-key="([^"]+)"', page)
    assert key is not None
    walker_id, day, plan_id = key[1].split(":")
    assert int(walker_id) == person.walker.id
    assert date.fromisoformat(day)
    assert int(plan_id) > 0
    assert 'id="session-bar"' in page
    assert "from 30 to 180" in page
    assert 'id="stop-paused"' in page
