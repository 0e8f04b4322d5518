"""Issue 12's rough edges, over HTTP (and the CLI where the same rule holds there).

- A second session log on the same day asks "another session today?" and is stored marked as
  such; "no" stores nothing, no answer is asked again.
- A note over the limit is refused with the limit named, on the web, the API and the CLI —
  never cut short without a word; the typed text comes back to be shortened.
- A form that fails stores nothing (the empty baseline tests, an unanswered log, an
  unanswered check-in, an empty clinician note).
"""

from __future__ import annotations

import html
import re
from itertools import count
from typing import Any

import pytest
from typer.testing import CliRunner

from retrowalk.services import InvalidRequest, history, screening, sessions
from retrowalk.services.schemas.base import TEXT_MAX_CHARS
from tests.cli.screen_args import CLEAR
from tests.web.conftest import (
    CLEARED_SCREENING,
    SESSION_BODY,
    Person,
    World,
    form_csrf,
    invite_walker,
    sign_in,
)
from tests.web.own_world import world
from tests.web.test_walker_usability import new_walker_with_plan

__all__ = ["world"]  # this module's own app (tests/web/own_world.py)

_serial = count(1)

LOG_FORM = {
    "pain_before_nprs": "2",
    "pain_peak_nprs": "3",
    "pain_after_nprs": "2",
    "effort_cr10": "4",
    "supervised": "yes",
    "duration_min": "10",
    "speed_m_s": "0.7",
    "incline_pct": "0",
    "surface": "treadmill_with_handrails",
}


def _log_form(client: Any) -> tuple[str, dict[str, str]]:
    page = client.get("/log").text
    key = re.search(r'name="client_key" value="([^"]+)"', page)
    assert key is not None
    return page, {**LOG_FORM, "csrf_token": form_csrf(page), "client_key": key[1]}


def _count(world: World, person: Person) -> tuple[int, int, int, int]:
    assert person.walker is not None
    record = history.walker_history(world.ctx, world.admin, person.walker.id, weeks=520)
    return (len(record.sessions), len(record.checkins), len(record.assessments), len(record.notes))


def _alert(page: str) -> str:
    found = re.search(r'id="form-error"[^>]*>(.*?)</div>', page, flags=re.S)
    assert found is not None, "no error summary on the page"
    return html.unescape(re.sub(r"<[^>]+>", "", found[1]))


# --- another session today? ---------------------------------------------------------------------


def test_a_second_log_on_the_same_day_asks_and_is_stored_as_another(world: World) -> None:
    person = new_walker_with_plan(world)
    with world.client() as client:
        sign_in(client, person)
        page, form = _log_form(client)
        assert "another session today" not in page, "the first log of the day asks nothing"
        assert client.post("/log", data=form).status_code == 200

        page, form = _log_form(client)
        assert "You already logged a session today. Is this another session today?" in page
        unanswered = client.post("/log", data={**form, "asked_another": "1"})
        assert unanswered.status_code == 422
        assert "Is this another session today: please choose Yes or No." in _alert(unanswered.text)
        assert _count(world, person)[0] == 1, "nothing stored without an answer"

        said_no = client.post("/log", data={**form, "asked_another": "1", "another_today": "no"})
        assert said_no.status_code == 303
        assert "already logged" in client.get(said_no.headers["location"]).text
        assert _count(world, person)[0] == 1, "'no' stores nothing"

        said_yes = client.post("/log", data={**form, "asked_another": "1", "another_today": "yes"})
        assert said_yes.status_code == 200
        assert "saved as another session today" in said_yes.text
    assert person.walker is not None
    stored = history.walker_history(world.ctx, world.admin, person.walker.id).sessions
    assert [s.another_today for s in stored] == [False, True]

    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        walker_page = desk.get(f"/clinician/walkers/{person.walker.id}").text
        assert walker_page.count("data-another-today") == 1


