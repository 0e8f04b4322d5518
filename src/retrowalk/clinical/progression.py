"""The pain-monitoring decision after each session (RULES.md §3), and the step back after a
break. Beside it: :mod:`.pain_monitoring` (the thresholds, the usual level, the rest day),
:mod:`.session_records` (what a decision is made from and returns), :mod:`.clinician_changes`
(adjust, clear, review) and :mod:`.reassessment` (when the tests are due again).

After a session and its next-morning report, :func:`decide` returns ``progress``, ``hold``,
``regress`` or ``stop`` with the next prescription and every reason, numbers included.

The pain thresholds come from the pain-monitoring model (Silbernagel 2007), validated in
Achilles tendinopathy, not the knee: every reason derived from it has
``extrapolation=True``. The decision rules on top of it are **policy** (``PolicyConfig``).

Adverse events → ``stop``: the walker stops this session, the load goes down as for a
regression, and every later session is supervised until a clinician reviews (our choice of
the two options the brief allowed: a distinct action makes the urgent case visible).

Amendments of 2026-12 (RULES.md §3): pain *after* the session above 5 regresses like pain
during; next-morning pain and stiffness are compared with the walker's **usual level** (the
median pre-session pain, and the median next-morning stiffness, of the last
``PolicyConfig.usual_level_window_days`` days: **policy**), so one bad day cannot raise the
baseline; pain rising week to week regresses (**policy**); and next-morning pain at or above
``PolicyConfig.rest_day_pain_from_nprs`` or ``rest_day_rise_above_usual_nprs`` above the usual
level makes a **rest day** (:func:`is_rest_day`; held by :mod:`retrowalk.clinical.restrictions`).

History (what the services derive from stored sessions and decisions) is one
:class:`History` value: the session's local date, the count of consecutive qualifying sessions
at the current level, the last increase (so it can be undone), every change of the prescribed
speed in the last 7 days, the usual levels of pain and stiffness, and the peak pain during the
sessions of the previous week.
"""

from __future__ import annotations

import math
from datetime import date

from retrowalk.clinical.errors import InvalidInputError
from retrowalk.clinical.norms import CR10_MAX as CR10_MAX
from retrowalk.clinical.norms import KM_H_PER_M_S, RED_FLAG_SOURCES
from retrowalk.clinical.norms import NPRS_MAX as NPRS_MAX
from retrowalk.clinical.norms import (
    SPEED_MAX_RISE_FRACTION_PER_7_DAYS as SPEED_MAX_RISE_FRACTION_PER_7_DAYS,
)
from retrowalk.clinical.norms import SPEED_RISE_SOURCES as SPEED_RISE_SOURCES
from retrowalk.clinical.norms import SPEED_RISE_WINDOW_DAYS as SPEED_RISE_WINDOW_DAYS
from retrowalk.clinical.pain_monitoring import (
    PAIN_ACCEPTABLE_MAX_NPRS,
    PAIN_MODEL_SOURCES,
    PAIN_SAFE_MAX_NPRS,
    is_rest_day,
)
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.clinical.prescription import (
    CEILING_SOURCES,
    INCLINE_POLICY_WORDS,
    INCLINE_SOURCES,
    INCLINE_STEPS_PCT,
    MAX_DURATION_MIN,
    TREADMILL_SURFACES,
    KneeCondition,
    Prescription,
)
from retrowalk.clinical.reasons import THE_WALKERS, Reason
from retrowalk.clinical.red_flags import RED_FLAGS, red_flag_for_clinician
from retrowalk.clinical.session_records import (
    _EPS,
    ADVERSE_EVENT_SOURCES,
    EFFORT_SOURCES,
    Action,
    Change,
    History,
    MorningReport,
    ProgressionDecision,
    SessionLog,
    Variable,
)

# --- Published numbers (RULES.md §3) ----------------------------------------------------------


def _pain_reason(code: str, message: str, clinician_message: str | None = None) -> Reason:
    return Reason(
        code=code,
        message=message,
        clinician_message=clinician_message,
        sources=PAIN_MODEL_SOURCES,
        policy=True,
        extrapolation=True,
    )


def _value(prescription: Prescription, variable: Variable) -> float:
    if variable is Variable.DURATION:
        return prescription.duration_min
    if variable is Variable.SPEED:
        return prescription.speed_m_s
    return prescription.incline_pct


def _with(prescription: Prescription, variable: Variable, value: float) -> Prescription:
    if variable is Variable.DURATION:
        return prescription.model_copy(update={"duration_min": int(value)})
    if variable is Variable.SPEED:
        return prescription.model_copy(update={"speed_m_s": value})
    return prescription.model_copy(update={"incline_pct": int(value)})


