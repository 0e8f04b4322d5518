"""The pain-monitoring decision (RULES.md §3): boundaries and properties over random sessions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.clinical.clinician_changes import clinician_adjust, clinician_review
from retrowalk.clinical.errors import InvalidInputError
from retrowalk.clinical.fall_risk import Surface
from retrowalk.clinical.pain_monitoring import is_rest_day, usual_level
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.clinical.prescription import KneeCondition, Prescription, must_be_supervised
from retrowalk.clinical.progression import after_break, decide
from retrowalk.clinical.reassessment import next_reassessment, reassessment_due
from retrowalk.clinical.session_records import (
    Action,
    AdverseEvent,
    Change,
    History,
    MorningReport,
    SessionLog,
    Variable,
)
from tests.clinical.test_prescription import prescription

DAY = date(2026, 3, 2)


def session(
    *,
    before: int = 1,
    during: int = 1,
    after: int = 1,
    effort: int = 3,
    minutes: float = 10,
    completed: bool = True,
    events: frozenset[AdverseEvent] = frozenset(),
) -> SessionLog:
    return SessionLog(
        pain_before_nprs=before,
        pain_during_peak_nprs=during,
        pain_after_nprs=after,
        effort_cr10=effort,
        minutes_done=minutes,
        speed_done_m_s=0.8,
        adverse_events=events,
        completed=completed,
    )


def morning(pain: int = 1, stiffness: int = 1) -> MorningReport:
    return MorningReport(pain_nprs=pain, stiffness_nprs=stiffness)


def history(qualifying: int = 1, **kwargs: object) -> History:
    return History(session_date=DAY, qualifying_sessions_at_level=qualifying, **kwargs)  # type: ignore[arg-type]


# --- boundaries ---------------------------------------------------------------------------------


def test_pain_during_2_progresses_and_3_holds() -> None:
    plan = prescription()
    assert decide(plan, session(during=2), morning(), history()).action is Action.PROGRESS
    held = decide(plan, session(during=3), morning(), history())
    assert held.action is Action.HOLD
    assert held.next_prescription == plan
    assert any(r.code == "progression.pain_acceptable" for r in held.reasons)


def test_pain_during_5_holds_and_6_regresses_with_review() -> None:
    plan = prescription(duration_min=20)
    assert decide(plan, session(during=5, minutes=20), morning(), history()).action is Action.HOLD
    regressed = decide(plan, session(during=6, minutes=20), morning(), history())
    assert regressed.action is Action.REGRESS
    assert regressed.needs_review
    assert regressed.next_prescription.duration_min == 16  # −20 %


def test_acceptable_pain_progresses_when_the_policy_switch_is_on() -> None:
    policy = PolicyConfig(progress_with_acceptable_pain=True)
    decision = decide(prescription(), session(during=5), morning(), history(), policy)
    assert decision.action is Action.PROGRESS


def test_next_morning_pain_equal_holds_level_and_one_above_regresses() -> None:
    plan = prescription()
    same = decide(plan, session(before=3, during=2), morning(pain=3), history())
    assert same.action is Action.PROGRESS
    worse = decide(plan, session(before=3, during=2), morning(pain=4), history())
    assert worse.action is Action.REGRESS
    assert any(r.code == "progression.morning_pain_up" for r in worse.reasons)


def test_effort_5_progresses_and_6_holds() -> None:
    plan = prescription()
    assert decide(plan, session(effort=5), morning(), history()).action is Action.PROGRESS
    held = decide(plan, session(effort=6), morning(), history())
    assert held.action is Action.HOLD
    assert any(r.code == "progression.effort_high" for r in held.reasons)


def test_one_qualifying_session_holds_the_second_progresses() -> None:
    plan = prescription()
    first = decide(plan, session(), morning(), history(qualifying=0))
    assert first.action is Action.HOLD
    assert first.qualifying_session
    second = decide(plan, session(), morning(), history(qualifying=1))
    assert second.action is Action.PROGRESS
    assert second.variable_changed is Variable.DURATION
    assert second.next_prescription.duration_min == 15


def test_duration_28_goes_to_the_30_min_ceiling_not_33() -> None:
    decision = decide(prescription(duration_min=28), session(minutes=28), morning(), history())
    assert decision.next_prescription.duration_min == 30
    assert decision.change == Change(variable=Variable.DURATION, before=28, after=30, on=DAY)


def test_at_30_min_speed_rises_by_10_percent() -> None:
    decision = decide(prescription(duration_min=30), session(minutes=30), morning(), history())
    assert decision.variable_changed is Variable.SPEED
    assert decision.next_prescription.speed_m_s == pytest.approx(0.88)
    assert any(r.extrapolation for r in decision.reasons if r.code == "progression.speed_up")


def test_speed_may_reach_exactly_plus_10_percent_in_7_days_but_not_more() -> None:
    # Raised 1.00 → 1.05 four days ago: the lowest speed in the window is 1.00, so 1.10 is OK.
    plan = prescription(duration_min=30, speed_m_s=1.05, comfortable_speed_m_s=1.0)
    raised = Change(variable=Variable.SPEED, before=1.0, after=1.05, on=DAY - timedelta(days=4))
    decision = decide(plan, session(minutes=30), morning(), history(speed_changes=(raised,)))
    assert decision.next_prescription.speed_m_s == pytest.approx(1.10)
    # Raised 1.00 → 1.10 six days ago: no further rise inside the same 7 days.
    plan = prescription(duration_min=30, speed_m_s=1.10, comfortable_speed_m_s=1.0)
    raised = Change(variable=Variable.SPEED, before=1.0, after=1.10, on=DAY - timedelta(days=6))
    held = decide(plan, session(minutes=30), morning(), history(speed_changes=(raised,)))
    assert held.action is Action.HOLD
    assert any(r.code == "progression.speed_rate_limit" for r in held.reasons)
    # Seven days later the window has moved on: speed may rise again.
    later = decide(
        plan,
        session(minutes=30),
        morning(),
        History(
            session_date=DAY + timedelta(days=1),
            qualifying_sessions_at_level=1,
            speed_changes=(raised,),
        ),
    )
    assert later.variable_changed is Variable.SPEED


def test_daily_qualifying_sessions_raise_speed_only_once_a_week() -> None:
    plan = prescription(duration_min=30, speed_m_s=1.0)
    today, qualifying, changes = DAY, 0, []
    speeds = []
    for _ in range(8):
        today += timedelta(days=1)
        h = History(
            session_date=today,
            qualifying_sessions_at_level=qualifying,
            speed_changes=tuple(changes),
        )
        decision = decide(plan, session(minutes=30), morning(), h)
        if decision.change is not None:
            changes.append(decision.change)
            qualifying = 0
        else:
            qualifying += 1
        plan = decision.next_prescription
        speeds.append(plan.speed_m_s)
    assert speeds == [1.0, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1]


def test_after_speed_ceiling_incline_rises_on_a_treadmill_for_oa() -> None:
    plan = prescription(duration_min=30, speed_m_s=1.2, comfortable_speed_m_s=1.0)
    decision = decide(plan, session(minutes=30), morning(), history())
    assert decision.variable_changed is Variable.INCLINE
    assert decision.next_prescription.incline_pct == 5


def test_incline_is_skipped_for_patellofemoral_pain() -> None:
    plan = prescription(
        duration_min=30,
        speed_m_s=1.2,
        comfortable_speed_m_s=1.0,
        condition=KneeCondition.PATELLOFEMORAL_PAIN,
    )
    decision = decide(plan, session(minutes=30), morning(), history())
    assert decision.action is Action.HOLD
    assert decision.next_prescription.incline_pct == 0
    assert any(r.code == "progression.incline_skipped_pfp" and r.policy for r in decision.reasons)


def test_at_every_ceiling_the_decision_holds_with_the_reason() -> None:
    plan = prescription(duration_min=30, speed_m_s=1.2, comfortable_speed_m_s=1.0, incline_pct=10)
    decision = decide(plan, session(minutes=30), morning(), history())
    assert decision.action is Action.HOLD
    codes = {r.code for r in decision.reasons}
    assert {"progression.duration_at_ceiling", "progression.incline_at_ceiling"} <= codes


def test_missing_morning_report_holds() -> None:
    decision = decide(prescription(), session(), None, history())
    assert decision.action is Action.HOLD
    assert not decision.qualifying_session
    assert any(r.code == "progression.morning_missing" for r in decision.reasons)


def test_missing_morning_report_with_pain_above_5_still_regresses() -> None:
    assert decide(prescription(), session(during=7), None, history()).action is Action.REGRESS


def test_an_incomplete_session_does_not_count() -> None:
    decision = decide(prescription(), session(minutes=6, completed=False), morning(), history())
    assert decision.action is Action.HOLD
    assert not decision.qualifying_session


def test_pain_rising_week_to_week_regresses() -> None:
    """Persona E (2 → 3 → 4 → 5 → 5 → 6): the rise is a step down, not a hold (RULES §3)."""
    h = history(pain_during_previous_week_nprs=(2, 3, 4))
    rising = decide(prescription(duration_min=20), session(during=5, minutes=20), morning(), h)
    assert rising.action is Action.REGRESS
    reason = next(r for r in rising.reasons if r.code == "progression.pain_rising_weekly")
    assert reason.extrapolation
    assert reason.policy
    assert "silbernagel2007" in reason.sources
    assert "5/10" in reason.message
    assert "4/10" in reason.message
    level = decide(
        prescription(), session(during=2), morning(), history(pain_during_previous_week_nprs=(2,))
    )
    assert level.action is Action.PROGRESS  # equal to last week's highest is not a rise


def test_one_bad_session_is_not_counted_again_at_every_later_session() -> None:
    """After a flare (6/10) the next 2/10 session is compared with the week before: no rise."""
    after_flare = decide(
        prescription(), session(during=2), morning(), history(pain_during_previous_week_nprs=(2, 2))
    )
    assert after_flare.action is Action.PROGRESS


@pytest.mark.parametrize(("after", "action"), [(5, Action.PROGRESS), (6, Action.REGRESS)])
def test_pain_after_the_session_above_5_regresses(after: int, action: Action) -> None:
    """Persona N: pain 2 during, 7–8 after — the model allows 5 after activity too."""
    policy = PolicyConfig(progress_with_acceptable_pain=True)
    decision = decide(prescription(), session(during=2, after=after), morning(), history(), policy)
    assert decision.action is action
    if action is Action.REGRESS:
        reason = next(r for r in decision.reasons if r.code == "progression.pain_after_too_high")
        assert reason.extrapolation
        assert f"{after}/10" in reason.message


@pytest.mark.parametrize(("stiffness", "action"), [(2, Action.PROGRESS), (3, Action.REGRESS)])
def test_next_morning_stiffness_above_the_usual_level_regresses(
    stiffness: int, action: Action
) -> None:
    decision = decide(
        prescription(), session(), morning(stiffness=stiffness), history(usual_stiffness_nprs=2.0)
    )
    assert decision.action is action


def test_morning_pain_is_compared_with_the_usual_level_not_a_bad_day() -> None:
    """Persona F, next day: pain 7 before a session does not become the new baseline."""
    bad_day = session(before=7, during=2)
    decision = decide(prescription(), bad_day, morning(pain=6), history(usual_pain_nprs=2.0))
    assert decision.action is Action.REGRESS
    reason = next(r for r in decision.reasons if r.code == "progression.morning_pain_up")
    assert "usual 2/10" in reason.message
    assert decision.usual_pain_nprs == 2.0
    at_usual = decide(
        prescription(), session(before=1), morning(pain=2), history(usual_pain_nprs=2.0)
    )
    assert at_usual.action is Action.PROGRESS


@pytest.mark.parametrize(
    ("pain", "usual", "rest"),
    [
        (4, 2.0, False),  # 2 above the usual level
        (5, 2.0, True),  # 3 above
        (6, 4.0, False),  # below 7 and only 2 above
        (7, 4.0, True),  # 7 or more
        (7, 7.0, True),  # 7 even when it is the usual level
        (6, 3.5, False),  # 2.5 above a median usual level
    ],
)
def test_a_rest_day_at_7_or_3_above_the_usual_level(pain: int, usual: float, rest: bool) -> None:
    """Next-morning pain ≥ 7, or ≥ usual + 3 (policy) → a rest day."""
    decision = decide(prescription(), session(), morning(pain=pain), history(usual_pain_nprs=usual))
    assert decision.rest_day is rest
    assert is_rest_day(pain, usual) is not None if rest else is_rest_day(pain, usual) is None
    if rest:
        reason = next(r for r in decision.reasons if r.code == "progression.rest_day")
        assert reason.policy
        assert "contact your clinician" in reason.message


def test_the_usual_level_is_a_median() -> None:
    assert usual_level([2, 2, 7]) == 2.0
    assert usual_level([2, 7]) == 4.5
    assert usual_level([]) is None


def test_regress_undoes_the_last_increase() -> None:
    plan = prescription(duration_min=30, speed_m_s=0.88, comfortable_speed_m_s=0.8)
    last = Change(variable=Variable.SPEED, before=0.8, after=0.88, on=DAY - timedelta(days=3))
    decision = decide(plan, session(during=7, minutes=30), morning(), history(last_increase=last))
    assert decision.next_prescription.speed_m_s == 0.8
    assert decision.next_prescription.duration_min == 30
    assert decision.variable_changed is Variable.SPEED


@pytest.mark.parametrize("event", list(AdverseEvent))
def test_adverse_event_stops_and_supervises_until_review(event: AdverseEvent) -> None:
    plan = prescription(duration_min=20)
    decision = decide(
        plan, session(minutes=4, completed=False, events=frozenset({event})), None, history()
    )
    assert decision.action is Action.STOP
    assert decision.stop_session
    assert decision.needs_review
    after = decision.next_prescription
    assert after.duration_min == 16
    assert all(must_be_supervised(after, n, open_adverse_event_review=False) for n in range(20))
    reviewed = clinician_review(after, "Near-fall reviewed; footwear changed.")
    assert not must_be_supervised(reviewed, 5, open_adverse_event_review=False)


def test_pain_model_reasons_are_labelled_extrapolation() -> None:
    for decision in (
        decide(prescription(), session(during=4), morning(), history()),
        decide(prescription(), session(during=8), morning(), history()),
        decide(prescription(), session(), morning(), history()),
    ):
        for reason in decision.reasons:
            if "silbernagel2007" in reason.sources:
                assert reason.extrapolation


@pytest.mark.parametrize("bad", [-1, 11])
def test_pain_outside_0_to_10_is_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="pain_during_peak_nprs"):
        session(during=bad)


# --- break, reassessment, clinician adjustment -------------------------------------------------


def test_a_break_of_7_days_steps_duration_back_and_6_days_does_not() -> None:
    plan = prescription(duration_min=25)
    assert after_break(plan, 6, DAY).next_prescription == plan
    back = after_break(plan, 7, DAY)
    assert back.action is Action.REGRESS
    assert back.next_prescription.duration_min == 20
    assert back.next_prescription.speed_m_s == plan.speed_m_s


def test_reassessment_is_due_after_3_weeks() -> None:
    assert next_reassessment(DAY) == DAY + timedelta(weeks=3)
    assert not reassessment_due(DAY, DAY + timedelta(days=20))
    assert reassessment_due(DAY, DAY + timedelta(days=21))
    with pytest.raises(ValueError, match="reassessment_interval_weeks"):
        PolicyConfig(reassessment_interval_weeks=8)


def test_clinician_adjustment_is_checked_against_the_ceilings() -> None:
    plan = prescription()
    adjusted = clinician_adjust(plan, "Tolerating well in clinic.", duration_min=20, incline_pct=5)
    assert (adjusted.duration_min, adjusted.incline_pct) == (20, 5)
    assert adjusted.reasons[-1].code == "prescription.clinician_adjustment"
    with pytest.raises(InvalidInputError, match="duration_min"):
        clinician_adjust(plan, "More", duration_min=31)
    with pytest.raises(InvalidInputError, match="incline_pct"):
        clinician_adjust(plan, "More", incline_pct=15)
    with pytest.raises(InvalidInputError, match="incline_pct"):
        clinician_adjust(plan, "Path", surface=Surface.FLAT_CLEAR_KNOWN_PATH, incline_pct=5)
    with pytest.raises(InvalidInputError, match="reason"):
        clinician_adjust(plan, "  ", duration_min=20)


# --- properties over random sequences of sessions ----------------------------------------------

LEVEL = ("duration_min", "speed_m_s", "incline_pct")


@st.composite
def session_draws(draw: st.DrawFn) -> tuple[int, dict[str, object], int | None]:
    """(days since the previous session, session fields, next-morning pain or None)."""
    gap = draw(st.integers(0, 3))
    good = draw(st.integers(0, 9)) > 0  # mostly well-tolerated, so progression happens
    before = draw(st.integers(0, 4))
    fields: dict[str, object] = {
        "before": before,
        "during": draw(st.integers(0, 2)) if good else draw(st.integers(0, 10)),
        "effort": draw(st.integers(0, 5)) if good else draw(st.integers(0, 10)),
        "completed": True if good else draw(st.booleans()),
        "events": frozenset()
        if good
        else draw(st.frozensets(st.sampled_from(list(AdverseEvent)), max_size=1)),
    }
    pain_next = before if good else draw(st.one_of(st.none(), st.integers(0, 10)))
    return gap, fields, pain_next


@settings(max_examples=150, deadline=None)
@given(
    draws=st.lists(session_draws(), min_size=1, max_size=60),
    duration=st.integers(5, 30),
    comfortable=st.floats(0.3, 1.5),
    incline=st.sampled_from([0, 5, 10]),
    condition=st.sampled_from(list(KneeCondition)),
)
def test_property_progression_invariants_over_random_sessions(
    draws: list[tuple[int, dict[str, object], int | None]],
    duration: int,
    comfortable: float,
    incline: int,
    condition: KneeCondition,
) -> None:
    plan: Prescription = prescription(
        duration_min=duration, speed_m_s=comfortable, incline_pct=incline, condition=condition
    )
    today = DAY
    qualifying = 0
    last_increase: Change | None = None
    speed_changes: list[Change] = []
    timeline: list[tuple[date, float]] = [(today, plan.speed_m_s)]
    for gap, fields, pain_next in draws:
        today += timedelta(days=gap)
        minutes = plan.duration_min if fields["completed"] else plan.duration_min / 2
        log = session(minutes=minutes, **fields)  # type: ignore[arg-type]
        report = None if pain_next is None else morning(pain=pain_next)
        h = History(
            session_date=today,
            qualifying_sessions_at_level=qualifying,
            last_increase=last_increase,
            speed_changes=tuple(c for c in speed_changes if (today - c.on).days < 14),
        )
        decision = decide(plan, log, report, h)
        new = decision.next_prescription
        changed = [name for name in LEVEL if getattr(new, name) != getattr(plan, name)]
        # never two variables at once, and the one named is the one changed
        assert len(changed) <= 1
        assert (decision.variable_changed is None) == (not changed)
        # never past a ceiling
        assert new.duration_min <= max(30, plan.duration_min)
        assert new.incline_pct <= 10
        if condition is KneeCondition.PATELLOFEMORAL_PAIN:
            assert new.incline_pct <= plan.incline_pct
        # regress and stop never increase anything
        if decision.action in (Action.REGRESS, Action.STOP):
            assert all(getattr(new, name) <= getattr(plan, name) for name in LEVEL)
            assert decision.needs_review
        if decision.action is Action.HOLD:
            assert not changed
        # book-keeping as the services would do it
        if decision.change is not None:
            last_increase = decision.change if decision.action is Action.PROGRESS else None
            if decision.change.variable is Variable.SPEED:
                speed_changes.append(decision.change)
            qualifying = 0
        elif decision.qualifying_session:
            qualifying += 1
        else:
            qualifying = 0
        plan = new
        timeline.append((today, plan.speed_m_s))
    # speed never rises more than 10 % in any 7 consecutive days
    for j, (day_j, speed_j) in enumerate(timeline):
        start = day_j - timedelta(days=6)
        in_force = [s for d, s in timeline[: j + 1] if d >= start]
        earlier = [s for d, s in timeline[: j + 1] if d < start]
        if earlier:
            in_force.append(earlier[-1])
        assert speed_j <= min(in_force) * 1.10 + 1e-9


def test_every_policy_field_is_documented_as_policy() -> None:
    for name, field in PolicyConfig.model_fields.items():
        assert field.description is not None, name
        assert "policy" in field.description.lower(), name
    assert PolicyConfig() == DEFAULT_POLICY
    with pytest.raises(ValueError, match="frozen"):
        DEFAULT_POLICY.duration_step_min = 3  # type: ignore[misc]


def test_a_smaller_policy_step_is_used() -> None:
    policy = PolicyConfig(duration_step_min=2)
    decision = decide(prescription(), session(), morning(), history(), policy)
    assert decision.next_prescription.duration_min == 12
    with pytest.raises(ValueError, match="duration_step_min"):
        PolicyConfig(duration_step_min=6)
