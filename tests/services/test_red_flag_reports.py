"""RULES.md §7.7 held at any time, on SQLite and PostgreSQL: a red flag reported outside the
morning check-in stops and refers at once, as one at the check-in does; nothing the walker
does afterwards lifts it (§7.1); and a check-in decided without its report (a session logged
for her first) never drops the red-flag questions: they are asked before her next session.
Found by the outside-in test: a hot swollen knee on the evening after a session could not be
reported until the next morning, and a clinician's session skipped that morning's question."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from retrowalk.clinical.reasons import spoken_date
from retrowalk.clinical.red_flags import (
    RED_FLAGS,
    KneeRedFlag,
    red_flag_for_clinician,
    red_flag_reason,
)
from retrowalk.services import (
    accounts,
    checkins,
    clinician,
    plans,
    red_flag_reports,
    restrictions,
    screening,
    sessions,
)
from retrowalk.services.context import AppContext
from retrowalk.services.errors import AccessDenied, Conflict, InvalidRequest, NotReadyToWalk
from retrowalk.services.pending_checkins import RED_FLAGS_FIRST, UNASKED_NOTICE
from retrowalk.services.schemas import Actor, Flag, Role, WalkerOut
from retrowalk.store import repositories as repo
from retrowalk.store.models import RedFlagReport, Walker
from tests.services.factory import MORE_NO, NO_STEADI, PARQ_CLEAR, T0, planned_walker, session_data
from tests.services.factory import clinician as make_clinician

DAY = timedelta(days=1)
HOT = KneeRedFlag.HOT_SWOLLEN_KNEE
NONE: dict[str, object] = {"new_red_flags": []}
CLEAN_SCREENING = {
    "used_to_activity": True,
    "parq": PARQ_CLEAR,
    "red_flags": [],
    "steadi": NO_STEADI,
    **MORE_NO,
}


def _walker(ctx: AppContext, dr: Actor, email: str = "ann@example.org") -> tuple[WalkerOut, Actor]:
    walker = planned_walker(ctx, dr, email)
    return walker, Actor(account_id=walker.account_id, role=Role.WALKER)


def _record_version(ctx: AppContext, walker: WalkerOut) -> int:
    with ctx.db.reader() as tx:
        row = repo.get(tx, Walker, walker.id)
        assert row is not None
        return row.record_version


def _kinds(ctx: AppContext, actor: Actor, walker: WalkerOut) -> set[str]:
    return {r.kind.value for r in restrictions.walker_restrictions(ctx, actor, walker.id).active}


@pytest.fixture
def dr(ctx: AppContext) -> Actor:
    return make_clinician(ctx, accounts.ensure_local_admin(ctx), "dr@clinic.org")


def test_a_red_flag_the_evening_after_a_session_stops_and_refers_at_once(
    ctx: AppContext, dr: Actor
) -> None:
    walker, me = _walker(ctx, dr)
    sessions.log_session(ctx.at(T0), me, walker.id, session_data("mon", T0))
    evening = T0 + timedelta(hours=9)
    version = _record_version(ctx, walker)
    out = red_flag_reports.report_red_flags(
        ctx.at(evening), me, walker.id, {"new_red_flags": [HOT.value]}
    )
    assert out.new_red_flags == (HOT,)
    assert out.local_date == evening.date()
    stop = next(r for r in out.restrictions if r.kind.value == "red_flag")
    # the same restriction, words and what to do as a red flag at the morning check-in
    assert [r.message for r in stop.reasons] == [red_flag_reason(HOT, "checkin.red_flag").message]
    assert stop.what_to_do == (RED_FLAGS[HOT].action,)
    assert stop.triggers[0].source.value == "red_flag_report"
    assert _record_version(ctx, walker) > version  # what the kept records and flags key on
    with ctx.db.reader() as tx:
        entries = repo.audit_entries(tx, walker.id)
    assert [e.action for e in entries[-2:]] == ["red_flag_report.record", "restriction.add"]
    assert entries[-1].entity == "red_flag_report"
    assert entries[-1].detail_json == {"restrictions": ["red_flag"]}
    today = plans.todays_prescription(ctx.at(evening), me, walker.id)
    assert today.status == "stopped"
    assert RED_FLAGS[HOT].action in today.message


def test_sessions_wait_for_a_clinicians_clearance_and_nothing_the_walker_does_lifts_it(
    ctx: AppContext, dr: Actor
) -> None:
    walker, me = _walker(ctx, dr)
    sessions.log_session(ctx.at(T0), me, walker.id, session_data("mon", T0))
    red_flag_reports.report_red_flags(
        ctx.at(T0 + timedelta(hours=9)), me, walker.id, {"new_red_flags": ["locked_knee"]}
    )
    tuesday = T0 + DAY
    # what the walker does afterwards: "none of these", the screening again, the check-in
    assert "red_flag" in {
        r.kind.value
        for r in red_flag_reports.report_red_flags(
            ctx.at(tuesday), me, walker.id, NONE
        ).restrictions
    }
    screening.screen_walker(ctx.at(tuesday), me, walker.id, CLEAN_SCREENING)
    checkins.morning_checkin(
        ctx.at(tuesday), me, walker.id, {"pain_nprs": 1, "stiffness_nprs": 1, "new_red_flags": []}
    )
    assert "red_flag" in _kinds(ctx, me, walker)
    later = tuesday + timedelta(hours=2)
    for who in (me, dr):
        with pytest.raises(NotReadyToWalk, match="red flag"):
            sessions.log_session(ctx.at(later), who, walker.id, session_data("tue", later))
    assert not plans.todays_prescription(ctx.at(later), me, walker.id).session_offered
    clinician.clear_walker(
        ctx.at(later), dr, walker.id, {"scope": "red_flag", "reason": "Seen: knee moves freely"}
    )
    assert "red_flag" not in _kinds(ctx, me, walker)
    assert sessions.log_session(ctx.at(later), me, walker.id, session_data("tue", later)).created


def test_the_clinicians_list_shows_a_red_flag_reported_after_it_was_kept(
    ctx: AppContext, dr: Actor
) -> None:
    walker, me = _walker(ctx, dr)
    evening = T0 + timedelta(hours=9)
    listed = {f.walker.id: f for f in clinician.walker_flags(ctx.at(evening), dr)}
    assert Flag.RED_FLAG not in listed[walker.id].flags  # kept in the list's cache now
    red_flag_reports.report_red_flags(
        ctx.at(evening), me, walker.id, {"new_red_flags": ["calf_pain_swelling_warmth"]}
    )
    listed = {f.walker.id: f for f in clinician.walker_flags(ctx.at(evening), dr)}
    assert Flag.RED_FLAG in listed[walker.id].flags
    assert Flag.RED_FLAG in clinician.walker_flag(ctx.at(evening), dr, walker.id).flags


def test_only_the_walkers_own_people_report_and_nobody_dates_a_report_ahead(
    ctx: AppContext, dr: Actor
) -> None:
    walker, me = _walker(ctx, dr)
    other, _ = _walker(ctx, dr, "bob@example.org")
    stranger = make_clinician(ctx, accounts.ensure_local_admin(ctx), "other@clinic.org")
    for who, whom in ((me, other.id), (stranger, walker.id)):
        with pytest.raises(AccessDenied):
            red_flag_reports.report_red_flags(ctx, who, whom, NONE)
    with pytest.raises(InvalidRequest, match="leave the time out") as own_time:
        red_flag_reports.report_red_flags(ctx, me, walker.id, {**NONE, "at": T0.isoformat()})
    assert own_time.value.field == "at"
    with pytest.raises(InvalidRequest, match="in the future"):
        red_flag_reports.report_red_flags(
            ctx.at(T0), dr, walker.id, {**NONE, "at": (T0 + DAY).isoformat()}
        )
    with pytest.raises(InvalidRequest) as unknown:
        red_flag_reports.report_red_flags(ctx, me, walker.id, {"new_red_flags": ["sore_knee"]})
    assert unknown.value.field.startswith("new_red_flags")
    with ctx.db.reader() as tx:
        assert not [e for e in repo.audit_entries(tx, walker.id) if e.entity == "red_flag_report"]


def test_a_clinicians_report_is_dated_from_the_walkers_enrolment_on(
    ctx: AppContext, dr: Actor
) -> None:
    """Found by the outside-in test: a report dated 2020 for a walker enrolled in 2026 was
    kept. A clinician may date a report back (the walker told her on the phone), as far as
    any record of hers (``sessions.check_when``), but not before the walker was enrolled:
    a warning sign from before then belongs to the screening."""
    walker, _ = _walker(ctx, dr)
    noon = T0 + timedelta(hours=3)
    for before in ("2020-01-01T00:00:00+00:00", (T0 - DAY).isoformat()):
        with pytest.raises(InvalidRequest) as refused:
            red_flag_reports.report_red_flags(
                ctx.at(noon), dr, walker.id, {"new_red_flags": ["locked_knee"], "at": before}
            )
        assert refused.value.field == "at"
        assert str(refused.value).startswith("at: ")
        assert f"enrolled on {T0.date().isoformat()}" in str(refused.value)
    with ctx.db.reader() as tx:
        assert not [e for e in repo.audit_entries(tx, walker.id) if e.entity == "red_flag_report"]
    # the day of enrolment (even an hour before it was entered) and later are kept
    for moment in (T0 - timedelta(hours=1), T0, noon):
        out = red_flag_reports.report_red_flags(
            ctx.at(noon), dr, walker.id, {**NONE, "at": moment.isoformat()}
        )
        assert out.created_at == moment


def test_a_locked_knee_then_a_knee_giving_way_lists_the_emergency(
    ctx: AppContext, dr: Actor
) -> None:
    """Found by the outside-in test: the line for the restriction on "today" and in the
    clinician's list named the newest flag (a doctor soon) and hid the locked knee (emergency
    care now) that came first."""
    walker, me = _walker(ctx, dr)
    sessions.log_session(ctx.at(T0), me, walker.id, session_data("mon", T0))
    morning = T0 + timedelta(hours=22)
    checkins.morning_checkin(
        ctx.at(morning),
        me,
        walker.id,
        {"pain_nprs": 2, "stiffness_nprs": 1, "new_red_flags": ["locked_knee"]},
    )
    evening = morning + timedelta(hours=10)
    red_flag_reports.report_red_flags(
        ctx.at(evening), me, walker.id, {"new_red_flags": ["knee_giving_way"]}
    )
    locked = red_flag_reason(KneeRedFlag.LOCKED_KNEE).message
    today = plans.todays_prescription(ctx.at(evening), me, walker.id)
    stop = next(r for r in today.restrictions if r.kind.value == "red_flag")
    assert stop.summary == locked
    assert stop.what_to_do[0] == RED_FLAGS[KneeRedFlag.LOCKED_KNEE].action
    assert today.message.index("emergency care now") < today.message.index("gave way")
    listed = {f.walker.id: f for f in clinician.walker_flags(ctx.at(evening), dr)}
    # the clinician's list names it in the clinician's words, the emergency first
    locked_words = red_flag_for_clinician(KneeRedFlag.LOCKED_KNEE)
    assert any(locked_words in detail for detail in listed[walker.id].details)
    assert not any("doctor soon" in detail for detail in listed[walker.id].details)
    shown = restrictions.walker_restrictions(ctx.at(evening), dr, walker.id)
    assert next(r for r in shown.active if r.kind.value == "red_flag").summary == locked


# --- a check-in decided without its report never drops the red-flag questions (point 2) ------


def _closed_by_the_clinic(ctx: AppContext, dr: Actor) -> tuple[WalkerOut, Actor]:
    """Monday: the walker logs her session. Tuesday 10:00, before her check-in: the clinic
    logs a supervised session, which decides Monday's without its morning report (hold)."""
    walker, me = _walker(ctx, dr)
    sessions.log_session(ctx.at(T0), me, walker.id, session_data("mon", T0))
    tuesday = T0 + DAY + timedelta(hours=1)
    clinic = sessions.log_session(ctx.at(tuesday), dr, walker.id, session_data("clinic", tuesday))
    assert (
        UNASKED_NOTICE.format(day=spoken_date(T0.date())) in clinic.notices
    )  # not silent for the clinic
    return walker, me