def _unit(variable: Variable) -> str:
    return {Variable.DURATION: "min", Variable.SPEED: "m/s", Variable.INCLINE: "%"}[variable]


def _reduce(
    prescription: Prescription, history: History, policy: PolicyConfig
) -> tuple[Prescription, Change | None, Reason]:
    """Undo the last increase, or cut duration by the policy fraction (never below the
    policy minimum, never up)."""
    last = history.last_increase
    if last is not None and math.isclose(_value(prescription, last.variable), last.after):
        change = Change(
            variable=last.variable,
            before=last.after,
            after=last.before,
            on=history.session_date,
        )
        unit = _unit(last.variable)
        reason = Reason(
            code="progression.undo_last_increase",
            message=(
                f"The last increase is undone: {last.variable.value} back from "
                f"{last.after:g} to {last.before:g} {unit}."
            ),
            policy=True,
        )
        return _with(prescription, last.variable, last.before), change, reason
    current = prescription.duration_min
    cut = math.floor(current * (1 - policy.regress_duration_fraction))
    new = min(current, max(policy.min_duration_min, cut))
    if new == current:
        reason = Reason(
            code="progression.duration_at_minimum",
            message=(
                f"Duration stays at {current} min: it is already at the lowest the program "
                f"prescribes ({policy.min_duration_min} min)."
            ),
            policy=True,
        )
        return prescription, None, reason
    change = Change(variable=Variable.DURATION, before=current, after=new, on=history.session_date)
    reason = Reason(
        code="progression.duration_cut",
        message=(
            f"Duration is cut by {policy.regress_duration_fraction:.0%}: from {current} to "
            f"{new} min."
        ),
        policy=True,
    )
    return _with(prescription, Variable.DURATION, new), change, reason


def speed_limit_m_s(prescription: Prescription, history: History) -> float:
    """The highest speed allowed on ``history.session_date``: 10 % above the lowest speed
    prescribed in the 7 days ending that day (timmermans2016)."""
    in_window = [
        change.before
        for change in history.speed_changes
        if (history.session_date - change.on).days < SPEED_RISE_WINDOW_DAYS
    ]
    base = min([prescription.speed_m_s, *in_window])
    return base * (1 + SPEED_MAX_RISE_FRACTION_PER_7_DAYS)


def speed_ceiling_m_s(prescription: Prescription, policy: PolicyConfig) -> float:
    """The policy ceiling of speed: a fraction above the measured comfortable speed."""
    return prescription.comfortable_speed_m_s * (
        1 + policy.speed_ceiling_fraction_above_comfortable
    )


def _incline_allowed(prescription: Prescription, policy: PolicyConfig) -> Reason | None:
    """None when incline may be raised, else the reason it may not."""
    if (
        prescription.knee_condition is KneeCondition.PATELLOFEMORAL_PAIN
        and not policy.incline_for_patellofemoral_pain
    ):
        return Reason(
            code="progression.incline_skipped_pfp",
            message=(
                "Incline is not used for patellofemoral pain: it bends the knee more under "
                "load, which raises the load behind the kneecap."
            ),
            sources=INCLINE_SOURCES,
            policy=True,
        )
    if prescription.surface not in TREADMILL_SURFACES:
        return Reason(
            code="progression.incline_needs_treadmill",
            message="Incline needs a treadmill; this plan walks on a flat surface.",
            policy=True,
        )
    if prescription.incline_pct >= INCLINE_STEPS_PCT[-1]:
        return Reason(
            code="progression.incline_at_ceiling",
            message=(
                f"Incline is at the highest step, {INCLINE_STEPS_PCT[-1]} % "
                f"({INCLINE_POLICY_WORDS})."
            ),
            sources=INCLINE_SOURCES,
            policy=True,
        )
    return None