def test_the_api_and_services_record_a_second_session_and_refuse_one_said_not_to_be(
    world: World,
) -> None:
    person = new_walker_with_plan(world)
    assert person.walker is not None
    walker_id = person.walker.id
    first = sessions.log_session(
        world.ctx, person.actor, walker_id, {**SESSION_BODY, "client_key": "day-1"}
    )
    assert first.another_today is False
    with pytest.raises(InvalidRequest) as refused:
        sessions.log_session(
            world.ctx,
            person.actor,
            walker_id,
            {**SESSION_BODY, "client_key": "day-2", "another_today": False},
        )
    assert refused.value.field == "another_today"
    assert "already logged" in str(refused.value)
    again = sessions.log_session(
        world.ctx, person.actor, walker_id, {**SESSION_BODY, "client_key": "day-1"}
    )
    assert again.created is False, "a resent key is the same session, not a second one"
    with world.client() as client:
        csrf = sign_in(client, person)
        url = f"/api/v1/walkers/{walker_id}/sessions"
        headers = {"X-CSRF-Token": csrf}
        body = {**SESSION_BODY, "client_key": "day-3", "another_today": False}
        answer = client.post(url, json=body, headers=headers)
        assert answer.status_code == 422
        assert answer.json()["problems"][0]["field"] == "another_today"
        body = {**SESSION_BODY, "client_key": "day-3"}
        answer = client.post(url, json=body, headers=headers)
        assert answer.status_code == 201, answer.text
        assert answer.json()["another_today"] is True


# --- over-long notes are refused with the limit named ---------------------------------------


TOO_LONG = "x" * (TEXT_MAX_CHARS + 1)


def test_an_over_long_note_on_the_log_is_refused_with_the_limit_and_kept(world: World) -> None:
    person = new_walker_with_plan(world)
    with world.client() as client:
        sign_in(client, person)
        page, form = _log_form(client)
        assert "maxlength" not in page, "the browser must not cut a pasted note silently"
        assert "Up to 4,000 characters." in page
        answer = client.post("/log", data={**form, "note": TOO_LONG})
    assert answer.status_code == 422
    assert "Note (optional): please shorten this to at most 4,000 characters" in _alert(answer.text)
    assert TOO_LONG in answer.text, "the text comes back to be shortened"
    assert 'aria-invalid="true" aria-describedby="note-error note-hint"' in answer.text
    assert _count(world, person)[0] == 0


def test_an_over_long_note_is_refused_by_the_api_and_the_clinician_page(world: World) -> None:
    person = new_walker_with_plan(world)
    assert person.walker is not None
    walker_id = person.walker.id
    with world.client() as client:
        csrf = sign_in(client, person)
        answer = client.post(
            f"/api/v1/walkers/{walker_id}/sessions",
            json={**SESSION_BODY, "client_key": "long-note", "note": TOO_LONG},
            headers={"X-CSRF-Token": csrf},
        )
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert problem["field"] == "note"
    assert problem["limits"] == {"max_length": TEXT_MAX_CHARS}
    assert "4000" in answer.json()["detail"]
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        page = desk.get(f"/clinician/walkers/{walker_id}").text
        answer = desk.post(
            f"/clinician/walkers/{walker_id}/note",
            data={"csrf_token": form_csrf(page), "note_text": TOO_LONG},
        )
    assert answer.status_code == 422
    assert "at most 4,000 characters" in html.unescape(answer.text)
    assert _count(world, person) == (0, 0, 1, 0)


