"""Walkers with a plan, for the web tests of the gates: made through the use cases (as the
pages would), so each test starts where its rule applies. Also the page's text as read."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import httpx

from retrowalk.services import assessments, plans, screening, sessions
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    SESSION_BODY,
    Person,
    World,
    a_day_ago,
    invite_walker,
)

_n = count()


def text_of(page: str) -> str:
    """A page's text as a person reads it (tags gone, spaces folded, entities read)."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def planned(world: World, *, walked_yesterday: bool = False) -> Person:
    """A walker of clinician A with a plan made three days ago (and, if asked, a session she
    logged yesterday)."""
    n = next(_n)
    person = invite_walker(
        world.ctx, world.clinician_a, f"planned{n}@example.org", f"Planned {n}", "planned-pw-12"
    )
    assert person.walker is not None
    now = datetime.now(UTC)
    before = world.ctx.at(now - timedelta(days=3))
    screening.screen_walker(before, person.actor, person.walker.id, CLEARED_SCREENING)
    assessments.record_assessment(before, person.actor, person.walker.id, BASELINE)
    plans.make_plan(before, person.actor, person.walker.id)
    if walked_yesterday:
        yesterday = a_day_ago(now)
        sessions.log_session(
            world.ctx.at(yesterday),
            person.actor,
            person.walker.id,
            {**SESSION_BODY, "client_key": f"planned{n}-yesterday", "performed_at": yesterday},
        )
    return person


def send(client: httpx.Client, csrf: str, path: str, body: dict[str, Any]) -> httpx.Response:
    """A JSON POST with the sign-in's CSRF token."""
    return client.post(path, json=body, headers={"X-CSRF-Token": csrf})
