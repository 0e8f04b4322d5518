"""Restrictions, and who may lift them (RULES.md §7): each rule at its boundary, and the
properties that no sequence of the walker's own actions removes one and that a clearance
lifts exactly the kind it names."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.clinical.fall_risk import FallRiskTests, Sex, assess_fall_risk
from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.policy_timeline import PolicyTimeline, PolicyVersion
from retrowalk.clinical.red_flags import CHECKIN_RED_FLAGS, RED_FLAGS, KneeRedFlag, red_flag_reason
from retrowalk.clinical.restriction_models import Effect, RestrictionKind, Source
from retrowalk.clinical.restrictions import (
    CHEST_PAIN_EMERGENCY,
    active_restrictions,
    supervision_needed,
)
from retrowalk.clinical.screening import ScreeningAnswers, SteadiAnswers
from retrowalk.clinical.session_records import AdverseEvent
from retrowalk.clinical.walker_record import (
    AssessmentFact,
    CheckinFact,
    ClearanceFact,
    RedFlagReportFact,
    ScreeningFact,
    SessionFact,
    WalkerRecord,
)
from tests.clinical.test_prescription import prescription

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NO = SteadiAnswers(fell_past_12_months=False, feels_unsteady=False, worries_about_falling=False)
CLEAN_PARQ = (False, False, False, False, True, False, False)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def answers(**changes: Any) -> ScreeningAnswers:
    base: dict[str, Any] = {
        "age_years": 66,
        "used_to_activity": True,
        "parq": CLEAN_PARQ,
        "steadi": NO,
        "fever_or_unwell": False,
        "uses_walking_aid": False,
        "takes_anticoagulant": False,
        "recent_knee_surgery": False,
    }
    base.update(changes)
    return ScreeningAnswers(**base)


def screening(minute: int, **changes: Any) -> ScreeningFact:
    return ScreeningFact(record_id=minute, at=at(minute), answers=answers(**changes))


LOW = {"tug_s": 9.0, "tandem_stance_s": 12.0}


def assessment(minute: int, **tests: Any) -> AssessmentFact:
    earlier = tests.pop("earlier", None)
    base: dict[str, Any] = {"age_years": 66, "sex": Sex.FEMALE, "steadi": NO, **tests}
    result = assess_fall_risk(FallRiskTests(**base), earlier_at_risk_tug_s=earlier)
    return AssessmentFact(record_id=minute, at=at(minute), fall_risk=result)


def session(minute: int, *events: AdverseEvent, supervised: bool = True) -> SessionFact:
    return SessionFact(
        record_id=minute,
        at=at(minute),
        local_date=at(minute).date(),
        adverse_events=frozenset(events),
        supervised=supervised,
    )


def checkin(minute: int, pain: int, usual: float = 2.0, *flags: KneeRedFlag) -> CheckinFact:
    return CheckinFact(
        record_id=minute,
        at=at(minute),
        local_date=at(minute).date(),
        pain_nprs=pain,
        usual_pain_nprs=usual,
        red_flags=frozenset(flags),
    )


def report(minute: int, *flags: KneeRedFlag) -> RedFlagReportFact:
    return RedFlagReportFact(
        record_id=minute, at=at(minute), local_date=at(minute).date(), red_flags=frozenset(flags)
    )


def clearance(minute: int, kind: RestrictionKind) -> ClearanceFact:
    return ClearanceFact(
        record_id=minute, at=at(minute), kind=kind, reason="Seen in clinic.", recorded_by=99
    )


def kinds(**parts: Any) -> frozenset[RestrictionKind]:
    return active_restrictions(WalkerRecord(**parts)).kinds


# --- §7.1: only a clinician lifts; a later screening only adds --------------------------------


def test_a_red_flag_stays_after_clean_answers_until_a_clinician_clears_it() -> None:
    """Persona R: calf pain and swelling, then the screening answered again without it."""
    red = screening(0, red_flags=frozenset({KneeRedFlag.CALF_PAIN_SWELLING_WARMTH}))
    clean = screening(10)
    restrictions = active_restrictions(WalkerRecord(screenings=(red, clean)))
    flag = restrictions.of(RestrictionKind.RED_FLAG)
    assert flag is not None
    assert flag.effect is Effect.NO_SESSIONS
    assert restrictions.blocks_sessions
    assert any("emergency" in action for action in flag.what_to_do)
    assert flag.triggers[0].source is Source.SCREENING
    assert flag.triggers[0].record_id == 0
    assert "clinician" in flag.lifted_by
    other = clearance(20, RestrictionKind.CLEARANCE_REQUIRED)
    assert RestrictionKind.RED_FLAG in kinds(screenings=(red, clean), clearances=(other,))
    cleared = clearance(20, RestrictionKind.RED_FLAG)
    after = active_restrictions(WalkerRecord(screenings=(red, clean), clearances=(cleared,)))
    assert after.of(RestrictionKind.RED_FLAG) is None
    assert after.lifted[0].kind is RestrictionKind.RED_FLAG
    assert after.lifted[0].triggers[0].record_id == 0


def test_a_clearance_requirement_stays_after_all_no_answers() -> None:
    """Persona S: PAR-Q "heart condition", then answered again with all no."""
    heart = screening(0, parq=(True, *CLEAN_PARQ[1:]))
    all_no = screening(10, parq=(False,) * 7)
    assert kinds(screenings=(heart, all_no)) == {RestrictionKind.CLEARANCE_REQUIRED}
    cleared = (clearance(20, RestrictionKind.CLEARANCE_REQUIRED),)
    assert kinds(screenings=(heart, all_no), clearances=cleared) == set()


def test_a_clearance_does_not_lift_what_comes_after_it() -> None:
    heart = screening(0, parq=(True, *CLEAN_PARQ[1:]))
    again = screening(30, parq=(True, *CLEAN_PARQ[1:]))
    cleared = (clearance(20, RestrictionKind.CLEARANCE_REQUIRED),)
    restriction = active_restrictions(
        WalkerRecord(screenings=(heart, again), clearances=cleared)
    ).of(RestrictionKind.CLEARANCE_REQUIRED)
    assert restriction is not None
    assert [t.record_id for t in restriction.triggers] == [30]


# --- §7.6: the questions kept with the screening ----------------------------------------------


@pytest.mark.parametrize(("fever", "flag"), [(False, "hot_swollen_knee"), (True, "infection")])
def test_a_hot_swollen_knee_stops_with_or_without_fever(fever: bool, flag: str) -> None:
    """Persona C: a hot, swollen knee without fever is still stop and refer (same-day doctor)."""
    hot = screening(0, red_flags=frozenset({KneeRedFlag.HOT_SWOLLEN_KNEE}), fever_or_unwell=fever)
    restriction = active_restrictions(WalkerRecord(screenings=(hot,))).of(RestrictionKind.RED_FLAG)
    assert restriction is not None
    assert restriction.reasons[0].code == f"screening.red_flag.{flag}"
    words = "emergency" if fever else "today"
    assert any(words in action for action in restriction.what_to_do)


def test_knee_surgery_in_the_last_12_weeks_needs_clearance() -> None:
    """Persona D: six weeks after a knee replacement."""
    surgery = screening(0, recent_knee_surgery=True)
    restriction = active_restrictions(WalkerRecord(screenings=(surgery,))).of(
        RestrictionKind.CLEARANCE_REQUIRED
    )
    assert restriction is not None
    assert restriction.reasons[0].policy
    assert "12 weeks" in restriction.reasons[0].message


def test_a_walking_aid_means_every_session_supervised_until_a_clinician_lifts_it() -> None:
    """Persona H: a cane user with TUG 11.5 s and a 3-m walk in 3.9 s."""
    cane = screening(0, uses_walking_aid=True)
    later = screening(10, uses_walking_aid=False)
    low = assessment(5, tug_s=11.5, tandem_stance_s=12.0, backward_walk_3m_s=3.9)
    restrictions = active_restrictions(WalkerRecord(screenings=(cane, later), assessments=(low,)))
    aid = restrictions.of(RestrictionKind.WALKING_AID)
    assert aid is not None
    assert aid.effect is Effect.SUPERVISED
    assert restrictions.supervised_every_session
    assert not restrictions.blocks_sessions
    policy_off = PolicyConfig(walking_aid_supervised=False)
    assert (
        active_restrictions(WalkerRecord(screenings=(cane,)), policy_off).of(
            RestrictionKind.WALKING_AID
        )
        is None
    )


@pytest.mark.parametrize(
    ("tests", "needs_clearance"),
    [(LOW, False), ({"tug_s": 13.0}, True), ({"backward_walk_3m_s": 2.9}, True)],
)
def test_a_blood_thinner_with_high_or_unknown_fall_risk_needs_clearance(
    tests: dict[str, float], needs_clearance: bool
) -> None:
    """Persona C: an 80-year-old on anticoagulants."""
    thinner = screening(0, takes_anticoagulant=True)
    found = kinds(screenings=(thinner,), assessments=(assessment(5, **tests),))
    assert (RestrictionKind.CLEARANCE_REQUIRED in found) is needs_clearance


# --- §7.3–7.4: fall risk ------------------------------------------------------------------------


def test_high_fall_risk_is_lifted_only_by_a_clearance_after_a_low_reassessment() -> None:
    high = assessment(0, tug_s=13.0, tandem_stance_s=12.0)
    record = WalkerRecord(assessments=(high,))
    restriction = active_restrictions(record).of(RestrictionKind.FALL_RISK)
    assert restriction is not None
    assert restriction.effect is Effect.SUPERVISED
    assert not restriction.can_clear
    assert "reassessment that is low risk" in (restriction.cannot_clear_because or "")
    low = assessment(10, **LOW)
    record = WalkerRecord(assessments=(high, low))
    restriction = active_restrictions(record).of(RestrictionKind.FALL_RISK)
    assert restriction is not None  # a low retest alone lifts nothing
    assert restriction.can_clear
    lifted = WalkerRecord(
        assessments=(high, low), clearances=(clearance(20, RestrictionKind.FALL_RISK),)
    )
    assert RestrictionKind.FALL_RISK not in active_restrictions(lifted).kinds


def test_a_retest_within_the_tug_error_cannot_be_cleared() -> None:
    """Persona M: high risk on TUG 12.5 s; a retest 5 days later 11.8 s."""
    high = assessment(0, tug_s=12.5, tandem_stance_s=12.0)
    retest = assessment(10, tug_s=11.8, tandem_stance_s=12.0, earlier=12.5)
    restriction = active_restrictions(WalkerRecord(assessments=(high, retest))).of(
        RestrictionKind.FALL_RISK
    )
    assert restriction is not None
    assert not restriction.can_clear


def test_a_low_reassessment_older_than_a_new_falls_answer_cannot_clear() -> None:
    low = assessment(0, **LOW)
    fell = screening(10, steadi=NO.model_copy(update={"fell_past_12_months": True}))
    restriction = active_restrictions(WalkerRecord(assessments=(low,), screenings=(fell,))).of(
        RestrictionKind.FALL_RISK
    )
    assert restriction is not None
    assert not restriction.can_clear
    assert "older" in (restriction.cannot_clear_because or "")


def test_not_known_fall_risk_gates_like_high() -> None:
    """Persona L: every test skipped but one."""
    partial = assessment(0, backward_walk_3m_s=2.9)
    restriction = active_restrictions(WalkerRecord(assessments=(partial,))).of(
        RestrictionKind.FALL_RISK
    )
    assert restriction is not None
    assert restriction.effect is Effect.SUPERVISED
    assert "not known" in restriction.summary


def test_a_questionnaire_only_assessment_says_nothing_about_fall_risk() -> None:
    koos_only = AssessmentFact(record_id=1, at=at(0), fall_risk=None)
    assert kinds(assessments=(koos_only,)) == set()


# --- §7.7–7.8 and the rest day: what happens during the programme ----------------------------


@pytest.mark.parametrize("flag", CHECKIN_RED_FLAGS)
def test_a_red_flag_at_the_morning_check_in_stops_and_refers(flag: KneeRedFlag) -> None:
    found = active_restrictions(WalkerRecord(checkins=(checkin(0, 2, 2.0, flag),)))
    restriction = found.of(RestrictionKind.RED_FLAG)
    assert restriction is not None
    assert restriction.triggers[0].source is Source.CHECKIN
    assert found.blocks_sessions


@pytest.mark.parametrize("flag", CHECKIN_RED_FLAGS)
def test_a_red_flag_reported_at_any_time_stops_and_refers_as_at_the_check_in(
    flag: KneeRedFlag,
) -> None:
    """RULES.md §7.7: the same restriction, the same words and what to do as the check-in's."""
    reported = active_restrictions(WalkerRecord(red_flag_reports=(report(0, flag),)))
    at_checkin = active_restrictions(WalkerRecord(checkins=(checkin(0, 2, 2.0, flag),)))
    restriction = reported.of(RestrictionKind.RED_FLAG)
    same = at_checkin.of(RestrictionKind.RED_FLAG)
    assert restriction is not None
    assert same is not None
    assert restriction.triggers[0].source is Source.RED_FLAG_REPORT
    assert [r.message for r in restriction.reasons] == [red_flag_reason(flag).message]
    assert [r.message for r in restriction.reasons] == [r.message for r in same.reasons]
    assert restriction.what_to_do == same.what_to_do == (RED_FLAGS[flag].action,)
    assert (restriction.title, restriction.effect) == (same.title, same.effect)
    assert reported.blocks_sessions


