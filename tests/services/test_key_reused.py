"""A one-time key sent again with the same values answers the first record; with other values
it is refused (``KeyReused``, a ``Conflict``), and nothing new is stored — for every use case
that takes a key. Before, a form sent back after an edit (the browser keeps its hidden key)
was answered "already saved", and the edit was lost without a word. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from retrowalk.services import (
    accounts,
    assessments,
    clinician,
    exercise_log,
    invitations,
    policies,
    red_flag_reports,
    reset_links,
    screening,
    sessions,
)
from retrowalk.services.context import AppContext
from retrowalk.services.errors import Conflict, KeyReused
from retrowalk.services.schemas import Actor, Role
from retrowalk.store import client_keys
from retrowalk.store.models import (
    Assessment,
    Clearance,
    ClinicianNote,
    ClinicPolicy,
    ExerciseLog,
    Invitation,
    Prescription,
    RedFlagReport,
    ResetLink,
    Screening,
    WalkSession,
)
from tests.services.factory import CLEAR_SCREENING, T0, enrol, planned_walker, session_data
from tests.services.factory import clinician as make_clinician

DAY = T0 + timedelta(days=1)
KEY = "form-key-1"


@dataclass(frozen=True)
class Case:
    """One keyed use case: ``send(other)`` sends under :data:`KEY` the first values (or,
    ``other``, values that differ in one field); ``model`` is the table it stores in."""

    what: str
    send: Callable[[bool], Any]
    model: type[Any]


def _session(ctx: AppContext) -> Case:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    return Case(
        "session",
        lambda other: sessions.log_session(
            ctx.at(DAY),
            admin,
            walker.id,
            session_data(KEY, DAY - timedelta(hours=2), duration_min=12 if other else 10),
        ),
        WalkSession,
    )


def _screening(ctx: AppContext) -> Case:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin)
    return Case(
        "screening",
        lambda other: screening.screen_walker(
            ctx.at(T0),
            admin,
            walker.id,
            {**CLEAR_SCREENING, "used_to_activity": not other, "client_key": KEY},
        ),
        Screening,
    )


def _assessment(ctx: AppContext) -> Case:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin)
    screening.screen_walker(ctx.at(T0), admin, walker.id, CLEAR_SCREENING)
    return Case(
        "assessment",
        lambda other: assessments.record_assessment(
            ctx.at(T0),
            admin,
            walker.id,
            {"tug_s": 10.0 if other else 9.0, "backward_walk_3m_s": 4.0, "client_key": KEY},
        ),
        Assessment,
    )


def _adjustment(ctx: AppContext) -> Case:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    return Case(
        "change to the plan",
        lambda other: clinician.adjust_prescription(
            ctx.at(DAY),
            admin,
            walker.id,
            {"duration_min": 14 if other else 12, "reason": "Doing well", "client_key": KEY},
        ),
        Prescription,
    )


def _red_flag_report(ctx: AppContext) -> Case:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    return Case(
        "red-flag report",
        lambda other: red_flag_reports.report_red_flags(
            ctx.at(DAY),
            admin,
            walker.id,
            {"new_red_flags": ["hot_swollen_knee"] if other else [], "client_key": KEY},
        ),
        RedFlagReport,
    )


def _clearance(ctx: AppContext) -> Case:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin)
    flagged = {**CLEAR_SCREENING, "red_flags": ["calf_pain_swelling_warmth"]}
    screening.screen_walker(ctx.at(T0), admin, walker.id, flagged)
    return Case(
        "clearance",
        lambda other: clinician.clear_walker(
            ctx.at(DAY),
            admin,
            walker.id,
            {
                "scope": "red_flag",
                "reason": "Scan clear, seen by the GP" if other else "Scan clear",
                "client_key": KEY,
            },
        ),
        Clearance,
    )


def _note(ctx: AppContext) -> Case:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin)
    return Case(
        "note",
        lambda other: clinician.add_note(
            ctx,
            admin,
            walker.id,
            {"text": "Walks well; try a slope." if other else "Walks well.", "client_key": KEY},
        ),
        ClinicianNote,
    )


def _invitation(ctx: AppContext) -> Case:
    admin = accounts.ensure_local_admin(ctx)
    return Case(
        "invitation",
        lambda other: accounts.create_invitation(
            ctx, admin, "bea@example.org" if other else "ann@example.org", client_key=KEY
        ),
        Invitation,
    )


def _clinician_invitation(ctx: AppContext) -> Case:
    admin = accounts.ensure_local_admin(ctx)
    return Case(
        "invitation",
        lambda other: invitations.invite_clinician(
            ctx, admin, "dr@example.org", valid_days=7 if other else 14, client_key=KEY
        ),
        Invitation,
    )


def _reset_link(ctx: AppContext) -> Case:
    admin = accounts.ensure_local_admin(ctx)
    colleague = make_clinician(ctx, admin, "cleo@example.org")
    return Case(
        "password link",
        lambda other: reset_links.issue_reset_link(
            ctx, admin, colleague.account_id, valid_hours=48 if other else 24, client_key=KEY
        ),
        ResetLink,
    )


def _policy(ctx: AppContext) -> Case:
    admin = accounts.ensure_local_admin(ctx)
    return Case(
        "policy change",
        lambda other: policies.set_policy(
            ctx, admin, {"cool_down_min": 9 if other else 8}, "a longer cool-down", client_key=KEY
        ),
        ClinicPolicy,
    )


def _exercise_tick(ctx: AppContext) -> Case:
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, make_clinician(ctx, admin, "cleo@example.org"))
    me = Actor(account_id=walker.account_id, role=Role.WALKER)

    def send(other: bool) -> Any:
        done = {"exercise_key": "semi_squat", "sets_done": 3 if other else 2, "pain_nprs": 1}
        return exercise_log.log_exercises(
            ctx.at(T0 + timedelta(weeks=1)), me, walker.id, {"client_key": KEY, "exercises": [done]}
        )

    return Case("exercise tick", send, ExerciseLog)


CASES: dict[str, Callable[[AppContext], Case]] = {
    "session": _session,
    "screening": _screening,
    "assessment": _assessment,
    "adjustment": _adjustment,
    "red_flag_report": _red_flag_report,
    "clearance": _clearance,
    "note": _note,
    "invitation": _invitation,
    "clinician_invitation": _clinician_invitation,
    "reset_link": _reset_link,
    "policy": _policy,
    "exercise_tick": _exercise_tick,
}


def _rows(ctx: AppContext, model: type[Any]) -> int:
    with ctx.db.reader() as tx:
        return int(tx.scalar(select(func.count()).select_from(model)) or 0)


def _identity(out: Any) -> object:
    """What names the record an answer is about (a policy version has no id of its own)."""
    return out.version if hasattr(out, "version") and not hasattr(out, "id") else out.id


@pytest.mark.parametrize("name", list(CASES))
def test_the_same_key_with_the_same_values_is_the_first_record(ctx: AppContext, name: str) -> None:
    case = CASES[name](ctx)
    first = case.send(False)
    assert first.created
    rows = _rows(ctx, case.model)
    again = case.send(False)
    assert again.created is False
    assert _identity(again) == _identity(first)
    assert _rows(ctx, case.model) == rows


@pytest.mark.parametrize("name", list(CASES))
def test_the_same_key_with_other_values_is_refused_and_nothing_is_stored(
    ctx: AppContext, name: str
) -> None:
    case = CASES[name](ctx)
    first = case.send(False)
    rows = _rows(ctx, case.model)
    with pytest.raises(KeyReused) as refused:
        case.send(True)
    assert isinstance(refused.value, Conflict)  # the web answers 409, the terminal says it
    assert str(refused.value) == (
        f"This form was sent before, and this {case.what} was already saved under this key "
        "with other values; nothing new was saved. To save these values, open the form again "
        "(a program sends them with a new client_key)."
    )
    assert _rows(ctx, case.model) == rows
    assert _identity(case.send(False)) == _identity(first)  # the first copy still answers


def test_a_walker_invitations_key_is_refused_for_a_clinicians_invitation(
    ctx: AppContext,
) -> None:
    """A sender's invitations share one set of keys: the same key, the same address, but a
    clinician invited where a walker was is other values."""
    admin = accounts.ensure_local_admin(ctx)
    accounts.create_invitation(ctx, admin, "dr@example.org", client_key=KEY)
    with pytest.raises(KeyReused):
        invitations.invite_clinician(ctx, admin, "dr@example.org", client_key=KEY)
    assert _rows(ctx, Invitation) == 1


def test_a_session_sent_again_may_still_add_what_went_wrong(ctx: AppContext) -> None:
    """The phone resends the session with a fall added (and stopped early): the fall is added
    to the stored session, never refused as other values (``REPLAY_MAY_CHANGE``)."""
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    walked = DAY - timedelta(hours=2)
    first = sessions.log_session(ctx.at(DAY), admin, walker.id, session_data(KEY, walked))
    again = sessions.log_session(
        ctx.at(DAY),
        admin,
        walker.id,
        session_data(KEY, walked, adverse_events=["fall"], completed=False, another_today=True),
    )
    assert again.created is False
    assert again.id == first.id
    assert again.adverse_events == ("fall",)
    assert sessions.EVENTS_ADDED in again.notices
    with pytest.raises(KeyReused):  # but not with another value besides
        sessions.log_session(
            ctx.at(DAY),
            admin,
            walker.id,
            session_data(KEY, walked, adverse_events=["fall"], pain_peak_nprs=6),
        )
    assert _rows(ctx, WalkSession) == 1


def test_a_record_stored_without_a_digest_is_answered_as_before(ctx: AppContext) -> None:
    """A record stored before revision 0015 has no digest: what it was sent with is not
    known, so a replay is answered with it, never refused."""
    case = _note(ctx)
    first = case.send(False)
    with ctx.db.transaction() as tx:
        row = tx.scalar(select(ClinicianNote).where(ClinicianNote.id == first.id))
        assert row is not None
        assert row.client_key_digest is not None
        row.client_key_digest = None
    again = case.send(True)
    assert again.created is False
    assert again.id == first.id
    assert again.text == first.text


def test_another_persons_record_under_the_key_is_refused_before_the_values(
    ctx: AppContext,
) -> None:
    """The existing check stands first: the walker's clinician cleared under the key, so an
    administrator's clearance under it is "another person's", whatever the values."""
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = enrol(ctx, dr)
    flagged = {**CLEAR_SCREENING, "red_flags": ["calf_pain_swelling_warmth"]}
    screening.screen_walker(ctx.at(T0), dr, walker.id, flagged)
    sent = {"scope": "red_flag", "reason": "Scan clear", "client_key": KEY}
    clinician.clear_walker(ctx.at(DAY), dr, walker.id, sent)
    with pytest.raises(Conflict, match="another person's clearance") as refused:
        clinician.clear_walker(
            ctx.at(DAY), admin, walker.id, {**sent, "reason": "Other words, seen"}
        )
    assert not isinstance(refused.value, KeyReused)


