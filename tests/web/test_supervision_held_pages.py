"""The outside-in probe's two findings through the JSON API and the pages (over a real socket):
a walker with a walking aid is never told she may walk alone (the plan, "Why this plan?" on
/today, the printed plan, the PDF report, the clinician's page); a repeated screening after a
red flag says one thing in the reply, on the page and in the audit (RULES.md §7.1, §7.5)."""

from __future__ import annotations

import re

from tests.reports.pdf_text import flat, pages_text
from tests.web.conftest import CLEARED_SCREENING, World, form_csrf, sign_in
from tests.web.test_restrictions_api import _screening_questions, new_walker, post

PROBE_TESTS = {
    "tug_s": 9,
    "chair_stand_count": 14,
    "tandem_stance_s": 10,
    "backward_walk_3m_s": 3.5,
}
ALONE = ("walk alone", "unsupervised sessions are allowed", "may walk on your own")


def alone_words(text: str) -> list[str]:
    return [a for a in ALONE if a in text]


def test_a_walking_aid_is_every_session_in_the_api_the_pages_and_the_pdf(world: World) -> None:
    person = new_walker(world)
    assert person.walker is not None
    walker_id = person.walker.id
    base = f"/api/v1/walkers/{walker_id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        aid = {**CLEARED_SCREENING, "uses_walking_aid": True}
        assert post(client, csrf, f"{base}/screenings", aid).status_code == 201
        assert post(client, csrf, f"{base}/assessments", PROBE_TESTS).status_code == 201
        made = post(client, csrf, f"{base}/plan", {})
        assert made.status_code == 201, made.text
        plan = made.json()
        assert plan["supervision"] == "every_session"
        assert plan["plan_supervision"] == "first_sessions"
        assert plan["supervision_held_by"] == ["walking_aid"]
        assert alone_words(made.text) == []
        assert client.get(f"{base}/prescription").json()["supervision"] == "every_session"
        today = client.get(f"{base}/today").json()
        assert today["supervised"] is True
        assert today["prescription"]["supervision"] == "every_session"
        page = client.get("/today").text
        why = page[page.index("Why this plan?") :]
        assert alone_words(why) == []
        assert "Every session is supervised while you use a walking aid" in why
        assert "You may walk on your own today" not in page
        printed = client.get("/plan/print").text
        assert alone_words(printed) == []
        assert "walking aid" in printed
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        page = desk.get(f"/clinician/walkers/{walker_id}").text
        plan_card = page[
            page.index('id="plan-h"') : page.index("</section>", page.index('id="plan-h"'))
        ]
        assert "supervision: every session" in plan_card
        assert alone_words(plan_card) == []
        pdf = desk.get(f"/clinician/walkers/{walker_id}/report.pdf")
        assert pdf.status_code == 200
        text = flat(" ".join(pages_text(pdf.content)))
        assert "supervision: every session, while the walker uses a walking aid" in text
        assert alone_words(text) == []


def test_a_repeated_screening_after_a_red_flag_says_one_thing_in_the_api(world: World) -> None:
    person = new_walker(world)
    assert person.walker is not None
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        red = {**CLEARED_SCREENING, "red_flags": ["calf_pain_swelling_warmth"]}
        first = post(client, csrf, f"{base}/screenings", red).json()
        again = post(client, csrf, f"{base}/screenings", CLEARED_SCREENING)
        assert again.status_code == 201
        body = again.json()
        assert body["outcome"] == "stop_and_refer"
        assert body["result"]["outcome"] == "stop_and_refer"
        assert body["result"]["answered_outcome"] == "cleared"
        assert body["result"]["actions"] == first["result"]["actions"]
        assert "You can go on" not in again.text
        assert "no knee red flag" not in again.text
        assert body["reasons"][0]["code"] == "screening.earlier_red_flag_stands"
    with world.client() as desk:
        sign_in(desk, world.clinician_a)
        audit = desk.get(f"/clinician/walkers/{person.walker.id}/audit").text
        rows = re.findall(r'<tr data-action="screening\.record">.*?</tr>', audit, re.S)
        assert len(rows) == 2
        assert not any("outcome: cleared" in row for row in rows), rows
        assert any("these answers: cleared" in row for row in rows), rows


def test_a_repeated_screening_after_a_red_flag_says_one_thing_on_the_page(world: World) -> None:
    person = new_walker(world)
    with world.client() as client:
        sign_in(client, person)

        def send(**answers: str) -> str:
            page = client.get("/onboarding/screening")
            form = dict.fromkeys(_screening_questions(page.text), "no")
            form.update(parq5="yes", used_to_activity="yes", flag_cannot_bear_weight="yes")
            form.update(answers)
            form["csrf_token"] = form_csrf(page.text)
            saved = client.post("/onboarding/screening", data=form)
            assert saved.status_code == 200, saved.text
            return saved.text

        send(flag_calf_pain_swelling_warmth="yes")
        page = send()
        assert "data-earlier-red-flag" in page
        assert "What to do next" in page
        assert "You can go on" not in page
        assert "no knee red flag" not in page
        assert "Go on to the baseline tests" not in page
        assert "A warning sign reported earlier still stands" in page