def test_reporting_none_afterwards_never_lifts_a_reported_red_flag() -> None:
    flagged = report(0, KneeRedFlag.HOT_SWOLLEN_KNEE)
    assert RestrictionKind.RED_FLAG in kinds(red_flag_reports=(flagged, report(1), report(2)))
    assert RestrictionKind.RED_FLAG in kinds(
        red_flag_reports=(flagged,), checkins=(checkin(3, 1),), screenings=(screening(4),)
    )
    assert kinds(red_flag_reports=(report(0),)) == frozenset()  # "none of these" sets nothing
    lifted = kinds(
        red_flag_reports=(flagged, report(2)), clearances=(clearance(1, RestrictionKind.RED_FLAG),)
    )
    assert RestrictionKind.RED_FLAG not in lifted


@pytest.mark.parametrize(
    ("event", "effect"),
    [
        (AdverseEvent.CHEST_PAIN, Effect.NO_SESSIONS),
        (AdverseEvent.DIZZINESS, Effect.NO_SESSIONS),
        (AdverseEvent.FALL, Effect.NO_SESSIONS),
        (AdverseEvent.NEAR_FALL, Effect.SUPERVISED),
        (AdverseEvent.SHARP_KNEE_PAIN, Effect.SUPERVISED),
    ],
)
def test_adverse_events_stop_or_supervise_until_reviewed(
    event: AdverseEvent, effect: Effect
) -> None:
    """Persona K (chest pain) and J (near-fall with sharp knee pain)."""
    record = WalkerRecord(sessions=(session(0, event),))
    restriction = active_restrictions(record).of(RestrictionKind.ADVERSE_EVENT)
    assert restriction is not None
    assert restriction.effect is effect
    assert (restriction.emergency == CHEST_PAIN_EMERGENCY) is (event is AdverseEvent.CHEST_PAIN)
    reviewed = WalkerRecord(
        sessions=(session(0, event),), clearances=(clearance(5, RestrictionKind.ADVERSE_EVENT),)
    )
    assert active_restrictions(reviewed).kinds == set()


