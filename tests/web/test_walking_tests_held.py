"""The walking tests held under a red flag or a serious adverse event, over a real socket.

While a red flag (stop and refer, RULES.md §7.7) or a fall, chest pain or dizziness not yet
reviewed (§7.8) stands, the tests page offers no test and refuses one sent anyway, the JSON API
refuses it (for the walker and her clinician alike), each with one plain sentence, and nothing
is stored; only a clinician's recorded clearance lifts it (§7.1; that the tests wait with the
sessions is retrowalk policy, ``services.walking_tests_gate``). A session walked before the red
flag was reported is still logged; one walked after it is refused. The clinician's page words
the restriction in the clinician's words and says which warning-sign questions are unasked.
(The services have their own tests in ``tests/services/test_held_at_the_edges.py``, the
terminal in ``tests/cli/test_restrictions_cli.py``.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import httpx

from retrowalk.clinical.red_flags import CLINICIAN_NAMES, RED_FLAGS, KneeRedFlag
from retrowalk.services import screening
from retrowalk.services.walking_tests_gate import TESTS_WAIT
from tests.web.conftest import (
    CLEARED_SCREENING,
    SESSION_BODY,
    Person,
    World,
    form_csrf,
    invite_walker,
    sign_in,
)
from tests.web.planned_walkers import planned, send, text_of

_n = count()
CALF = KneeRedFlag.CALF_PAIN_SWELLING_WARMTH
TUG = {"kind": "reassessment", "tug_s": 9.0, "backward_walk_3m_s": 4.2}
KOOS_ONLY = {"kind": "reassessment", "koos_answers": {"P1": 1, "P2": 1, "Q1": 1, "Q2": 1}}
TEST_FORM = {"tug_s": "9", "backward_walk_3m_s": "4.2", "chair_stand_count": "14"}


def _assessments(client: httpx.Client, base: str) -> int:
    return len(client.get(f"{base}/history").json()["assessments"])


def _tests_refused_everywhere(world: World, person: Person, base: str) -> None:
    """The page offers no test and refuses one posted anyway; the API refuses the walker and
    her clinician; each with one plain sentence; nothing is stored."""
    with world.client() as client:
        csrf = sign_in(client, person)
        stored = _assessments(client, base)
        page = client.get("/onboarding/tests")
        assert page.status_code == 200
        assert "data-tests-held" in page.text
        assert "No walking tests now" in text_of(page.text)
        assert TESTS_WAIT in text_of(page.text)
        assert 'name="tug_s"' not in page.text, "no test is offered"
        # a form sent anyway (an old tab, a saved page): refused on the page, in words
        posted = client.post(
            "/onboarding/tests", data={**TEST_FORM, "csrf_token": form_csrf(page.text)}
        )
        assert posted.status_code == 409, posted.text
        assert "data-tests-held" in posted.text
        assert "No walking tests now" in text_of(posted.text)
        api = send(client, csrf, f"{base}/assessments", TUG)
        assert api.status_code == 409, api.text
        detail = api.json()["detail"]
        assert "No walking tests now" in detail
        assert TESTS_WAIT in detail
        # the knee questionnaire is answered sitting down: kept
        assert send(client, csrf, f"{base}/assessments", KOOS_ONLY).status_code == 201
        assert _assessments(client, base) == stored + 1
    assert person.walker is not None
    page_path = f"/clinician/walkers/{person.walker.id}"
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        by_clinician = send(desk, csrf, f"{base}/assessments", TUG)
        assert by_clinician.status_code == 409, by_clinician.text
        assert "No walking tests now" in by_clinician.json()["detail"]
        # her clinician's page says so by the form, and refuses the form sent all the same
        page = desk.get(page_path).text
        assert "data-tests-held" in page
        form = desk.post(f"{page_path}/assess", data={**TEST_FORM, "csrf_token": form_csrf(page)})
        assert form.status_code == 409, form.text
        assert "No walking tests now" in text_of(form.text)
        assert _assessments(desk, base) == stored + 1


def _tests_offered_again(world: World, person: Person, base: str) -> None:
    assert person.walker is not None
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        assert "data-tests-held" not in desk.get(f"/clinician/walkers/{person.walker.id}").text
    with world.client() as client:
        csrf = sign_in(client, person)
        page = client.get("/onboarding/tests").text
        assert "data-tests-held" not in page
        assert 'name="tug_s"' in page
        assert send(client, csrf, f"{base}/assessments", TUG).status_code == 201


def test_a_red_flag_holds_the_walking_tests_on_the_page_and_the_api_until_a_clearance(
    world: World,
) -> None:
    person = planned(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        reported = send(client, csrf, f"{base}/red-flags", {"new_red_flags": [CALF.value]})
        assert reported.status_code == 201, reported.text
    _tests_refused_everywhere(world, person, base)
    with world.client() as client:
        csrf = sign_in(client, person)
        # nothing the walker does lifts it: "none of these" and a clean screening
        assert send(client, csrf, f"{base}/red-flags", {"new_red_flags": []}).status_code == 201
        assert send(client, csrf, f"{base}/screenings", CLEARED_SCREENING).status_code == 201
        again = send(client, csrf, f"{base}/assessments", TUG)
        assert again.status_code == 409
        # nor can she clear it herself
        mine = send(client, csrf, f"{base}/clearances", {"scope": "red_flag", "reason": "fine"})
        assert mine.status_code == 403
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        cleared = send(
            desk, csrf, f"{base}/clearances", {"scope": "red_flag", "reason": "Doppler clear"}
        )
        assert cleared.status_code == 201, cleared.text
    _tests_offered_again(world, person, base)


def test_a_fall_holds_the_walking_tests_until_the_clinician_has_reviewed_it(
    world: World,
) -> None:
    person = planned(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        fall = {
            **SESSION_BODY,
            "client_key": "fell",
            "adverse_events": ["fall"],
            "completed": False,
        }
        assert send(client, csrf, f"{base}/sessions", fall).status_code == 201
    _tests_refused_everywhere(world, person, base)
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        reviewed = send(
            desk, csrf, f"{base}/clearances", {"scope": "adverse_event", "reason": "Seen: no harm"}
        )
        assert reviewed.status_code == 201, reviewed.text
    _tests_offered_again(world, person, base)


def test_today_links_to_no_test_while_a_red_flag_stands(world: World) -> None:
    """A walker stopped at her screening, before any test: "today" offers no test."""
    n = next(_n)
    person = invite_walker(
        world.ctx, world.clinician_a, f"early{n}@example.org", f"Early {n}", "early-pass-123"
    )
    assert person.walker is not None
    flagged = {**CLEARED_SCREENING, "red_flags": [KneeRedFlag.LOCKED_KNEE.value]}
    screening.screen_walker(world.ctx, person.actor, person.walker.id, flagged)
    with world.client() as client:
        sign_in(client, person)
        today = client.get("/today").text
        assert 'href="/onboarding/tests"' not in today
        assert "data-tests-held" in client.get("/onboarding/tests").text


def test_a_session_walked_before_the_red_flag_report_is_logged_in_the_api(world: World) -> None:
    """She walked, then reported calf pain: her own log of the walk before the report is
    refused (found by the outside-in test: dating it a minute back got round the red flag)
    and she is told her clinician can add it; the clinician's entry of it is kept; one dated
    after the report is refused."""
    person = planned(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    walked = datetime.now(UTC) - timedelta(minutes=30)
    with world.client() as client:
        csrf = sign_in(client, person)
        assert send(client, csrf, f"{base}/red-flags", {"new_red_flags": [CALF.value]}).is_success
        before = {**SESSION_BODY, "client_key": "before", "performed_at": walked.isoformat()}
        hers = send(client, csrf, f"{base}/sessions", {**before, "client_key": "hers"})
        assert hers.status_code == 409, hers.text
        assert "tell your clinician" in hers.json()["detail"]
        after = {**SESSION_BODY, "client_key": "after", "another_today": True}  # walked now
        refused = send(client, csrf, f"{base}/sessions", after)
        assert refused.status_code == 409, refused.text
        assert "red flag" in refused.json()["detail"]
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        kept = send(desk, csrf, f"{base}/sessions", before)
        assert kept.status_code == 201, kept.text
        keys = {s["client_key"] for s in desk.get(f"{base}/history").json()["sessions"]}
        assert "before" in keys
        assert not {"hers", "after"} & keys


def test_the_clinicians_page_words_the_red_flag_and_shows_the_unasked_questions(
    world: World,
) -> None:
    person = planned(world, walked_yesterday=True)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    page_path = f"/clinician/walkers/{person.walker.id}"
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        # the clinic logs today's session before her check-in: yesterday's questions go unasked
        clinic = send(desk, csrf, f"{base}/sessions", {**SESSION_BODY, "client_key": "clinic"})
        assert clinic.status_code == 201, clinic.text
        page = desk.get(page_path).text
        assert 'data-flag="red_flags_unasked"' in page
        assert "Warning-sign questions unasked since the session of" in text_of(page)
        # found by the outside-in test: the walker's "your" on the clinician's page (the plan's
        # decision, the charts' bands, the KOOS hint)
        for hers in ("your clinician", "your first", "your reassessment"):
            assert hers not in text_of(page).lower(), hers
    with world.client() as client:
        sign_in(client, person)
        form = client.get("/red-flags").text
        sent = client.post(
            "/red-flags", data={"csrf_token": form_csrf(form), "new_red_flags": CALF.value}
        )
        assert sent.status_code == 200, sent.text
        assert RED_FLAGS[CALF].statement in text_of(sent.text)  # her own words, to her
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        page = desk.get(page_path).text
        assert 'data-flag="red_flags_unasked"' not in page  # answered now
        shown = text_of(page)
        flags = shown.split("Flags", 1)[1].split("Current plan", 1)[0]
        assert CLINICIAN_NAMES[CALF] in flags
        assert RED_FLAGS[CALF].statement not in flags
        section = shown.split("Restrictions", 1)[1]
        restriction = section.split("Red flag: stop and refer", 1)[1][:600]
        assert CLINICIAN_NAMES[CALF] in restriction
        assert 'aria-label="Clear: Red flag: stop and refer"' in page  # its form, by that name
        assert RED_FLAGS[CALF].statement not in restriction


def test_an_awaited_clearance_holds_her_own_tests_and_her_clinician_records_them(
    world: World,
) -> None:
    """PAR-Q chest pain on activity: "A clinician needs to clear you" sat above "You can do
    the baseline tests now" (found by the outside-in test). Her own tests wait for the
    clearance, on the result page, the tests page and the API; her clinician may record them,
    done with her; no session is offered before the clearance."""
    n = next(_n)
    person = invite_walker(
        world.ctx, world.clinician_a, f"parq{n}@example.org", f"Parq {n}", "parq-pass-1234"
    )
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    chest = {**CLEARED_SCREENING, "parq": [False, True, False, False, True, False, False]}
    with world.client() as client:
        csrf = sign_in(client, person)
        screened = send(client, csrf, f"{base}/screenings", chest)
        assert screened.status_code == 201, screened.text
        page = client.get("/onboarding/tests")
        assert 'name="tug_s"' not in page.text, "no test is offered"
        assert "The baseline tests wait for that clearance too" in text_of(page.text)
        api = send(client, csrf, f"{base}/assessments", TUG)
        assert api.status_code == 409
        assert "your clinician can do them with you" in api.json()["detail"]
        today = client.get("/today").text
        assert "data-tests-held" in today
        assert 'href="/onboarding/tests"' not in today
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        done = send(desk, csrf, f"{base}/assessments", TUG)
        assert done.status_code == 201, done.text
        assert send(desk, csrf, f"{base}/plan", {}).status_code == 201
    with world.client() as client:
        csrf = sign_in(client, person)
        walked = send(client, csrf, f"{base}/sessions", {**SESSION_BODY, "client_key": "pq"})
        assert walked.status_code == 409, "no session before the clearance"
        assert "clear" in walked.json()["detail"]
