"""The web app as its people use it: each test pins what a walker or clinician relies on.

A 65-year-old who leaves a question open reads the question's own words, never a field name;
the morning check-in waits for the morning; a used invitation link says so and offers sign-in
instead of a form that cannot work; odd text in a clinician's KOOS box is a 422, not a 500.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrowalk.present.days import date_words
from retrowalk.services import accounts, assessments, history, plans, screening, sessions
from retrowalk.web import labels
from retrowalk.web.passwords import hash_password
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    LiveServer,
    Person,
    World,
    a_day_ago,
    build_world,
    form_csrf,
    invite_walker,
    sign_in,
)

_serial = count(1)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """This file's own app and database: its new walkers never show up in other tests' lists."""
    app, built = build_world(tmp_path_factory.mktemp("audit"))
    with LiveServer(app) as server:
        built.url = server.url
        yield built
    built.ctx.db.dispose()


def new_walker_with_plan(world: World) -> Person:
    """A fresh walker of clinician A, screened, tested and with a plan (no sessions yet)."""
    n = next(_serial)
    person = invite_walker(
        world.ctx, world.clinician_a, f"audit{n}@example.org", f"Audit Walker {n}", "audit-pass-1"
    )
    assert person.walker is not None
    walker_id = person.walker.id
    screening.screen_walker(world.ctx, person.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(world.ctx, person.actor, walker_id, BASELINE)
    plans.make_plan(world.ctx, person.actor, walker_id)
    return person


def log_session(
    world: World, person: Person, performed_at: datetime | None = None, *, late: bool = False
) -> int:
    """Log a session, by default when walked (``late``: logged now, whenever it was walked:
    a session logged late gets its report the morning after the log)."""
    assert person.walker is not None
    saved = sessions.log_session(
        world.ctx.at(performed_at) if performed_at is not None and not late else world.ctx,
        person.actor,
        person.walker.id,
        {
            "client_key": f"audit-{person.walker.id}-{next(_serial)}",
            "performed_at": performed_at,
            "duration_min": 10,
            "speed_m_s": 0.7,
            "surface": "treadmill_with_handrails",
            "supervised": True,
            "pain_before_nprs": 2,
            "pain_peak_nprs": 3,
            "pain_after_nprs": 2,
            "effort_cr10": 4,
        },
    )
    return saved.id


def error_summary(page: str) -> str:
    """The text of the page's error summary (the box read out first), unescaped."""
    match = re.search(r'id="form-error"[^>]*>(.*?)</div>', page, re.S)
    assert match, "the page has no error summary"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def page_text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# --- readable messages --------------------------------------------------------------------------


def test_the_log_names_unanswered_questions_in_the_pages_own_words(world: World) -> None:
    person = new_walker_with_plan(world)
    with world.client() as client:
        sign_in(client, person)
        form = client.get("/log")
        response = client.post(
            "/log",
            data={
                "csrf_token": form_csrf(form.text),
                "client_key": "unanswered",
                "duration_min": "10",
                "surface": "treadmill_with_handrails",
                "supervised": "yes",
            },
        )
    assert response.status_code == 422
    summary = error_summary(response.text)
    for question in (
        "Your worst knee pain during the session",
        "Knee pain just before you started",
        "Knee pain now",
        "How hard was it",
    ):
        assert f"{question}: please answer this" in summary, summary
    assert summary.index("Your worst knee pain") < summary.index("Knee pain just before"), (
        "the summary follows the page's order"
    )
    assert "nprs" not in summary
    assert "cr10" not in summary
    assert "Input should" not in summary
    assert "integer" not in summary


def test_a_word_in_a_number_box_asks_for_a_number(world: World) -> None:
    person = invite_walker(
        world.ctx, world.clinician_a, "numbers@example.org", "Number Walker", "numbers-pass-1"
    )
    assert person.walker is not None
    screening.screen_walker(world.ctx, person.actor, person.walker.id, CLEARED_SCREENING)
    with world.client() as client:
        sign_in(client, person)
        form = client.get("/onboarding/tests")
        response = client.post(
            "/onboarding/tests",
            data={
                "csrf_token": form_csrf(form.text),
                "backward_walk_3m_s": "4.2",
                "tug_s": "nine",
                "chair_stand_count": "12.5",
            },
        )
    assert response.status_code == 422
    summary = error_summary(response.text)
    assert (
        "Timed Up and Go (seconds): please write a number with the digits 0 to 9, for example 9.5"
        in summary
    )
    assert "Number of full stands in 30 seconds: please write a whole number" in summary
    assert 'value="nine"' in response.text, "the answers typed are kept"