SERIOUS = (AdverseEvent.CHEST_PAIN, AdverseEvent.DIZZINESS, AdverseEvent.FALL)
MILD = (AdverseEvent.NEAR_FALL, AdverseEvent.SHARP_KNEE_PAIN)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(SERIOUS + MILD), min_size=1, max_size=3, unique=True),
        min_size=1,
        max_size=5,
    )
)
def test_a_serious_event_leads_whatever_milder_one_came_after(
    events: list[list[AdverseEvent]],
) -> None:
    """Found by the outside-in test: a fall then a sharp knee pain read "every session is
    supervised" and advised a helper, though the fall stops every session. With any serious
    event under review the summary names a serious one and no advice speaks of supervision."""
    record = WalkerRecord(sessions=tuple(session(i, *e) for i, e in enumerate(events)))
    restriction = active_restrictions(record).of(RestrictionKind.ADVERSE_EVENT)
    assert restriction is not None
    serious = {e for day in events for e in day if e in SERIOUS}
    if not serious:
        assert restriction.effect is Effect.SUPERVISED
        return
    assert restriction.effect is Effect.NO_SESSIONS
    words = {e.value.replace("_", " ") for e in serious}
    assert any(w in restriction.summary for w in words), restriction.summary
    assert "No more sessions" in restriction.summary
    assert any(w in restriction.clinician_summary for w in words)
    assert not any("Have someone with you" in a for a in restriction.what_to_do)


