"""Safety rules held at the edges, on SQLite and PostgreSQL (found by the outside-in test):

- while a red flag (stop and refer) or a serious adverse event is open, no walking test is
  stored — for the walker, her clinician or an administrator — until a clinician's recorded
  clearance (RULES.md §7.1, §7.7, §7.8; that the tests wait is retrowalk policy); the knee
  questionnaire alone and tests done before a red flag was reported, entered by her clinician,
  are kept (not those dated before a fall was logged: when she fell is not known);
- a session walked before a red flag was reported, entered by her clinician, is a record of
  the past and is stored; the walker's own log dated before the report is refused (found by
  the outside-in test: a time she types got round the red flag), and so is one walked after
  it, one "in the future", and one dated before a fall was logged;
- the clinician's list words each restriction in the clinician's words, and says when the
  red-flag questions are still unasked.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from retrowalk.clinical.reasons import spoken_date
from retrowalk.clinical.red_flags import CLINICIAN_NAMES, KneeRedFlag
from retrowalk.services import (
    accounts,
    assessments,
    clinician,
    red_flag_reports,
    sessions,
)
from retrowalk.services.context import AppContext
from retrowalk.services.errors import InvalidRequest, NotReadyToWalk
from retrowalk.services.schemas import Actor, Flag, Role, WalkerOut
from retrowalk.services.walking_tests_gate import TESTS_WAIT
from tests.services.factory import T0, planned_walker, session_data
from tests.services.factory import clinician as make_clinician

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
CALF = KneeRedFlag.CALF_PAIN_SWELLING_WARMTH
THREE_METRES = {"kind": "reassessment", "backward_walk_3m_s": 4.2}
KOOS_ONLY = {"kind": "reassessment", "koos_answers": {"P1": 1, "P2": 1, "Q1": 1, "Q2": 1}}


@pytest.fixture
def dr(ctx: AppContext) -> Actor:
    return make_clinician(ctx, accounts.ensure_local_admin(ctx), "dr@clinic.org")


def _walker(ctx: AppContext, dr: Actor, email: str = "ann@example.org") -> tuple[WalkerOut, Actor]:
    walker = planned_walker(ctx, dr, email)
    return walker, Actor(account_id=walker.account_id, role=Role.WALKER)


def _report_calf_pain(ctx: AppContext, me: Actor, walker: WalkerOut) -> None:
    red_flag_reports.report_red_flags(
        ctx.at(T0 + DAY + HOUR), me, walker.id, {"new_red_flags": [CALF.value]}
    )


def test_no_walking_test_is_stored_under_a_red_flag_by_anyone_until_a_clearance(
    ctx: AppContext, dr: Actor
) -> None:
    walker, me = _walker(ctx, dr)
    _report_calf_pain(ctx, me, walker)
    later = ctx.at(T0 + DAY + 2 * HOUR)
    held = assessments.walking_tests_held(later, me, walker.id)
    assert held is not None
    assert "No walking tests now" in held
    assert TESTS_WAIT in held
    admin = accounts.ensure_local_admin(ctx)
    for who in (me, dr, admin):
        with pytest.raises(NotReadyToWalk) as refused:
            assessments.record_assessment(later, who, walker.id, THREE_METRES)
        if who is me:
            assert str(refused.value) == held
        else:  # her clinician and the terminal: which restriction, since when, what lifts it
            assert str(refused.value).startswith(
                "No walking tests now: a red flag (stop and refer), since "
            )
            assert "record a clearance of the red flag" in str(refused.value)
            assert "Please contact your clinician" not in str(refused.value)
        for test in ({"tug_s": 9.0}, {"chair_stand_used_arms": True}, {"gait_speed_m_s": 1.0}):
            with pytest.raises(NotReadyToWalk):
                assessments.record_assessment(
                    later, who, walker.id, {"kind": "reassessment", **test}
                )
    # the knee questionnaire is answered sitting down: it is kept
    assert assessments.record_assessment(later, me, walker.id, KOOS_ONLY).id > 0
    clinician.clear_walker(later, dr, walker.id, {"scope": "red_flag", "reason": "Doppler clear"})
    assert assessments.walking_tests_held(later, me, walker.id) is None
    assert assessments.record_assessment(later, me, walker.id, THREE_METRES).id > 0


def test_tests_done_before_the_red_flag_are_kept_as_a_record_of_the_past(
    ctx: AppContext, dr: Actor
) -> None:
    walker, me = _walker(ctx, dr)
    _report_calf_pain(ctx, me, walker)
    later = ctx.at(T0 + DAY + 2 * HOUR)
    the_day_before = (T0 + DAY + HOUR).date() - DAY
    past = {**THREE_METRES, "local_date": the_day_before.isoformat()}
    with pytest.raises(NotReadyToWalk, match="tell your clinician"):
        assessments.record_assessment(later, me, walker.id, past)  # her own date: held
    done = assessments.record_assessment(later, dr, walker.id, past)
    assert done.local_date == the_day_before
    with pytest.raises(NotReadyToWalk):  # the same day as the report: held (it may be after)
        assessments.record_assessment(
            later, dr, walker.id, {**THREE_METRES, "local_date": (T0 + DAY).date().isoformat()}
        )


def test_chest_pain_holds_the_walking_tests_until_the_review(ctx: AppContext, dr: Actor) -> None:
    walker, me = _walker(ctx, dr)
    sessions.log_session(
        ctx.at(T0 + HOUR),
        me,
        walker.id,
        session_data("chest", T0 + HOUR, adverse_events=["chest_pain"], completed=False),
    )
    with pytest.raises(NotReadyToWalk) as refused:
        assessments.record_assessment(ctx.at(T0 + 2 * HOUR), me, walker.id, THREE_METRES)
    assert "call your emergency number" in str(refused.value)
    clinician.clear_walker(
        ctx.at(T0 + 3 * HOUR), dr, walker.id, {"scope": "adverse_event", "reason": "ECG normal"}
    )
    assert assessments.record_assessment(ctx.at(T0 + 4 * HOUR), me, walker.id, THREE_METRES)


def test_tests_dated_before_a_fall_was_logged_are_held_all_the_same(
    ctx: AppContext, dr: Actor
) -> None:
    """Yesterday's session, its fall logged this morning: when she fell is not known (the
    restriction dates from the log), so tests dated yesterday wait for the review too."""
    walker, me = _walker(ctx, dr)
    logged = ctx.at(T0 + DAY + HOUR)
    fell = session_data("fell", T0, adverse_events=["fall"], completed=False)
    sessions.log_session(logged, me, walker.id, fell)
    yesterday = {**THREE_METRES, "local_date": T0.date().isoformat()}
    later = ctx.at(T0 + DAY + 2 * HOUR)
    for who in (me, dr):
        with pytest.raises(NotReadyToWalk, match="No walking tests now"):
            assessments.record_assessment(later, who, walker.id, yesterday)
    clinician.clear_walker(later, dr, walker.id, {"scope": "adverse_event", "reason": "Seen"})
    assert assessments.record_assessment(later, dr, walker.id, yesterday).id > 0


def test_a_session_walked_before_the_red_flag_report_is_logged_after_it(
    ctx: AppContext, dr: Actor
) -> None:
    """She walked at 09:00 and reported calf pain at 10:00: her clinician logging the 09:00
    session at 10:30 keeps a record of the past; the walker's own log of it is refused (a time
    she types cannot get round the red flag) and told her clinician can add it; one walked at
    10:15 (after the report) stays refused for both."""
    walker, me = _walker(ctx, dr)
    nine = T0 + DAY
    _report_calf_pain(ctx, me, walker)  # 10:00
    half_past_ten = ctx.at(nine + 90 * timedelta(minutes=1))
    with pytest.raises(NotReadyToWalk, match="tell your clinician"):
        sessions.log_session(half_past_ten, me, walker.id, session_data("hers", nine))
    kept = sessions.log_session(half_past_ten, dr, walker.id, session_data("nine", nine))
    assert kept.created
    assert kept.performed_at == nine
    quarter_past_ten = nine + HOUR + timedelta(minutes=15)
    for who in (me, dr):
        with pytest.raises(NotReadyToWalk, match="red flag"):
            sessions.log_session(
                half_past_ten,
                who,
                walker.id,
                session_data(f"after-{who.role}", quarter_past_ten, another_today=True),
            )
    # a time in the future is refused: the server's clock decides "now"
    with pytest.raises(InvalidRequest, match="in the future"):
        sessions.log_session(
            half_past_ten,
            me,
            walker.id,
            session_data("future", nine + 5 * HOUR, another_today=True),
        )


def test_a_session_dated_before_a_fall_was_logged_is_refused(ctx: AppContext, dr: Actor) -> None:
    """A fall in the 09:00 session, logged at 10:00: a session said to be walked at 09:30 and
    logged at 10:30 is refused (when she fell is not known, only when it was logged); the
    clinician's review lifts it."""
    walker, me = _walker(ctx, dr)
    nine = T0 + DAY
    fell = session_data("fell", nine, adverse_events=["fall"], completed=False)
    sessions.log_session(ctx.at(nine + HOUR), me, walker.id, fell)
    half_past_nine = session_data("9.30", nine + HOUR / 2, another_today=True)
    half_past_ten = ctx.at(nine + HOUR + HOUR / 2)
    for who in (me, dr):
        with pytest.raises(NotReadyToWalk, match="No session can be logged"):
            sessions.log_session(half_past_ten, who, walker.id, half_past_nine)
    clinician.clear_walker(
        half_past_ten, dr, walker.id, {"scope": "adverse_event", "reason": "Seen: no harm"}
    )
    assert sessions.log_session(half_past_ten, me, walker.id, half_past_nine).created