ADMIN_ONLY_FIELDS = ("clinician_id", "reassign_reason")
"""The "Move to another clinician" form, on the page for an administrator only
(tests/web/test_reassign_pages.py reads it there)."""


def test_every_question_a_message_names_is_on_its_page(world: World) -> None:
    """The error summary quotes labels.*_FIELDS: each must be the page's own words."""
    person = new_walker_with_plan(world)
    assert person.walker is not None
    log_session(world, person, performed_at=a_day_ago(datetime.now(UTC)))
    with world.client() as client:
        sign_in(client, person)
        pages = {
            "/log": labels.LOG_FIELDS,
            "/checkin": labels.CHECKIN_FIELDS,
            "/red-flags": labels.RED_FLAG_FIELDS,
            "/onboarding/tests": labels.TEST_FIELDS,
        }
        for path, fields in pages.items():
            text = page_text(client.get(path).text)
            for name, words in fields.items():
                assert words in text, f"{path}: {name} is asked as {words!r}?"
    with world.client() as client:
        # The form is shown only for a link that can still be used.
        token = accounts.create_invitation(
            world.ctx, world.clinician_a.actor, "questions@example.org"
        ).token
        text = page_text(client.get("/join", params={"token": token}).text)
        for name, words in labels.JOIN_FIELDS.items():
            assert words in text, f"/join: {name}"
    # A restriction, so that its "Clear" form is on the page too.
    screening.screen_walker(
        world.ctx, person.actor, person.walker.id, {**CLEARED_SCREENING, "uses_walking_aid": True}
    )
    with world.client() as client:
        sign_in(client, world.clinician_a)
        text = page_text(client.get(f"/clinician/walkers/{person.walker.id}").text)
        for name, words in labels.CLINICIAN_FIELDS.items():
            if name not in ("koos_answers", *ADMIN_ONLY_FIELDS):
                assert words in text, f"clinician page: {name}"


# --- the morning check-in waits for the morning -------------------------------------------------


def test_the_check_in_opens_the_morning_after_the_session(world: World) -> None:
    person = new_walker_with_plan(world)
    assert person.walker is not None
    today_session = log_session(world, person)
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/checkin")
        assert "opens tomorrow morning" in page.text
        assert 'name="pain_nprs"' not in page.text, "no form to fill in the same day"
        token = form_csrf(page.text)
        for session_id in (str(today_session), ""):
            refused = client.post(
                "/checkin",
                data={
                    "csrf_token": token,
                    "session_id": session_id,
                    "pain_nprs": "2",
                    "stiffness_nprs": "2",
                },
            )
            assert refused.status_code == 422
            assert "come back tomorrow morning" in error_summary(refused.text)
        logged = client.get("/today")
        assert 'href="/checkin"' not in logged.text.split("Tomorrow morning")[-1]
    record = history.walker_history(world.ctx, person.actor, person.walker.id)
    assert record.checkins == (), "nothing was decided on a same-day report"


def test_the_check_in_of_yesterdays_session_is_taken(world: World) -> None:
    person = new_walker_with_plan(world)
    assert person.walker is not None
    yesterday = log_session(world, person, performed_at=a_day_ago(datetime.now(UTC)))
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/checkin")
        assert 'name="pain_nprs"' in page.text
        done = client.post(
            "/checkin",
            data={
                "csrf_token": form_csrf(page.text),
                "session_id": str(yesterday),
                "pain_nprs": "2",
                "stiffness_nprs": "1",
            },
        )
    assert done.status_code == 200, done.text
    assert "Thank you" in done.text
    record = history.walker_history(world.ctx, person.actor, person.walker.id)
    assert [c.session_id for c in record.checkins] == [yesterday]