def _raise_one(
    prescription: Prescription, history: History, policy: PolicyConfig
) -> tuple[Prescription, Change | None, list[Reason]]:
    """Raise ONE variable in the order duration → speed → incline; at every ceiling, none."""
    today = history.session_date
    duration = prescription.duration_min
    if duration < MAX_DURATION_MIN:
        new = min(duration + policy.duration_step_min, MAX_DURATION_MIN)
        capped = "" if new == duration + policy.duration_step_min else " (the ceiling)"
        reason = Reason(
            code="progression.duration_up",
            message=(
                f"Duration goes up from {duration} to {new} min{capped}; trials went up to "
                f"{MAX_DURATION_MIN} min (the step of {policy.duration_step_min} min is a policy)."
            ),
            sources=CEILING_SOURCES,
            policy=True,
        )
        change = Change(variable=Variable.DURATION, before=duration, after=new, on=today)
        return _with(prescription, Variable.DURATION, new), change, [reason]
    held: list[Reason] = [
        Reason(
            code="progression.duration_at_ceiling",
            message=f"Duration is at the {MAX_DURATION_MIN}-min ceiling seen in trials.",
            sources=CEILING_SOURCES,
        )
    ]
    speed = prescription.speed_m_s
    ceiling = speed_ceiling_m_s(prescription, policy)
    limit = speed_limit_m_s(prescription, history)
    target = min(speed * (1 + policy.speed_step_fraction), limit, ceiling)
    new_speed = math.floor(target * 100 + _EPS) / 100
    if new_speed > speed + _EPS:
        speed_up = (
            f"Speed goes up from {speed:.2f} to {new_speed:.2f} m/s "
            f"({speed * KM_H_PER_M_S:.1f} to {new_speed * KM_H_PER_M_S:.1f} km/h): never more "
            f"than {SPEED_MAX_RISE_FRACTION_PER_7_DAYS:.0%} in any {SPEED_RISE_WINDOW_DAYS} "
            "days (a rule from a stroke treadmill trial), and at most "
            f"{policy.speed_ceiling_fraction_above_comfortable:.0%} above {{whose}} comfortable "
            "speed (policy)."
        )
        reason = Reason(
            code="progression.speed_up",
            message=speed_up.format(whose="your"),
            clinician_message=speed_up.format(whose=THE_WALKERS),
            sources=SPEED_RISE_SOURCES,
            policy=True,
            extrapolation=True,
        )
        change = Change(variable=Variable.SPEED, before=speed, after=new_speed, on=today)
        return _with(prescription, Variable.SPEED, new_speed), change, [reason]
    if limit < ceiling - _EPS:
        held.append(
            Reason(
                code="progression.speed_rate_limit",
                message=(
                    f"Speed stays at {speed:.2f} m/s: it already rose close to "
                    f"{SPEED_MAX_RISE_FRACTION_PER_7_DAYS:.0%} within the last "
                    f"{SPEED_RISE_WINDOW_DAYS} days (a rule from a stroke treadmill trial)."
                ),
                sources=SPEED_RISE_SOURCES,
                extrapolation=True,
            )
        )
        return prescription, None, held
    at_ceiling = (
        f"Speed is at its ceiling, {policy.speed_ceiling_fraction_above_comfortable:.0%} "
        f"above {{whose}} comfortable speed of {prescription.comfortable_speed_m_s:.2f} m/s."
    )
    held.append(
        Reason(
            code="progression.speed_at_ceiling",
            message=at_ceiling.format(whose="your"),
            clinician_message=at_ceiling.format(whose=THE_WALKERS),
            sources=("lin2025", "hooper2004"),
            policy=True,
        )
    )
    blocked = _incline_allowed(prescription, policy)
    if blocked is not None:
        held.append(blocked)
        return prescription, None, held
    incline = prescription.incline_pct
    next_incline = min(step for step in INCLINE_STEPS_PCT if step > incline)
    reason = Reason(
        code="progression.incline_up",
        message=(
            f"Treadmill incline goes up from {incline} to {next_incline} % "
            f"({INCLINE_POLICY_WORDS})."
        ),
        sources=INCLINE_SOURCES,
        policy=True,
    )
    change = Change(variable=Variable.INCLINE, before=incline, after=next_incline, on=today)
    return _with(prescription, Variable.INCLINE, next_incline), change, [reason]


def _supervised_until_review(prescription: Prescription) -> Prescription:
    return prescription.model_copy(update={"supervised_until_review": True})