@pytest.mark.parametrize(
    ("pain", "usual", "rest"), [(6, 4.0, False), (7, 4.0, True), (4, 2.0, False), (5, 2.0, True)]
)
def test_a_rest_day_holds_until_the_clinician_decides(pain: int, usual: float, rest: bool) -> None:
    """Persona F: pain 2 before a session and 7 the next morning."""
    record = WalkerRecord(checkins=(checkin(0, pain, usual),))
    restriction = active_restrictions(record).of(RestrictionKind.REST_DAY)
    assert (restriction is not None) is rest
    if restriction is not None:
        assert restriction.effect is Effect.NO_SESSIONS
        assert any("contact your clinician" in a for a in restriction.what_to_do)


def test_a_missing_morning_report_is_never_a_rest_day() -> None:
    missing = CheckinFact(record_id=1, at=at(0), local_date=date(2026, 1, 5), pain_nprs=None)
    assert kinds(checkins=(missing,)) == set()


# --- supervision ---------------------------------------------------------------------------------


def test_the_first_sessions_are_counted_in_supervised_sessions() -> None:
    """Sessions walked alone never use up the supervised first sessions."""
    plan = prescription()
    none = active_restrictions(WalkerRecord())
    assert supervision_needed(none, plan, supervised_sessions_done=1).required
    assert not supervision_needed(none, plan, supervised_sessions_done=2).required


