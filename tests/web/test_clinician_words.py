"""The clinician's pages speak to the clinician about the walker, never to the walker.

Found by the outside-in test of the words: the walker list, one walker's page, the PDF report
and the audit page showed the walker's own sentences ("your usual level", "contact your
clinician", "In your session of … you reported"). Each reason now carries the clinician's
wording beside the walker's; these tests read the pages as the clinician reads them, for a
walker whose record holds pain, rest-day, red-flag, adverse-event, fall-risk and screening
reasons, and find no "you" or "your" addressed to the reader in them (a question quoted as
the walker was asked it, in quotation marks, is no address to the reader).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from retrowalk.services import assessments, checkins, clinician, plans, screening, sessions
from retrowalk.services.clinician import FOR_THE_CLINICIAN
from tests.reports.pdf_text import flat, pages_text
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    SESSION_BODY,
    Person,
    World,
    invite_walker,
    sign_in,
)
from tests.web.planned_walkers import text_of

ADDRESSED = re.compile(r"\byou(r|rs|rself)?\b", re.IGNORECASE)
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
REST_DAY_REASON = "Seen on the phone: the pain settled by the afternoon, walking again is fine."


def addressed_to_reader(text: str) -> list[str]:
    """Each "you"/"your" outside quotation marks, with the words around it. The titles of
    the restrictions for the clinician ("Adverse event: held until you review it") speak to
    the clinician, rightly, and are left out."""
    bare = re.sub(r"\s+", " ", text)
    for title in FOR_THE_CLINICIAN.values():
        bare = bare.replace(title, "")
    bare = QUOTED.sub("“…”", bare)
    return [bare[max(0, m.start() - 60) : m.end() + 40] for m in ADDRESSED.finditer(bare)]


@dataclass(frozen=True)
class Painful:
    person: Person
    walker_id: int


@pytest.fixture(scope="module")
def painful(world: World) -> Painful:
    """A walker with a walking aid, an unsteady answer and a blood thinner (cleared), a
    painful session, a rest-day morning (cleared), a near fall and a knee that gave way."""
    person = invite_walker(
        world.ctx, world.clinician_a, "wendy@example.org", "Wendy Words", "wendy-words-12"
    )
    assert person.walker is not None
    walker_id = person.walker.id
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    if now > datetime.now(UTC):  # the last noon: each morning check-in falls in the day
        now -= timedelta(days=1)  # (open from 6 in the morning), whenever the test runs

    def at(days: float) -> datetime:
        return now - timedelta(days=days)

    answers = {
        **CLEARED_SCREENING,
        "uses_walking_aid": True,
        "takes_anticoagulant": True,
        "steadi": {**CLEARED_SCREENING["steadi"], "feels_unsteady": True},
    }
    ctx, actor, desk = world.ctx, person.actor, world.clinician_a.actor
    screening.screen_walker(ctx.at(at(9)), actor, walker_id, answers)
    # the clearance is awaited: her clinician does the tests with her (walking_tests_gate)
    assessments.record_assessment(ctx.at(at(9)), desk, walker_id, BASELINE)
    plans.make_plan(ctx.at(at(9)), actor, walker_id)
    clinician.clear_walker(
        ctx.at(at(8.9)),
        desk,
        walker_id,
        {"scope": "clearance_required", "reason": "Seen in clinic: steady with the rail."},
    )

    def walk(days: float, key: str, **changes: object) -> int:
        body = {**SESSION_BODY, "client_key": key, "performed_at": at(days).isoformat()}
        return sessions.log_session(ctx.at(at(days)), actor, walker_id, {**body, **changes}).id

    def morning(days: float, session_id: int, pain: int, stiffness: int, *flags: str) -> None:
        checkins.morning_checkin(
            ctx.at(at(days)),
            actor,
            walker_id,
            {
                "session_id": session_id,
                "pain_nprs": pain,
                "stiffness_nprs": stiffness,
                "new_red_flags": list(flags),
            },
        )

    morning(7, walk(8, "words-1"), 2, 1)
    morning(5, walk(6, "words-2", pain_peak_nprs=7), 8, 6)  # a rest day
    clinician.clear_walker(
        ctx.at(at(4.9)), desk, walker_id, {"scope": "rest_day", "reason": REST_DAY_REASON}
    )
    near_fall = walk(4, "words-3", adverse_events=["near_fall"], completed=False, duration_min=5)
    morning(3, near_fall, 3, 2, "knee_giving_way")
    return Painful(person, walker_id)


@contextmanager
def _desk(world: World) -> Iterator[httpx.Client]:
    """The walker's clinician, signed in."""
    with world.client() as client:
        sign_in(client, world.clinician_a)
        yield client


def _walker_page_words(page: str) -> list[str]:
    """What the walker's page says about her: flags, plan, restrictions, every decision and
    its reasons (the forms, which rightly say "you" to the clinician, are left out)."""
    parts = re.findall(
        r'<section class="notice warn" aria-labelledby="flags-h">.*?</section>', page, re.S
    )
    parts += re.findall(r'<section class="card" aria-labelledby="plan-h">.*?</section>', page, re.S)
    parts += re.findall(r'<ul class="reasons">.*?</ul>', page, re.S)
    parts += re.findall(r'<div class="card restriction"[^>]*>\s*<h3>.*?</h3>.*?</p>', page, re.S)
    parts += re.findall(r"<summary>.*?</summary>", page, re.S)
    return [text_of(part) for part in parts]


def test_the_walker_list_words_her_flags_for_the_clinician(world: World, painful: Painful) -> None:
    with _desk(world) as desk:
        page = desk.get("/clinician").text
    row = re.search(rf'<tr data-walker-id="{painful.walker_id}">.*?</tr>', page, re.S)
    assert row is not None
    words = text_of(row.group(0))
    assert "knee giving way" in words
    assert "the walker reported: near fall" in words
    assert addressed_to_reader(words) == []


def test_the_walker_page_words_every_reason_for_the_clinician(
    world: World, painful: Painful
) -> None:
    with _desk(world) as desk:
        page = desk.get(f"/clinician/walkers/{painful.walker_id}").text
    words = " | ".join(_walker_page_words(page))
    # the reasons are all there, in the clinician's words
    assert "the walker's usual level" in words
    assert "the walker reported: near fall" in words
    assert "above the walker's usual" in words
    assert "knee giving way" in words
    assert addressed_to_reader(words) == []


def test_the_pdf_report_words_every_reason_for_the_clinician(
    world: World, painful: Painful
) -> None:
    with _desk(world) as desk:
        pdf = desk.get(f"/clinician/walkers/{painful.walker_id}/report.pdf")
    assert pdf.status_code == 200
    text = flat(" ".join(pages_text(pdf.content)))
    assert "the walker's usual level" in text
    assert "knee giving way" in text
    assert addressed_to_reader(text) == []


def test_the_audit_page_shows_a_clearance_with_its_reason_in_the_clinicians_words(
    world: World, painful: Painful
) -> None:
    """The clearance's reason (the API's ``detail.reason``) is on the page, in full, and what
    it lifted is in the clinician's words."""
    with _desk(world) as desk:
        page = desk.get(f"/clinician/walkers/{painful.walker_id}/audit").text
    rows = re.findall(r'<tr data-action="clearance\.rest_day">.*?</tr>', page, re.S)
    assert len(rows) == 1
    words = text_of(rows[0])
    assert REST_DAY_REASON in words
    assert "the walker's usual level" in words
    assert addressed_to_reader(words) == []