def test_a_session_logged_for_her_keeps_the_morning_red_flag_questions(
    ctx: AppContext, dr: Actor
) -> None:
    walker, me = _closed_by_the_clinic(ctx, dr)
    afternoon = T0 + DAY + timedelta(hours=6)
    today = plans.todays_prescription(ctx.at(afternoon), me, walker.id)
    assert today.red_flags_unasked_since == T0.date()
    # the plan held (RULES §3: a missing report → hold); only the safety questions carry over
    with ctx.db.reader() as tx:
        decided = repo.checkins(tx, walker.id)
        assert [(c.report_missing, c.decision) for c in decided] == [(True, "hold")]
    # her own next session waits for them (here: a second session that Tuesday)
    with pytest.raises(NotReadyToWalk) as refused:
        sessions.log_session(
            ctx.at(afternoon),
            me,
            walker.id,
            session_data("again", afternoon, another_today=True),
        )
    assert str(refused.value) == RED_FLAGS_FIRST.format(day=spoken_date(T0.date()))
    red_flag_reports.report_red_flags(ctx.at(afternoon), me, walker.id, NONE)
    assert (
        plans.todays_prescription(ctx.at(afternoon), me, walker.id).red_flags_unasked_since is None
    )
    assert sessions.log_session(
        ctx.at(afternoon), me, walker.id, session_data("again", afternoon, another_today=True)
    ).created