def test_every_supervising_restriction_requires_a_helper() -> None:
    plan = prescription()
    cane = active_restrictions(WalkerRecord(screenings=(screening(0, uses_walking_aid=True),)))
    need = supervision_needed(cane, plan, supervised_sessions_done=10)
    assert need.required
    assert any("walking aid" in why for why in need.why)


# --- properties over random records -------------------------------------------------------------

flags = st.frozensets(st.sampled_from(list(KneeRedFlag)), max_size=2)
walker_screening = st.builds(
    dict,
    parq=st.tuples(*[st.booleans()] * 7),
    red_flags=flags,
    steadi=st.builds(
        SteadiAnswers,
        fell_past_12_months=st.booleans(),
        feels_unsteady=st.booleans(),
        worries_about_falling=st.booleans(),
    ),
    fever_or_unwell=st.booleans(),
    uses_walking_aid=st.booleans(),
    takes_anticoagulant=st.booleans(),
    recent_knee_surgery=st.booleans(),
)
times = st.one_of(st.none(), st.floats(5.0, 20.0))
walker_tests = st.builds(
    dict,
    tug_s=times,
    tandem_stance_s=st.one_of(st.none(), st.floats(0.0, 30.0)),
    chair_stand_count=st.one_of(st.none(), st.integers(0, 25)),
    backward_walk_3m_s=st.one_of(st.none(), st.floats(1.5, 10.0)),
).filter(lambda t: any(v is not None for v in t.values()))
walker_action = st.one_of(
    st.tuples(st.just("screening"), walker_screening),
    st.tuples(st.just("assessment"), walker_tests),
    st.tuples(st.just("session"), st.frozensets(st.sampled_from(list(AdverseEvent)), max_size=2)),
    st.tuples(
        st.just("checkin"),
        st.tuples(
            st.integers(0, 10),
            st.floats(0, 10),
            st.frozensets(st.sampled_from(CHECKIN_RED_FLAGS), max_size=2),
        ),
    ),
    st.tuples(st.just("report"), st.frozensets(st.sampled_from(CHECKIN_RED_FLAGS), max_size=2)),
)
action = st.one_of(
    walker_action, st.tuples(st.just("clearance"), st.sampled_from(list(RestrictionKind)))
)