def test_the_list_words_restrictions_for_the_clinician_and_shows_unasked_questions(
    ctx: AppContext, dr: Actor
) -> None:
    walker, me = _walker(ctx, dr)
    sessions.log_session(ctx.at(T0), me, walker.id, session_data("mon", T0))
    tuesday = T0 + DAY + HOUR
    # the clinic logs a session before her check-in: Monday's red-flag questions go unasked
    sessions.log_session(ctx.at(tuesday), dr, walker.id, session_data("clinic", tuesday))
    row = clinician.walker_flag(ctx.at(tuesday), dr, walker.id)
    assert Flag.RED_FLAGS_UNASKED in row.flags
    unasked = next(d for d in row.details if d.startswith("Warning-sign questions unasked"))
    assert spoken_date(T0.date()) in unasked
    assert "before their next session" in unasked
    listed = {r.walker.id: r for r in clinician.walker_flags(ctx.at(tuesday), dr)}
    assert Flag.RED_FLAGS_UNASKED in listed[walker.id].flags
    # answered: the flag goes
    red_flag_reports.report_red_flags(
        ctx.at(tuesday + HOUR), me, walker.id, {"new_red_flags": [CALF.value]}
    )
    sessions.log_session(
        ctx.at(tuesday + 2 * HOUR),
        me,
        walker.id,
        session_data("fell", tuesday, adverse_events=["fall"], completed=False, another_today=True),
    )
    row = clinician.walker_flag(ctx.at(tuesday + 3 * HOUR), dr, walker.id)
    assert Flag.RED_FLAGS_UNASKED not in row.flags
    red = next(d for d in row.details if d.startswith("Red flag: stop and refer"))
    assert red == f"Red flag: stop and refer: {CLINICIAN_NAMES[CALF]}, needing emergency care now"
    fall = next(d for d in row.details if d.startswith("Adverse event"))
    assert "you reported" not in fall.lower()
    assert "your" not in fall.lower()
    assert spoken_date(tuesday.date()) in fall
    assert "fall" in fall