def test_the_next_check_in_answers_the_unasked_questions_and_a_yes_stops(
    ctx: AppContext, dr: Actor
) -> None:
    walker, me = _closed_by_the_clinic(ctx, dr)
    wednesday = T0 + 2 * DAY
    today = plans.todays_prescription(ctx.at(wednesday), me, walker.id)
    assert today.status == "checkin_first"  # the check-in for the clinic's session asks them
    assert today.red_flags_unasked_since == T0.date()
    out = checkins.morning_checkin(
        ctx.at(wednesday),
        me,
        walker.id,
        {"pain_nprs": 2, "stiffness_nprs": 1, "new_red_flags": ["knee_giving_way"]},
    )
    assert "red_flag" in {r.kind.value for r in out.restrictions}
    today = plans.todays_prescription(ctx.at(wednesday), me, walker.id)
    assert (today.status, today.red_flags_unasked_since) == ("stopped", None)


def test_a_walkers_adverse_event_that_closes_a_check_in_leaves_its_questions_to_ask(
    ctx: AppContext, dr: Actor
) -> None:
    """A session reporting what went wrong is always stored, even before the check-in: the
    check-in it closes still has its red-flag questions asked."""
    walker, me = _walker(ctx, dr)
    sessions.log_session(ctx.at(T0), me, walker.id, session_data("mon", T0))
    tuesday = T0 + DAY + timedelta(hours=1)
    fall = session_data("fall", tuesday, adverse_events=["near_fall"], completed=False)
    sessions.log_session(ctx.at(tuesday), me, walker.id, fall)
    today = plans.todays_prescription(ctx.at(tuesday), me, walker.id)
    assert today.red_flags_unasked_since == T0.date()