def test_a_session_logged_late_says_when_its_check_in_opens(world: World) -> None:
    """Found by the outside-in test: a session of yesterday logged today showed "Do the
    morning check-in", whose form was then refused. Its report opens the morning after the
    log (policy): today and the check-in page say that date, and offer no form."""
    person = new_walker_with_plan(world)
    assert person.walker is not None
    log_session(world, person, a_day_ago(datetime.now(UTC)), late=True)
    today = plans.todays_prescription(world.ctx, person.actor, person.walker.id)
    assert today.checkin_opens_on == today.local_date + timedelta(days=1)
    opens = date_words(today.checkin_opens_on)  # "Wednesday 3 December", never "03 December"
    with world.client() as client:
        sign_in(client, person)
        page = page_text(client.get("/today").text)
        assert "Do the morning check-in" not in page
        assert f"opens on {opens}" in page
        checkin = client.get("/checkin").text
        assert 'name="pain_nprs"' not in checkin, "no form that would be refused"
        assert f"opens on {opens}" in page_text(checkin)
        api = client.get(f"/api/v1/walkers/{person.walker.id}/today").json()
        assert api["checkin_opens_on"] == today.checkin_opens_on.isoformat()


# --- invitations --------------------------------------------------------------------------------


def test_a_used_invitation_link_says_so_and_offers_sign_in(world: World) -> None:
    token = accounts.create_invitation(
        world.ctx, world.clinician_a.actor, "twice@example.org"
    ).token
    accounts.accept_invitation(
        world.ctx,
        token,
        {
            "display_name": "First Use",
            "password_hash": hash_password("first-use-pass"),
            "age_years": 70,
            "sex": "male",
            "knee_condition": "oa",
            "knee_side": "both",
            "timezone": "UTC",
        },
    )
    with world.client() as client:
        form = client.get("/join", params={"token": token})
        # The GET already refuses the used link (no form to fill in for nothing); a form
        # opened before the link was used and sent afterwards is refused the same way.
        response = client.post(
            "/join",
            data={
                "csrf_token": form_csrf(client.get("/login").text),
                "token": token,
                "display_name": "Second Use",
                "password": "second-use-pass",
                "password_again": "second-use-pass",
                "age_years": "70",
                "sex": "male",
                "knee_condition": "oa",
                "knee_side": "both",
                "timezone": "UTC",
            },
        )
        no_token = client.get("/join")
    assert form.status_code == 403
    assert "already been used" in page_text(form.text)
    assert 'name="password_again"' not in form.text, "no form for a used link"
    assert response.status_code == 403
    text = page_text(response.text)
    assert "This invitation link cannot be used" in text
    assert "already used" in text
    assert 'href="/login"' in response.text
    assert 'name="password_again"' not in response.text, "not the form again"
    assert no_token.status_code == 403
    assert "no invitation code" in page_text(no_token.text)


# --- bad input from a clinician: 422, never 500 ---------------------------------------------------


@pytest.fixture(scope="module")
def clinician_client(world: World) -> httpx.Client:
    client = world.client()
    sign_in(client, world.clinician_a)
    return client


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    answer=st.one_of(
        st.sampled_from(["²", "٣", "9" * 5000, "99999999999999999999", "-1", "5", " 3 "]),
        st.text(min_size=1, max_size=12),
    )
)
def test_any_text_in_a_koos_box_is_answered_with_a_sentence(
    world: World, clinician_client: httpx.Client, answer: str
) -> None:
    assert world.walker_a.walker is not None
    url = f"/clinician/walkers/{world.walker_a.walker.id}"
    token = form_csrf(clinician_client.get(url).text)
    response = clinician_client.post(
        f"{url}/assess", data={"csrf_token": token, "koos_P1": answer, "tug_s": "nine"}
    )
    assert response.status_code == 422, response.text[:300]
    assert "Timed Up and Go (s): please write a number" in error_summary(response.text)


# --- script in names and notes stays text -------------------------------------------------------


def test_script_in_a_walker_name_and_a_note_is_shown_as_text(world: World) -> None:
    n = next(_serial)
    person = invite_walker(
        world.ctx,
        world.clinician_a,
        f"xss{n}@example.org",
        "<script>alert(1)</script><img src=x onerror=alert(2)>",
        "xss-password-1",
    )
    assert person.walker is not None
    with world.client() as client:
        sign_in(client, world.clinician_a)
        url = f"/clinician/walkers/{person.walker.id}"
        token = form_csrf(client.get(url).text)
        client.post(f"{url}/note", data={"csrf_token": token, "note_text": "<b onclick=x>hi</b>"})
        walker_page = client.get(url).text
        walker_list = client.get("/clinician").text
    for page in (walker_page, walker_list):
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b onclick" not in walker_page
    assert "&lt;b onclick=x&gt;hi&lt;/b&gt;" in walker_page


# --- "I need to stop" keeps what happened out of the address bar --------------------------------


