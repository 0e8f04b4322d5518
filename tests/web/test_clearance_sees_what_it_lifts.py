"""A clearance lifts what the clinician read, never a record that came in after (RULES.md
§7.1: only a clinician's informed, recorded clearance lifts a restriction). Found by the
outside-in test: a new warning sign reported while her page was open was lifted by the Clear
she pressed for the one she had read. From the page, the JSON API and the terminal."""

from __future__ import annotations

import re
from itertools import count

from retrowalk.services import red_flag_reports, restrictions, screening
from tests.web.conftest import CLEARED_SCREENING, Person, World, form_csrf, sign_in
from tests.web.planned_walkers import planned, text_of

_n = count()
CALF = "calf_pain_swelling_warmth"
HOT = "hot_swollen_knee"


def _red_flagged(world: World) -> Person:
    """A walker with a plan and one warning sign (calf pain), reported from the screening."""
    person = planned(world)
    assert person.walker is not None
    screening.screen_walker(
        world.ctx, person.actor, person.walker.id, {**CLEARED_SCREENING, "red_flags": [CALF]}
    )
    return person


def _red_flag(world: World, person: Person) -> list[str]:
    """The red flags still active, by name."""
    assert person.walker is not None
    found = restrictions.walker_restrictions(world.ctx, world.admin, person.walker.id)
    return sorted(f.value for r in found.active if r.kind.value == "red_flag" for t in r.triggers
                  for f in t.red_flags)  # fmt: skip


def _clear_form(page: str) -> dict[str, str]:
    """The hidden fields of the page's red-flag Clear form."""
    form = re.search(r'<form[^>]*action="[^"]*/clear".*?</form>', page, re.S)
    assert form, "the page offers a Clear form"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


def test_a_warning_sign_reported_while_the_page_was_open_is_not_lifted_with_it(
    world: World,
) -> None:
    person = _red_flagged(world)
    assert person.walker is not None
    walker_id = person.walker.id
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(f"/clinician/walkers/{walker_id}").text
        hidden = _clear_form(page)
        assert "seen_through" in hidden
        # while her page is open, the walker reports a hot, swollen knee from her phone
        red_flag_reports.report_red_flags(
            world.ctx, person.actor, walker_id, {"new_red_flags": [HOT]}
        )
        sent = client.post(
            f"/clinician/walkers/{walker_id}/clear",
            data={**hidden, "clear_reason": "Seen by GP: calf scan clear"},
        )
        assert sent.status_code == 409
        said = text_of(sent.text)
        assert "Nothing was cleared: since this restriction was read" in said
        assert "hot" in said.lower()
        assert _red_flag(world, person) == sorted([CALF, HOT])
        # read again, the page names both, and a clearance from it lifts both
        again = client.get(f"/clinician/walkers/{walker_id}").text
        assert "hot" in text_of(again).lower()
        done = client.post(
            f"/clinician/walkers/{walker_id}/clear",
            data={**_clear_form(again), "clear_reason": "GP saw both: scan clear, no infection"},
        )
        assert done.status_code == 303
    assert _red_flag(world, person) == []


def test_the_api_refuses_a_clearance_of_what_it_did_not_read_and_says_what_it_lifts(
    world: World,
) -> None:
    person = _red_flagged(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, world.clinician_a)
        read = client.get(f"{base}/restrictions").json()
        (red,) = [r for r in read["active"] if r["kind"] == "red_flag"]
        seen = red["seen_through"]
        assert isinstance(seen, int)
        red_flag_reports.report_red_flags(
            world.ctx, person.actor, person.walker.id, {"new_red_flags": [HOT]}
        )
        body = {"scope": "red_flag", "reason": "Seen by GP, DVT excluded", "seen_through": seen}
        refused = client.post(f"{base}/clearances", json=body, headers={"X-CSRF-Token": csrf})
        assert refused.status_code == 409
        assert "since this restriction was read" in refused.json()["detail"]
        assert _red_flag(world, person) == sorted([CALF, HOT])
        wrong = client.post(
            f"{base}/clearances",
            json={**body, "seen_through": "yesterday"},
            headers={"X-CSRF-Token": csrf},
        )
        assert wrong.status_code == 422
        assert wrong.json()["problems"][0]["field"] == "seen_through"
        # without seen_through it lifts what is recorded now, and names each record lifted
        body = {"scope": "red_flag", "reason": "GP saw both, all clear", "client_key": "k1"}
        now = client.post(f"{base}/clearances", json=body, headers={"X-CSRF-Token": csrf})
        assert now.status_code == 201, now.text
        lifted = now.json()["lifted"]
        # a program retrying after a lost answer is told the same
        again = client.post(f"{base}/clearances", json=body, headers={"X-CSRF-Token": csrf})
        assert again.status_code == 200
        assert again.json()["lifted"] == lifted
        assert len(lifted) == 2
        assert lifted[0].startswith("Screening of ")
        assert "calf pain, swelling or warmth (possible DVT)" in lifted[0]
        assert lifted[1].startswith("Red-flag report of ")
        assert "hot, swollen knee" in lifted[1]
    assert _red_flag(world, person) == []


def test_a_form_read_before_the_new_record_refuses_even_after_a_page_reload_elsewhere(
    world: World,
) -> None:
    """Two tabs: the old tab's Clear is refused though a newer tab read everything."""
    person = _red_flagged(world)
    assert person.walker is not None
    walker_id = person.walker.id
    with world.client() as client:
        sign_in(client, world.clinician_a)
        old_tab = _clear_form(client.get(f"/clinician/walkers/{walker_id}").text)
        red_flag_reports.report_red_flags(
            world.ctx, person.actor, walker_id, {"new_red_flags": [HOT]}
        )
        client.get(f"/clinician/walkers/{walker_id}")  # the new tab
        sent = client.post(
            f"/clinician/walkers/{walker_id}/clear",
            data={
                **old_tab,
                "csrf_token": form_csrf(client.get("/clinician").text),
                "clear_reason": "Seen by GP: calf scan clear",
            },
        )
        assert sent.status_code == 409
    assert _red_flag(world, person) == sorted([CALF, HOT])
