"""After a session at 21:00, at 2 in the night on the walker's clock her today, the check-in
page and the API say the check-in opens today from 6 in the morning, and take no report
(RULES.md §3: the next morning; the hour is a **policy**). The walker's zone is chosen so
that her clock reads 2 in the night now, whatever the time of the test."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from retrowalk.services import assessments, history, plans, screening, sessions
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    SESSION_BODY,
    World,
    form_csrf,
    invite_walker,
    sign_in,
)
from tests.web.planned_walkers import send, text_of

NIGHT_HOUR = 2


def _zone_at_night(now: datetime) -> str:
    """A fixed-offset zone (``Etc/GMT-10`` is UTC+10) whose clock reads 2-something now."""
    offset = (NIGHT_HOUR - now.hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def test_at_night_the_check_in_waits_for_6_in_the_morning_on_every_page(world: World) -> None:
    now = datetime.now(UTC)
    zone = _zone_at_night(now)
    person = invite_walker(
        world.ctx, world.clinician_a, "night@example.org", "Nora Night", "night-pass-12",
        timezone=zone,
    )  # fmt: skip
    assert person.walker is not None
    walker_id = person.walker.id
    before = world.ctx.at(now - timedelta(days=3))
    screening.screen_walker(before, person.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(before, person.actor, walker_id, BASELINE)
    plans.make_plan(before, person.actor, walker_id)
    local = now.astimezone(ZoneInfo(zone))
    assert local.hour == NIGHT_HOUR
    walked = datetime.combine(local.date() - timedelta(days=1), time(21), tzinfo=ZoneInfo(zone))
    saved = sessions.log_session(
        world.ctx.at(walked + timedelta(minutes=5)),
        person.actor,
        walker_id,
        {**SESSION_BODY, "client_key": "nine-pm", "performed_at": walked.isoformat()},
    )
    with world.client() as client:
        csrf = sign_in(client, person)
        today = text_of(client.get("/today").text)
        assert "opens today, from 6 in the morning" in today
        assert "Do the morning check-in" not in today
        page = client.get("/checkin").text
        assert 'name="pain_nprs"' not in page, "no form that would be refused"
        assert "Your check-in opens today, from 6 in the morning" in text_of(page)
        sent = client.post(
            "/checkin",
            data={
                "csrf_token": form_csrf(page),
                "session_id": str(saved.id),
                "pain_nprs": "2",
                "stiffness_nprs": "1",
            },
        )
        assert sent.status_code in (409, 422)
        assert "opens today, from 6 in the morning" in text_of(sent.text)
        api = send(
            client,
            csrf,
            f"/api/v1/walkers/{walker_id}/checkins",
            {"session_id": saved.id, "pain_nprs": 2, "stiffness_nprs": 1, "new_red_flags": []},
        )
        assert api.status_code == 409, api.text
        assert "from 6 in the morning" in api.json()["detail"]
        state = client.get(f"/api/v1/walkers/{walker_id}/today").json()
        assert state["checkin_open"] is False
        assert state["status"] == "checkin_first"
    assert history.walker_history(world.ctx, person.actor, walker_id).checkins == ()