def _add(record: WalkerRecord, kind: str, data: Any, minute: int) -> WalkerRecord:
    if kind == "screening":
        fact: Any = screening(minute, **data)
        return record.model_copy(update={"screenings": (*record.screenings, fact)})
    if kind == "assessment":
        return record.model_copy(
            update={"assessments": (*record.assessments, assessment(minute, **data))}
        )
    if kind == "session":
        return record.model_copy(update={"sessions": (*record.sessions, session(minute, *data))})
    if kind == "checkin":
        pain, usual, red = data
        return record.model_copy(
            update={"checkins": (*record.checkins, checkin(minute, pain, usual, *red))}
        )
    if kind == "report":
        return record.model_copy(
            update={"red_flag_reports": (*record.red_flag_reports, report(minute, *data))}
        )
    return record.model_copy(update={"clearances": (*record.clearances, clearance(minute, data))})


@settings(max_examples=200)
@given(st.lists(action, max_size=25))
def test_property_no_walker_action_removes_a_restriction_and_a_clearance_lifts_exactly_its_kind(
    actions: list[tuple[str, Any]],
) -> None:
    record = WalkerRecord()
    before = active_restrictions(record)
    for minute, (kind, data) in enumerate(actions):
        record = _add(record, kind, data, minute)
        after = active_restrictions(record)
        if kind == "clearance":
            assert after.kinds == before.kinds - {data}
        else:
            assert after.kinds >= before.kinds, f"{kind} removed {before.kinds - after.kinds}"
        assert after.blocks_sessions is any(r.effect is Effect.NO_SESSIONS for r in after.active)
        before = after


@settings(max_examples=100)
@given(st.lists(walker_action, min_size=1, max_size=15))
def test_property_a_walker_alone_never_gets_below_the_first_restriction_set(
    actions: list[tuple[str, Any]],
) -> None:
    """Whatever the walker does after a red flag, the red flag stays."""
    record = WalkerRecord(
        screenings=(screening(-1, red_flags=frozenset({KneeRedFlag.LOCKED_KNEE})),)
    )
    for minute, (kind, data) in enumerate(actions):
        record = _add(record, kind, data, minute)
    restrictions = active_restrictions(record)
    assert RestrictionKind.RED_FLAG in restrictions.kinds
    assert restrictions.blocks_sessions


# --- a policy change never lifts a restriction (found by the outside-in test) ---------------


def _timeline(minute: int, **changes: Any) -> PolicyTimeline:
    """Retrowalk's defaults until ``minute``, then a policy with ``changes``."""
    changed = PolicyConfig().model_copy(update=changes)
    return PolicyTimeline(versions=(PolicyVersion(since=at(minute), policy=changed),))


def test_raising_the_rest_day_pain_does_not_lift_a_rest_day_already_set() -> None:
    record = WalkerRecord(checkins=(checkin(0, 7, 5.0),))
    timeline = _timeline(10, rest_day_pain_from_nprs=8)
    assert RestrictionKind.REST_DAY in active_restrictions(record, timeline=timeline).kinds
    later = WalkerRecord(checkins=(checkin(0, 7, 5.0), checkin(20, 2), checkin(30, 7, 5.0)))
    after = active_restrictions(later, timeline=timeline).of(RestrictionKind.REST_DAY)
    assert after is not None
    assert [t.record_id for t in after.triggers] == [0]  # pain 7 after the change: no rest day
    cleared = WalkerRecord(
        checkins=(checkin(0, 7, 5.0),), clearances=(clearance(40, RestrictionKind.REST_DAY),)
    )
    assert RestrictionKind.REST_DAY not in active_restrictions(cleared, timeline=timeline).kinds


def test_switching_walking_aid_supervision_off_applies_from_then_on() -> None:
    timeline = _timeline(10, walking_aid_supervised=False)
    before = WalkerRecord(screenings=(screening(0, uses_walking_aid=True),))
    assert RestrictionKind.WALKING_AID in active_restrictions(before, timeline=timeline).kinds
    after = WalkerRecord(screenings=(screening(20, uses_walking_aid=True),))
    assert RestrictionKind.WALKING_AID not in active_restrictions(after, timeline=timeline).kinds


def test_a_stricter_policy_applies_to_what_comes_after_it() -> None:
    timeline = _timeline(10, rest_day_pain_from_nprs=6)
    record = WalkerRecord(checkins=(checkin(0, 6, 5.0), checkin(20, 6, 5.0)))
    rest = active_restrictions(record, timeline=timeline).of(RestrictionKind.REST_DAY)
    assert rest is not None
    assert [t.record_id for t in rest.triggers] == [20]