def test_a_copy_that_lost_the_race_with_other_values_is_refused(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two copies under one key, both past the check in their transaction: the loser meets
    the unique key, and the answer read afterwards (``stored_once``'s ``first``) compares the
    values as the check would have."""
    case = _note(ctx)
    case.send(False)
    real = client_keys.by_client_key
    calls: list[int] = []

    def missed_once(*args: Any) -> Any:
        calls.append(1)
        return None if len(calls) == 1 else real(*args)  # the check inside the transaction

    monkeypatch.setattr(client_keys, "by_client_key", missed_once)
    with pytest.raises(KeyReused, match="this note was already saved"):
        case.send(True)
    assert len(calls) == 2
    assert _rows(ctx, ClinicianNote) == 1
    calls.clear()
    assert case.send(False).created is False  # the same values: the first note, as before


def test_a_note_under_another_persons_key_is_refused_not_handed_back(ctx: AppContext) -> None:
    """Found by the outside-in test: an administrator's note under a key her colleague had
    used came back as the colleague's note, and hers was not stored, in silence."""
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr.note@example.org")
    walker = planned_walker(ctx, dr, "note.key@example.org")
    clinician.add_note(ctx, dr, walker.id, {"text": "Walks well.", "client_key": "nk1"})
    with pytest.raises(Conflict, match="another person's note"):
        clinician.add_note(ctx, admin, walker.id, {"text": "Walks well.", "client_key": "nk1"})
    again = clinician.add_note(ctx, dr, walker.id, {"text": "Walks well.", "client_key": "nk1"})
    assert again.created is False
