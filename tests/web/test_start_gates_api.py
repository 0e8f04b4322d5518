"""The services' start and check-in gates, reached through the web API and the join page.

The pages already refused a same-day check-in; the API (and so any phone app) must refuse
it too, and a session logged before the walker may start; the join page refuses a used,
expired or unknown invitation before the walker fills in the form.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from retrowalk.clinical.reasons import spoken_date
from retrowalk.services import accounts, assessments, plans, screening
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    SESSION_BODY,
    World,
    invite_walker,
    sign_in,
)

SESSION = {**SESSION_BODY, "speed_m_s": 0.75}


def test_api_refuses_a_session_before_screening_and_a_same_day_checkin(world: World) -> None:
    person = invite_walker(
        world.ctx, world.clinician_a, "gate@example.org", "Gate Walker", "gate-pass-123"
    )
    assert person.walker is not None
    walker_id = person.walker.id
    with world.client() as client:
        csrf = sign_in(client, person)
        early = client.post(
            f"/api/v1/walkers/{walker_id}/sessions",
            json={"client_key": "gate-1", **SESSION},
            headers={"X-CSRF-Token": csrf},
        )
        assert early.status_code == 409
        assert "answer the screening questions first" in early.json()["detail"]
        screening.screen_walker(world.ctx, person.actor, walker_id, CLEARED_SCREENING)
        assessments.record_assessment(world.ctx, person.actor, walker_id, BASELINE)
        plans.make_plan(world.ctx, person.actor, walker_id)
        logged = client.post(
            f"/api/v1/walkers/{walker_id}/sessions",
            json={"client_key": "gate-1", **SESSION},
            headers={"X-CSRF-Token": csrf},
        )
        assert logged.status_code == 201, logged.text
        same_day = client.post(
            f"/api/v1/walkers/{walker_id}/checkins",
            json={"pain_nprs": 1, "stiffness_nprs": 1, "new_red_flags": []},
            headers={"X-CSRF-Token": csrf},
        )
        history = client.get(f"/api/v1/walkers/{walker_id}/history").json()
    assert same_day.status_code == 409
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    # The day as every page says it ("Thursday 3 December"), never ISO.
    assert f"opens on {spoken_date(tomorrow)}" in same_day.json()["detail"]
    assert tomorrow.isoformat() not in same_day.json()["detail"]
    assert history["checkins"] == [], "a refused check-in stores nothing"


def test_join_page_refuses_used_expired_and_unknown_links_before_the_form(world: World) -> None:
    used = accounts.create_invitation(world.ctx, world.clinician_a.actor, "used@example.org")
    accounts.accept_invitation(
        world.ctx,
        used.token,
        {
            "display_name": "Used Walker",
            "password_hash": "x" * 40,
            "age_years": 66,
            "sex": "female",
            "knee_condition": "oa",
            "knee_side": "left",
            "timezone": "UTC",
        },
    )
    expired = accounts.create_invitation(
        world.ctx.at(datetime.now(UTC) - timedelta(days=2)),
        world.clinician_a.actor,
        "late@example.org",
        valid_days=1,
    )
    valid = accounts.create_invitation(world.ctx, world.clinician_a.actor, "fresh@example.org")
    with world.client() as client:
        pages = {
            name: client.get("/join", params={"token": token})
            for name, token in (
                ("used", used.token),
                ("expired", expired.token),
                ("unknown", "not-a-real-token"),
                ("valid", valid.token),
            )
        }
    for name in ("used", "expired", "unknown"):
        assert pages[name].status_code == 403, name
        assert "This invitation link cannot be used" in pages[name].text
        assert 'name="password"' not in pages[name].text, "no form to fill in for nothing"
        assert "@example.org" not in pages[name].text, "nothing about whose invitation it is"
    assert "already been used" in pages["used"].text
    assert "has expired" in pages["expired"].text
    assert pages["valid"].status_code == 200
    assert 'name="password"' in pages["valid"].text