def decide(
    prescription: Prescription,
    session: SessionLog,
    morning: MorningReport | None,
    history: History,
    policy: PolicyConfig = DEFAULT_POLICY,
) -> ProgressionDecision:
    """The pain-monitoring decision after one session (RULES.md §3).

    Rests on silbernagel2007 (pain model, extrapolated from Achilles tendinopathy),
    timmermans2016 (speed ≤ +10 % a week, extrapolated from stroke), almutairi2023 (30-min
    ceiling), cipriani1995 and shen2021 (incline 0 → 5 → 10 %), hooper2004 (effort).
    Precedence: adverse event → stop; pain rules → regress; otherwise hold unless every
    progression condition holds. A rest day (:func:`is_rest_day`) is marked on any of them.
    """
    pain = session.pain_during_peak_nprs
    usual = history.usual_pain_nprs
    if usual is None:
        usual = float(session.pain_before_nprs)
    rest = is_rest_day(morning.pain_nprs, usual, policy) if morning is not None else None
    if session.adverse_events:
        events = ", ".join(
            sorted(event.value.replace("_", " ") for event in session.adverse_events)
        )
        reduced, change, cut = _reduce(prescription, history, policy)
        stop = Reason(
            code="progression.adverse_event",
            message=(
                f"Adverse event ({events}): stop the session now. The load goes down and every "
                "later session is supervised until a clinician has reviewed what happened."
            ),
            sources=ADVERSE_EVENT_SOURCES,
            policy=True,
        )
        return ProgressionDecision(
            action=Action.STOP,
            variable_changed=change.variable if change else None,
            change=change,
            next_prescription=_supervised_until_review(reduced),
            reasons=(stop, cut) if rest is None else (stop, rest, cut),
            needs_review=True,
            stop_session=True,
            rest_day=rest is not None,
            usual_pain_nprs=usual if morning is not None else None,
        )

    regress: list[Reason] = []
    if morning is not None and morning.red_flags:
        flags = sorted(morning.red_flags)
        signs = "; ".join(RED_FLAGS[f].statement.lower() for f in flags)
        regress.append(
            Reason(
                code="progression.red_flag",
                message=(
                    f"A warning sign since the session ({signs}): no step up. Stop backward "
                    "walking and follow the advice to see a doctor."
                ),
                clinician_message=(
                    "A red flag since the session ("
                    + "; ".join(red_flag_for_clinician(f) for f in flags)
                    + "): no step up; backward walking stops and the walker is referred."
                ),
                sources=RED_FLAG_SOURCES,
            )
        )
    if pain > PAIN_ACCEPTABLE_MAX_NPRS:
        regress.append(
            _pain_reason(
                "progression.pain_during_too_high",
                f"Pain during the session reached {pain}/10, above the acceptable "
                f"{PAIN_ACCEPTABLE_MAX_NPRS}/10 of the pain-monitoring model.",
            )
        )
    if session.pain_after_nprs > PAIN_ACCEPTABLE_MAX_NPRS:
        regress.append(
            _pain_reason(
                "progression.pain_after_too_high",
                f"Pain after the session was {session.pain_after_nprs}/10, above the "
                f"{PAIN_ACCEPTABLE_MAX_NPRS}/10 the pain-monitoring model allows after "
                "activity.",
            )
        )
    if morning is not None and morning.pain_nprs > usual + _EPS:
        pain_up = (
            f"Next-morning pain was {morning.pain_nprs}/10, above {{whose}} usual "
            f"{usual:g}/10 (the middle value of {{her}} pain before sessions over the last "
            f"{policy.usual_level_window_days} days)."
        )
        regress.append(
            _pain_reason(
                "progression.morning_pain_up",
                pain_up.format(whose="your", her="your"),
                pain_up.format(whose=THE_WALKERS, her="her"),
            )
        )
    stiff_usual = history.usual_stiffness_nprs
    if (
        morning is not None
        and stiff_usual is not None
        and morning.stiffness_nprs > stiff_usual + _EPS
    ):
        stiff_up = (
            f"Next-morning stiffness was {morning.stiffness_nprs}/10, above {{whose}} usual "
            f"{stiff_usual:g}/10 (the middle value of {{her}} morning reports over the last "
            f"{policy.usual_level_window_days} days)."
        )
        regress.append(
            _pain_reason(
                "progression.morning_stiffness_up",
                stiff_up.format(whose="your", her="your"),
                stiff_up.format(whose=THE_WALKERS, her="her"),
            )
        )
    last_week = history.pain_during_previous_week_nprs
    if last_week and pain > max(last_week):
        regress.append(
            _pain_reason(
                "progression.pain_rising_weekly",
                f"Pain during this session ({pain}/10) is above the highest of the week before "
                f"({max(last_week)}/10): pain must not rise from week to week.",
            )
        )
    if rest is not None:
        regress.append(rest)
    if regress:
        reduced, change, cut = _reduce(prescription, history, policy)
        return ProgressionDecision(
            action=Action.REGRESS,
            variable_changed=change.variable if change else None,
            change=change,
            next_prescription=reduced,
            reasons=(*regress, cut),
            needs_review=True,
            rest_day=rest is not None,
            usual_pain_nprs=usual if morning is not None else None,
        )

    hold: list[Reason] = []
    if morning is None:
        hold.append(
            Reason(
                code="progression.morning_missing",
                message=(
                    "No next-morning report: the plan stays the same until we know how your "
                    "knee recovered."
                ),
                clinician_message=(
                    "No next-morning report: the plan stays the same until it is known how the "
                    "walker's knee recovered."
                ),
                sources=PAIN_MODEL_SOURCES,
                policy=True,
                extrapolation=True,
            )
        )
    if pain > PAIN_SAFE_MAX_NPRS and not policy.progress_with_acceptable_pain:
        hold.append(
            _pain_reason(
                "progression.pain_acceptable",
                f"Pain during the session was {pain}/10: acceptable ({PAIN_SAFE_MAX_NPRS + 1}–"
                f"{PAIN_ACCEPTABLE_MAX_NPRS}), not yet safe "
                f"(0–{PAIN_SAFE_MAX_NPRS}), so the load stays the same.",
            )
        )
    if session.effort_cr10 > policy.progress_effort_max_cr10:
        hold.append(
            Reason(
                code="progression.effort_high",
                message=(
                    f"Effort was {session.effort_cr10}/10, above "
                    f"{policy.progress_effort_max_cr10}/10: backward walking is costly, so the "
                    "load stays the same."
                ),
                sources=EFFORT_SOURCES,
                policy=True,
            )
        )
    if not session.completed or session.minutes_done + _EPS < prescription.duration_min:
        hold.append(
            Reason(
                code="progression.not_completed",
                message=(
                    f"The session was not completed ({session.minutes_done:g} of "
                    f"{prescription.duration_min} min), so it does not count towards progress."
                ),
                policy=True,
            )
        )
    if hold:
        return ProgressionDecision(
            action=Action.HOLD,
            variable_changed=None,
            change=None,
            next_prescription=prescription,
            reasons=tuple(hold),
            needs_review=False,
            usual_pain_nprs=usual if morning is not None else None,
        )

    assert morning is not None  # a missing report always holds above
    count = history.qualifying_sessions_at_level + 1
    needed = policy.progress_min_qualifying_sessions
    qualifies = _pain_reason(
        "progression.session_qualifies",
        f"Pain during {pain}/10, next morning back to {morning.pain_nprs}/10 "
        f"(usual: {usual:g}/10), effort {session.effort_cr10}/10: "
        f"qualifying session {count} at this level ({needed} needed to progress).",
    )
    if count < needed:
        return ProgressionDecision(
            action=Action.HOLD,
            variable_changed=None,
            change=None,
            next_prescription=prescription,
            reasons=(qualifies,),
            needs_review=False,
            qualifying_session=True,
            usual_pain_nprs=usual,
        )
    raised, change, why = _raise_one(prescription, history, policy)
    return ProgressionDecision(
        action=Action.PROGRESS if change else Action.HOLD,
        variable_changed=change.variable if change else None,
        change=change,
        next_prescription=raised,
        reasons=(qualifies, *why),
        needs_review=False,
        qualifying_session=True,
        usual_pain_nprs=usual,
    )