def test_the_stop_dialog_puts_no_free_text_in_the_address(world: World) -> None:
    """The dialog goes to the log by GET: a typed note would sit in the URL and the history."""
    person = new_walker_with_plan(world)
    with world.client() as client:
        sign_in(client, person)
        session_page = client.get("/session").text
        log_page = client.get(
            "/log", params={"stopped": "1", "adverse_events": "fall", "note": "secret"}
        ).text
    dialog = session_page[session_page.index('<dialog id="stop-dialog"') :]
    dialog = dialog[: dialog.index("</dialog>")]
    assert 'method="get"' in dialog
    assert "<textarea" not in dialog
    assert 'type="text"' not in dialog
    assert "What happened, in your own words?" in log_page, "the note is asked on the log page"
    assert "secret" not in log_page


# --- the clinician's adjustment form works from the page ----------------------------------------


def test_a_clinician_changes_the_minutes_from_the_walker_page(world: World) -> None:
    """The form used to send a supervision field the service does not take: every change failed."""
    person = new_walker_with_plan(world)
    assert person.walker is not None
    url = f"/clinician/walkers/{person.walker.id}"
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(url)
        fields = set(
            re.findall(
                r'name="([a-z_]+)"',
                page.text.split('action="' + url + '/adjust"')[1].split("</form>")[0],
            )
        )
        token = form_csrf(page.text)
        no_reason = client.post(f"{url}/adjust", data={"csrf_token": token, "duration_min": "12"})
        changed = client.post(
            f"{url}/adjust",
            data={
                "csrf_token": token,
                **{name: "" for name in fields if name not in ("csrf_token", "adjust_reason")},
                "duration_min": "12",
                "adjust_reason": "Tolerating 10 minutes well for two weeks.",
            },
        )
    assert no_reason.status_code == 422
    assert error_summary(no_reason.text) == "Please check: Reason (required): please answer this."
    assert changed.status_code == 303, error_summary(changed.text)
    today = plans.todays_prescription(world.ctx, person.actor, person.walker.id)
    assert today.prescription is not None
    assert today.prescription.duration_min == 12
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(url)
        incline = client.post(
            f"{url}/adjust",
            data={
                "csrf_token": form_csrf(page.text),
                "incline_pct": "10",
                "adjust_reason": "Try a slope.",
            },
        )
    # a rule of the services, said in the form's words (it said "incline_pct: 10 is not …")
    assert incline.status_code == 422
    said = error_summary(incline.text)
    assert "Incline (%): expected 0 % unless the surface is a treadmill" in said
    assert "incline_pct" not in said


# --- the log: only with a plan, and an empty speed box is asked for in words ---------------------


def test_the_log_waits_for_the_safety_questions(world: World) -> None:
    person = invite_walker(
        world.ctx, world.clinician_a, "unscreened@example.org", "Not Yet", "not-yet-pass-1"
    )
    with world.client() as client:
        sign_in(client, person)
        response = client.get("/log")
        today = client.get(response.headers["location"])
    assert response.status_code == 303
    assert response.headers["location"].startswith("/today?flash=")
    assert "safety questions" in page_text(today.text)


def test_an_emptied_speed_box_is_asked_for_in_words(world: World) -> None:
    person = new_walker_with_plan(world)
    with world.client() as client:
        sign_in(client, person)
        form = client.get("/log")
        response = client.post(
            "/log",
            data={
                "csrf_token": form_csrf(form.text),
                "client_key": "no-speed",
                "duration_min": "10",
                "speed_m_s": "",
                "surface": "treadmill_with_handrails",
                "supervised": "yes",
                "pain_before_nprs": "2",
                "pain_peak_nprs": "3",
                "pain_after_nprs": "2",
                "effort_cr10": "4",
            },
        )
    assert response.status_code == 422
    summary = error_summary(response.text)
    assert "Speed, if you know it: please write the speed you walked at" in summary
    assert "speed_m_s" not in summary
    assert "distance_m" not in summary


def test_the_next_step_after_screening_is_said_without_test_acronyms(world: World) -> None:
    person = invite_walker(
        world.ctx, world.clinician_a, "screened@example.org", "Screened", "screened-pass-1"
    )
    assert person.walker is not None
    screening.screen_walker(world.ctx, person.actor, person.walker.id, CLEARED_SCREENING)
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/today").text
    text = page_text(page)
    assert "four short tests of your balance and of walking backwards" in text
    assert "TUG" not in text
    assert 'href="/onboarding/tests"' in page, "the next step is one tap away"
