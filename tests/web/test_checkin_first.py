"""The morning check-in comes before the next session, from the page and the JSON API alike
(RULES.md §3; the outside-in test logged today's session first and so skipped a knee at
8/10). The terminal is the clinic's, entering paper diaries: it goes on, and the report-less
session is decided "hold" (tests/services/test_start_and_checkin_gates.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from retrowalk.services import assessments, history, plans, screening, sessions
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    SESSION_BODY,
    Person,
    World,
    a_day_ago,
    form_csrf,
    invite_walker,
    sign_in,
)


def _walked_yesterday(world: World, email: str) -> Person:
    person = invite_walker(world.ctx, world.clinician_a, email, "Yesterday Walker", "walks-back-12")
    assert person.walker is not None
    walker_id = person.walker.id
    when = a_day_ago(datetime.now(UTC))
    before = world.ctx.at(when - timedelta(hours=1))
    screening.screen_walker(before, person.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(before, person.actor, walker_id, BASELINE)
    plans.make_plan(before, person.actor, walker_id)
    yesterday = when.isoformat()
    sessions.log_session(
        world.ctx.at(when),
        person.actor,
        walker_id,
        {
            **SESSION_BODY,
            "client_key": f"{email.split('@')[0]}-yesterday",
            "performed_at": yesterday,
        },
    )
    return person


def _stored(world: World, person: Person) -> int:
    assert person.walker is not None
    return len(history.walker_history(world.ctx, world.admin, person.walker.id).sessions)


def test_today_asks_the_check_in_first_and_the_log_page_waits_for_it(world: World) -> None:
    person = _walked_yesterday(world, "first.page@example.org")
    with world.client() as client:
        sign_in(client, person)
        today = client.get("/today").text
        assert 'data-status="checkin_first"' in today
        assert "Start the guided session" not in today
        log = client.get("/log").text
        answer = client.post(
            "/log",
            data={
                "csrf_token": form_csrf(log),
                "client_key": "page-today",
                "duration_min": "10",
                "speed_m_s": "0.7",
                "surface": "treadmill_with_handrails",
                "supervised": "yes",
                "pain_before_nprs": "2",
                "pain_peak_nprs": "2",
                "pain_after_nprs": "2",
                "effort_cr10": "3",
            },
        )
    assert answer.status_code == 409
    assert "First the morning check-in" in answer.text
    assert _stored(world, person) == 1


def test_the_api_refuses_the_next_session_until_the_check_in(world: World) -> None:
    person = _walked_yesterday(world, "first.api@example.org")
    assert person.walker is not None
    with world.client() as client:
        csrf = sign_in(client, person)
        refused = client.post(
            f"/api/v1/walkers/{person.walker.id}/sessions",
            json={**SESSION_BODY, "client_key": "api-today"},
            headers={"X-CSRF-Token": csrf},
        )
        assert refused.status_code == 409
        assert "First the morning check-in" in refused.json()["detail"]
        checked = client.post(
            f"/api/v1/walkers/{person.walker.id}/checkins",
            json={"pain_nprs": 2, "stiffness_nprs": 1, "new_red_flags": []},
            headers={"X-CSRF-Token": csrf},
        )
        assert checked.status_code == 201, checked.text
        logged = client.post(
            f"/api/v1/walkers/{person.walker.id}/sessions",
            json={**SESSION_BODY, "client_key": "api-today"},
            headers={"X-CSRF-Token": csrf},
        )
    assert logged.status_code == 201, logged.text
    assert _stored(world, person) == 2


def test_a_back_dated_session_cannot_be_reported_at_once_to_progress(world: World) -> None:
    """The outside-in test back-dated sessions and sent each "next-morning" report at once:
    10 → 25 minutes in a minute. The report of a late-logged session opens the next morning."""
    person = invite_walker(
        world.ctx, world.clinician_a, "squeeze@example.org", "Squeeze", "walks-back-12"
    )
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    earlier = world.ctx.at(datetime.now(UTC) - timedelta(days=4))
    screening.screen_walker(earlier, person.actor, person.walker.id, CLEARED_SCREENING)
    assessments.record_assessment(earlier, person.actor, person.walker.id, BASELINE)
    plans.make_plan(earlier, person.actor, person.walker.id)
    three_days_ago = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    with world.client() as client:
        csrf = sign_in(client, person)
        logged = client.post(
            f"{base}/sessions",
            json={**SESSION_BODY, "client_key": "late", "performed_at": three_days_ago},
            headers={"X-CSRF-Token": csrf},
        )
        assert logged.status_code == 201, logged.text
        report = client.post(
            f"{base}/checkins",
            json={"pain_nprs": 1, "stiffness_nprs": 1, "new_red_flags": []},
            headers={"X-CSRF-Token": csrf},
        )
    assert report.status_code == 409
    assert "opens on" in report.json()["detail"]


def test_a_red_flag_at_the_check_in_says_stop_before_any_dose(world: World) -> None:
    """Found by the outside-in test: the result said "Step down." and "from 10 to 8 min"
    beside "see a doctor", which a walker could read as "walk 8 minutes"."""
    person = _walked_yesterday(world, "flag.result@example.org")
    with world.client() as client:
        sign_in(client, person)
        form = client.get("/checkin").text
        assert 'name="session_id"' in form
        session_id = form.split('name="session_id" value="', 1)[1].split('"', 1)[0]
        result = client.post(
            "/checkin",
            data={
                "csrf_token": form_csrf(form),
                "session_id": session_id,
                "pain_nprs": "3",
                "stiffness_nprs": "2",
                "new_red_flags": "knee_giving_way",
            },
        )
    assert result.status_code == 200, result.text
    page = result.text
    assert "No backward walking for now" in page
    assert "Your next session:" not in page
    assert page.index("No backward walking for now") < page.index("decision for later")