def after_break(
    prescription: Prescription,
    days_since_last_session: int,
    on: date,
    policy: PolicyConfig = DEFAULT_POLICY,
) -> ProgressionDecision:
    """Step back after a break (policy): ``policy.break_days`` or more without a session →
    duration cut by ``policy.break_duration_fraction`` (never below the policy minimum);
    speed and incline stay. A shorter gap → hold, unchanged."""
    if (
        isinstance(days_since_last_session, bool)
        or not isinstance(days_since_last_session, int)
        or days_since_last_session < 0
    ):
        raise InvalidInputError(
            "days_since_last_session", days_since_last_session, "a whole number of days, 0 or more"
        )
    if days_since_last_session < policy.break_days:
        return ProgressionDecision(
            action=Action.HOLD,
            variable_changed=None,
            change=None,
            next_prescription=prescription,
            reasons=(
                Reason(
                    code="progression.no_break",
                    message=(
                        f"{days_since_last_session} days since the last session: no step back "
                        f"(that starts at {policy.break_days} days)."
                    ),
                    policy=True,
                ),
            ),
            needs_review=False,
        )
    current = prescription.duration_min
    new = min(
        current,
        max(policy.min_duration_min, math.floor(current * (1 - policy.break_duration_fraction))),
    )
    change = (
        Change(variable=Variable.DURATION, before=current, after=new, on=on)
        if new != current
        else None
    )
    reason = Reason(
        code="progression.after_break",
        message=(
            f"{days_since_last_session} days since the last session: duration steps back from "
            f"{current} to {new} min to restart gently."
        ),
        policy=True,
    )
    return ProgressionDecision(
        action=Action.REGRESS if change else Action.HOLD,
        variable_changed=change.variable if change else None,
        change=change,
        next_prescription=_with(prescription, Variable.DURATION, new),
        reasons=(reason,),
        needs_review=False,
    )