# --- a check-in that cannot be stored never drops the red flags it reports (outside-in 3) -----


LOCKED = {"pain_nprs": 3, "stiffness_nprs": 2, "new_red_flags": ["locked_knee"]}


def _reports(ctx: AppContext, walker: WalkerOut) -> list[list[str]]:
    query = select(RedFlagReport).where(RedFlagReport.walker_id == walker.id)
    with ctx.db.reader() as tx:
        return [list(r.red_flags) for r in tx.scalars(query.order_by(RedFlagReport.id))]


def test_a_red_flag_ticked_in_a_check_in_the_clinic_closed_meanwhile_still_stops(
    ctx: AppContext, dr: Actor
) -> None:
    """Tuesday morning the walker opens her check-in for Monday's session; meanwhile the clinic
    logs a session, which decides Monday's without its report. She sends "my knee is locked":
    the check-in is refused (it was decided), and the locked knee was dropped — no stop, no
    record, and the page said to come back tomorrow."""
    walker, me = _closed_by_the_clinic(ctx, dr)
    later = T0 + DAY + timedelta(hours=2)
    monday = repo_session_id(ctx, walker, "mon")
    with pytest.raises(red_flag_reports.RedFlagsKeptWithoutCheckin) as refused:
        checkins.morning_checkin(ctx.at(later), me, walker.id, {**LOCKED, "session_id": monday})
    assert "already decided without a morning report" in str(refused.value)
    assert "kept" in str(refused.value)
    assert RED_FLAGS[KneeRedFlag.LOCKED_KNEE].action in str(refused.value)
    assert refused.value.report.new_red_flags == (KneeRedFlag.LOCKED_KNEE,)
    assert "red_flag" in _kinds(ctx, me, walker)
    assert _reports(ctx, walker) == [["locked_knee"]]
    assert plans.todays_prescription(ctx.at(later), me, walker.id).status == "stopped"