@given(
    pains=st.lists(st.integers(0, 10), min_size=1, max_size=6),
    change_at=st.integers(0, 100),
    threshold=st.integers(5, 10),
)
@settings(max_examples=120, deadline=None)
def test_property_a_policy_change_alone_never_lifts_a_restriction(
    pains: list[int], change_at: int, threshold: int
) -> None:
    """Every restriction active under the old policy, on the records made before the
    change, is still active with the timeline: only a clearance lifts it."""
    record = WalkerRecord(
        checkins=tuple(checkin(i * 15, p, 2.0) for i, p in enumerate(pains)),
        screenings=(screening(0, uses_walking_aid=True),),
    )
    before_change = WalkerRecord(
        checkins=tuple(c for c in record.checkins if c.at < at(change_at)),
        screenings=tuple(s for s in record.screenings if s.at < at(change_at)),
    )
    timeline = _timeline(change_at, rest_day_pain_from_nprs=threshold, walking_aid_supervised=False)
    old = active_restrictions(before_change).kinds
    now = active_restrictions(record, timeline=timeline).kinds
    assert old <= now


@given(st.sets(st.sampled_from(list(KneeRedFlag)), min_size=1))
@settings(max_examples=60, deadline=None)
def test_the_red_flag_title_never_says_less_than_its_first_advice(flags: set[KneeRedFlag]) -> None:
    """The title above the advice names no care of its own (it said "see a doctor" above
    "Get emergency care now"); the first advice is the most urgent flag's (RULES.md §1.2)."""
    found = active_restrictions(WalkerRecord(red_flag_reports=(report(0, *flags),)))
    restriction = found.of(RestrictionKind.RED_FLAG)
    assert restriction is not None
    assert "doctor" not in restriction.title
    assert "emergency" not in restriction.title
    assert "no backward walking" in restriction.title
    urgencies = {RED_FLAGS[f].urgency.value for f in flags}
    most = next((u for u in ("urgent", "same_day") if u in urgencies), "soon")
    when = {"urgent": "emergency care now", "same_day": "today"}.get(most, "soon")
    assert when in restriction.what_to_do[0]


@given(
    st.lists(st.integers(1, 40), min_size=1, max_size=6, unique=True),
    st.lists(
        st.tuples(st.integers(1, 40), st.one_of(st.none(), st.integers(0, 40))),
        max_size=4,
        unique_by=lambda c: c[0],
    ),
)
@settings(max_examples=120, deadline=None)
def test_a_clearance_lifts_only_what_was_recorded_before_it_and_seen(
    reports: list[int], clearances: list[tuple[int, int | None]]
) -> None:
    """A report (recorded at ``seq``) stays active unless some clearance was recorded after
    it and saw it (``covers_seq`` at or past it, or none kept); each lifted report is counted
    once, by the first clearance that covers it."""
    record = WalkerRecord(
        red_flag_reports=tuple(
            RedFlagReportFact(
                record_id=seq,
                seq=seq * 2,
                at=at(seq),
                local_date=at(seq).date(),
                red_flags=frozenset({KneeRedFlag.HOT_SWOLLEN_KNEE}),
            )
            for seq in reports
        ),
        clearances=tuple(
            ClearanceFact(
                record_id=100 + seq,
                seq=seq * 2 + 1,
                at=at(seq),
                kind=RestrictionKind.RED_FLAG,
                reason="Seen in clinic.",
                recorded_by=99,
                covers_seq=None if covers is None else covers * 2,
            )
            for seq, covers in clearances
        ),
    )
    found = active_restrictions(record)

    def lifted(report: int) -> bool:
        return any(
            seq >= report and (covers is None or covers >= report) for seq, covers in clearances
        )

    still = {t.record_id for r in found.active if r.kind is RestrictionKind.RED_FLAG
             for t in r.triggers}  # fmt: skip
    assert still == {seq for seq in reports if not lifted(seq)}
    counted = [t.record_id for gone in found.lifted for t in gone.triggers]
    assert sorted(counted) == sorted(seq for seq in reports if lifted(seq))
