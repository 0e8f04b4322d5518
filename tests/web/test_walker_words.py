"""The walker's words, as she reads them on her phone (found by the outside-in test of the
words): the log form says only what happened, the next session is a time still to come, the
warning-sign questions are announced before the form they stop, and a refused check-in says
why its date."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from retrowalk.clinical.reasons import spoken_date
from retrowalk.present import vocabulary as vocab
from retrowalk.services import plans, sessions
from tests.web.conftest import SESSION_BODY, Person, World, form_csrf, sign_in
from tests.web.planned_walkers import planned, send, text_of


def _log_page(world: World, person: Person) -> str:
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/log")
    assert page.status_code == 200
    return text_of(page.text)


def _plan_line(world: World, person: Person) -> str:
    assert person.walker is not None
    plan = plans.todays_prescription(world.ctx, person.actor, person.walker.id).prescription
    assert plan is not None
    return vocab.plan_words(plan.duration_min, plan.speed_m_s, plan.surface)


def test_the_report_only_form_shows_the_plan_and_says_no_stop_she_did_not_make(
    world: World,
) -> None:
    """No session today (this morning's check-in comes first), so the form only takes a report
    of what went wrong: it said "You stopped early" and "Your plan: —"."""
    person = planned(world, walked_yesterday=True)
    text = _log_page(world, person)
    assert "Tell us what went wrong" in text
    assert "stopped early" not in text.lower()
    assert f"Your plan: {_plan_line(world, person)}." in text
    assert "Your plan: —" not in text


def test_the_log_form_says_stopped_early_only_after_the_stop_button(world: World) -> None:
    person = planned(world)
    text = _log_page(world, person)
    assert "stopped early" not in text.lower()
    assert "Your plan: —" not in text
    with world.client() as client:
        sign_in(client, person)
        stopped = text_of(client.get("/log", params={"stopped": "1", "done_min": "4"}).text)
    assert "You stopped early" in stopped


def test_a_late_logs_check_in_refusal_says_why_that_day(world: World) -> None:
    """A session walked two days ago and logged today: its check-in opens tomorrow morning,
    and the refusal says why (it gave a date alone)."""
    person = planned(world)
    assert person.walker is not None
    walked = datetime.now(UTC) - timedelta(days=2)
    saved = sessions.log_session(
        world.ctx,
        person.actor,
        person.walker.id,
        {**SESSION_BODY, "client_key": "late-log", "performed_at": walked.isoformat()},
    )
    with world.client() as client:
        sign_in(client, person)
        form = client.get("/checkin").text
        answer = client.post(
            "/checkin",
            data={
                "csrf_token": form_csrf(form),
                "session_id": str(saved.id),
                "pain_nprs": "2",
                "stiffness_nprs": "1",
            },
        )
    text = text_of(answer.text)
    assert answer.status_code in (409, 422)
    assert f"You logged your session of {spoken_date(saved.local_date)} on a later day" in text
    assert "opens the morning after you logged it: tomorrow (" in text


def test_the_log_form_says_first_that_the_warning_sign_questions_wait(world: World) -> None:
    """The clinic logged today's session before her morning check-in, so its warning-sign
    questions are unasked: the log form says so at the top, before the form, and the refusal
    of a log sent anyway is its own sentence, not "Please check:" (no box is wrong)."""
    person = planned(world, walked_yesterday=True)
    assert person.walker is not None
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        body = {**SESSION_BODY, "client_key": f"clinic-{person.walker.id}"}
        clinic = send(desk, csrf, f"/api/v1/walkers/{person.walker.id}/sessions", body)
        assert clinic.status_code == 201, clinic.text
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/log").text
        assert "data-red-flags-unasked" in page
        assert page.index("data-red-flags-unasked") < page.index('<form class="stack"')
        assert "Before you log a session, please answer the questions about warning signs" in (
            text_of(page)
        )
        assert 'href="/red-flags"' in page
        fields = {
            "csrf_token": form_csrf(page),
            "client_key": "after-clinic",
            "asked_another": "1",
            "another_today": "yes",
            "pain_before_nprs": "1",
            "pain_peak_nprs": "2",
            "pain_after_nprs": "1",
            "effort_cr10": "3",
            "supervised": "yes",
            "duration_min": "10",
            "speed_m_s": "0.7",
            "surface": "treadmill_with_handrails",
        }
        refused = client.post("/log", data=fields)
    assert refused.status_code == 409
    error = re.search(r'id="form-error"[^>]*>(.*?)</div>', refused.text, re.S)
    assert error is not None
    assert "Please check" not in error.group(1)
    assert "First the questions about warning signs" in text_of(error.group(1))