def test_a_red_flag_from_a_second_tab_after_the_check_in_is_kept_and_none_adds_nothing(
    ctx: AppContext, dr: Actor
) -> None:
    walker, me = _walker(ctx, dr)
    sessions.log_session(ctx.at(T0), me, walker.id, session_data("mon", T0))
    tuesday = T0 + DAY
    checkins.morning_checkin(
        ctx.at(tuesday), me, walker.id, {"pain_nprs": 1, "stiffness_nprs": 1, "new_red_flags": []}
    )
    with pytest.raises(red_flag_reports.RedFlagsKeptWithoutCheckin, match="already has"):
        checkins.morning_checkin(ctx.at(tuesday), me, walker.id, LOCKED)
    assert "red_flag" in _kinds(ctx, me, walker)
    # without a warning sign ticked, a refused check-in stores nothing, as before
    with pytest.raises(Conflict) as plain:
        checkins.morning_checkin(ctx.at(tuesday), me, walker.id, {**LOCKED, "new_red_flags": []})
    assert not isinstance(plain.value, red_flag_reports.RedFlagsKeptWithoutCheckin)
    assert _reports(ctx, walker) == [["locked_knee"]]


def test_a_red_flag_sent_with_a_check_in_that_is_not_open_yet_is_kept(
    ctx: AppContext, dr: Actor
) -> None:
    walker, me = _walker(ctx, dr)
    sessions.log_session(ctx.at(T0), me, walker.id, session_data("mon", T0))
    evening = T0 + timedelta(hours=9)
    with pytest.raises(red_flag_reports.RedFlagsKeptWithoutCheckin, match="opens on"):
        checkins.morning_checkin(
            ctx.at(evening),
            me,
            walker.id,
            {**LOCKED, "new_red_flags": ["calf_pain_swelling_warmth"]},
        )
    assert "red_flag" in _kinds(ctx, me, walker)
    with ctx.db.reader() as tx:
        assert repo.checkins(tx, walker.id) == []  # the check-in itself is still refused


def repo_session_id(ctx: AppContext, walker: WalkerOut, key: str) -> int:
    with ctx.db.reader() as tx:
        found = [s.id for s in repo.walk_sessions(tx, walker.id) if s.client_key == key]
    assert len(found) == 1
    return found[0]