def test_an_over_long_note_is_refused_by_the_cli(tmp_path: Any) -> None:
    from retrowalk.cli import app as root

    url = f"sqlite+pysqlite:///{tmp_path / 'cli.sqlite'}"
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(root.app, [*args, "--database-url", url])

    assert run("init").exit_code == 0
    added = run(
        "walker", "add", "--email", "n@example.org", "--name", "N", "--age", "67",
        "--sex", "female", "--knee", "oa", "--timezone", "UTC",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert run("screen", "1", *CLEAR).exit_code == 0
    assessed = run("assess", "1", "--tug-s", "9", "--tandem-s", "12", "--backward-3m-s", "4")
    assert assessed.exit_code == 0, assessed.output
    assert run("plan", "1").exit_code == 0
    log = ("log", "1", "--as-prescribed", "--pain-before", "2", "--pain-peak", "2")
    result = run(*log, "--pain-after", "2", "--effort", "3", "--note", TOO_LONG)
    # The CLI's root turns this one-sentence error into exit status 2 (tests/cli check that).
    assert isinstance(result.exception, InvalidRequest), result.output
    assert "--note: must be at most 4000 characters long" in str(result.exception)
    history_out = run("history", "1", "--json")
    assert '"sessions": []' in history_out.output


# --- a failed form stores nothing ---------------------------------------------------------------


def test_a_failed_form_stores_nothing(world: World) -> None:
    n = next(_serial)
    person = invite_walker(
        world.ctx, world.clinician_a, f"edge{n}@example.org", f"Edge {n}", "edge-pass-12"
    )
    assert person.walker is not None
    screening.screen_walker(world.ctx, person.actor, person.walker.id, CLEARED_SCREENING)
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/onboarding/tests").text
        empty = client.post("/onboarding/tests", data={"csrf_token": form_csrf(page)})
        assert empty.status_code == 422
        assert "nothing was saved" in _alert(empty.text)
        assert _count(world, person) == (0, 0, 0, 0), "the empty tests stored no assessment"

    person = new_walker_with_plan(world)
    assert person.walker is not None
    before = _count(world, person)
    with world.client() as client:
        sign_in(client, person)
        _, form = _log_form(client)
        unanswered = {k: v for k, v in form.items() if k not in ("pain_peak_nprs", "supervised")}
        assert client.post("/log", data=unanswered).status_code == 422
        page = client.get("/checkin").text
        if "csrf_token" in page:
            client.post("/checkin", data={"csrf_token": form_csrf(page)})
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        page = desk.get(f"/clinician/walkers/{person.walker.id}").text
        empty_note = desk.post(
            f"/clinician/walkers/{person.walker.id}/note",
            data={"csrf_token": form_csrf(page), "note_text": "   "},
        )
        assert empty_note.status_code == 422
    assert _count(world, person) == before


def test_the_limit_named_is_the_limit_checked() -> None:
    """``TEXT_MAX_CHARS`` (quoted by the pages) is the ``max_length`` of every free text."""
    from pydantic import TypeAdapter, ValidationError

    from retrowalk.services.schemas.base import Note, Reason3, Text

    for kind in (Note, Text, Reason3):
        adapter: TypeAdapter[str] = TypeAdapter(kind)
        assert adapter.validate_python("a" * TEXT_MAX_CHARS)
        with pytest.raises(ValidationError):
            adapter.validate_python("a" * (TEXT_MAX_CHARS + 1))


# --- numbers typed as text: one grammar, never a crash -----------------------------------------


def test_superscript_digits_in_an_address_or_a_hidden_field_never_crash(world: World) -> None:
    """``"²".isdigit()`` is true and ``int("²")`` fails: ``?who=²`` and ``invitation_id=²``
    answered 500 once. Now a sentence, and the page."""
    assert world.walker_a.walker is not None
    walker_id = world.walker_a.walker.id
    with world.client() as client:
        csrf = sign_in(client, world.clinician_a)
        for bad in ("²", "1_0", "-1", "x"):
            audit = client.get(f"/clinician/walkers/{walker_id}/audit", params={"who": bad})
            assert audit.status_code == 422, bad
            assert "Who: please choose a person from the list." in html.unescape(audit.text)
            assert "Change log" in audit.text, "the log is still shown, unfiltered"
        for action in ("withdraw", "reissue"):
            refused = client.post(
                f"/clinician/invitations/{action}",
                data={"invitation_id": "²", "csrf_token": csrf},
            )
            assert refused.status_code == 422
            assert "That invitation was not recognised" in refused.text
        # 1_0 is not walker 10, nor page 10 of a change log
        assert client.get("/clinician/walkers/1_0").status_code == 422
        assert client.get(f"/api/v1/walkers/{walker_id}_0").status_code == 422
        listing = client.get(f"/clinician/walkers/{walker_id}/audit", params={"page": "1_0"})
        assert listing.status_code == 422


@pytest.mark.parametrize(
    ("box", "typed", "words"),
    [
        ("pain_peak_nprs", "1_0", "worst knee pain during the session: please write a whole"),
        ("pain_peak_nprs", "²", "please write a whole number with the digits 0 to 9"),
        ("duration_min", "1,000", "could mean a thousand or one"),
        ("duration_min", "inf", "please write a number with the digits 0 to 9"),
        ("duration_min", "0.00001", "must be 0 (no backward walking) or at least 0.1 minutes"),
        ("speed_m_s", "0.0001", "at least 0.01 m/s (1 cm a second)"),
    ],
)
def test_a_number_box_of_the_session_log_refuses_what_python_alone_would_read(
    world: World, box: str, typed: str, words: str
) -> None:
    person = new_walker_with_plan(world)
    with world.client() as client:
        sign_in(client, person)
        _, form = _log_form(client)
        refused = client.post("/log", data={**form, box: typed})
    assert refused.status_code == 422
    assert words.lower() in _alert(refused.text).lower()
    assert "_nprs" not in _alert(refused.text)
    assert "m_s" not in _alert(refused.text)
    assert _count(world, person)[0] == 0


def test_the_guided_timers_tenths_of_a_minute_are_still_taken(world: World) -> None:
    """The guided session sends ``toFixed(1)`` minutes: 0.1 and 0.0 (not walked, stopped)."""
    person = new_walker_with_plan(world)
    with world.client() as client:
        sign_in(client, person)
        _, form = _log_form(client)
        assert client.post("/log", data={**form, "duration_min": "0.1"}).status_code == 200
    assert _count(world, person)[0] == 1


def test_none_of_these_sent_as_0_is_not_taken_as_ticked(world: World) -> None:
    person = new_walker_with_plan(world)
    with world.client() as client:
        sign_in(client, person)
        page = client.get("/red-flags").text
        refused = client.post(
            "/red-flags", data={"none_of_these": "0", "csrf_token": form_csrf(page)}
        )
    assert refused.status_code == 422
    assert "Tick each warning sign that is new" in html.unescape(refused.text)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"supervised": 1}, "supervised", "must be true or false"),
        ({"duration_min": "0.5"}, "duration_min", "must be a number"),
        ({"pain_peak_nprs": True}, "pain_peak_nprs", "must be a whole number"),
        ({"duration_min": 1e-300}, "duration_min", "or at least 0.1 minutes"),
        ({"speed_m_s": 0.0001}, "speed_m_s", "would show as 0.00"),
        ({"client_key": "a b"}, "client_key", "the digits 0 to 9 and the signs _ . : -"),
        ({"client_key": ""}, "client_key", "must not be empty"),
    ],
)
def test_the_api_takes_numbers_and_yes_no_only_as_json_numbers_and_booleans(
    world: World, change: dict[str, Any], field: str, words: str
) -> None:
    person = new_walker_with_plan(world)
    assert person.walker is not None
    with world.client() as client:
        csrf = sign_in(client, person)
        answer = client.post(
            f"/api/v1/walkers/{person.walker.id}/sessions",
            json={**SESSION_BODY, "client_key": "strict-1", **change},
            headers={"X-CSRF-Token": csrf},
        )
    assert answer.status_code == 422
    problems = {p["field"]: p["message"] for p in answer.json()["problems"]}
    assert words in problems[field]
    assert "pattern" not in answer.json()["detail"]
    assert "[A-Za-z" not in answer.json()["detail"]
    assert _count(world, person)[0] == 0


def test_the_api_names_the_field_of_a_missing_list_and_never_shows_python(world: World) -> None:
    person = new_walker_with_plan(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        headers = {"X-CSRF-Token": csrf}
        nulled = client.post(
            f"{base}/screenings", json={**CLEARED_SCREENING, "red_flags": None}, headers=headers
        )
        short = client.post(
            f"{base}/screenings", json={**CLEARED_SCREENING, "parq": [True]}, headers=headers
        )
        checkin = client.post(
            f"{base}/checkins",
            json={"session_id": True, "pain_nprs": 1, "stiffness_nprs": 1, "new_red_flags": []},
            headers=headers,
        )
    assert nulled.status_code == 422
    assert nulled.json()["detail"] == "red_flags: must be a list, [] for none."
    assert short.status_code == 422
    assert "(True,)" not in short.text
    assert "1 answer (yes)" in short.json()["detail"]
    assert checkin.status_code == 422
    assert checkin.json()["problems"][0]["field"] == "session_id"
