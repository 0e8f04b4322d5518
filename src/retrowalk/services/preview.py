"""The first walk-through for someone without an account: the rules' answer, nothing stored.

``retrowalk start`` lets a person (or a clinician trying the program) answer the screening
and the baseline tests and see the plan they would get. It goes through the same clinical
rules as an enrolled walker, under the clinic's policy in force, and the same restrictions
(a red flag stops, a high or not-known fall risk means every session supervised), but
nothing is written and nothing personal is read: the answers stay in the caller's hands.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrowalk.clinical.errors import CannotDecideError
from retrowalk.clinical.fall_risk import FallRiskResult, FallRiskTests, assess_fall_risk
from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.prescription import start_prescription
from retrowalk.clinical.restriction_models import RestrictionKind, Restrictions
from retrowalk.clinical.restrictions import active_restrictions
from retrowalk.clinical.screening import ScreeningAnswers, ScreeningOutcome, screen
from retrowalk.clinical.walker_record import AssessmentFact, ScreeningFact, WalkerRecord
from retrowalk.services.assessments import measured_speeds
from retrowalk.services.context import AppContext
from retrowalk.services.errors import InvalidRequest, parse
from retrowalk.services.policies import policy_in
from retrowalk.services.schemas import BaselineTestsIn, StartIn, StartPreviewOut

BOTH_TREADMILL_SPEEDS = (
    "the treadmill speed test needs both speeds (going up and coming down), or neither."
)


def _screening_answers(data: StartIn) -> ScreeningAnswers:
    return ScreeningAnswers(
        age_years=data.age_years,
        used_to_activity=data.used_to_activity,
        parq=data.parq,
        red_flags=frozenset(data.red_flags),
        steadi=data.steadi,
        fever_or_unwell=data.fever_or_unwell,
        uses_walking_aid=data.uses_walking_aid,
        takes_anticoagulant=data.takes_anticoagulant,
        recent_knee_surgery=data.recent_knee_surgery,
    )


def _fall_risk(data: StartIn, policy: PolicyConfig) -> FallRiskResult:
    tests = data.tests
    return assess_fall_risk(
        FallRiskTests(
            age_years=data.age_years,
            sex=data.sex,
            tug_s=tests.tug_s,
            tandem_stance_s=tests.tandem_stance_s,
            chair_stand_count=tests.chair_stand_count,
            chair_stand_used_arms=tests.chair_stand_used_arms,
            backward_walk_3m_s=tests.backward_walk_3m_s,
            steadi=data.steadi,
        ),
        policy,
    )


def _check_treadmill(tests: BaselineTestsIn) -> None:
    if (tests.treadmill_speed_up_m_s is None) != (tests.treadmill_speed_down_m_s is None):
        field = (
            "tests.treadmill_speed_down_m_s"
            if tests.treadmill_speed_down_m_s is None
            else "tests.treadmill_speed_up_m_s"
        )
        raise InvalidRequest(f"{field}: {BOTH_TREADMILL_SPEEDS}", field=field)


def preview_start(ctx: AppContext, answers: StartIn | Mapping[str, Any]) -> StartPreviewOut:
    """The screening, fall risk, restrictions and starting plan these answers give.

    With no test done (``tests`` empty) it stops after the screening, so a walk-through can
    ask the tests only when the screening allows them. A ``surface`` the fall risk does not
    allow is refused naming it; no safe starting speed measured is the ``no_plan_yet``
    outcome with what to do, not an error.
    """
    data = parse(StartIn, answers)
    _check_treadmill(data.tests)
    with ctx.db.reader() as tx:
        version, policy = policy_in(tx)
    now = ctx.now()
    screened = _screening_answers(data)
    screening = screen(screened, policy)
    fact = ScreeningFact(at=now, answers=screened)

    def out(restrictions: Restrictions, **fields: Any) -> StartPreviewOut:
        return StartPreviewOut(
            screening=screening,
            restrictions=restrictions.active,
            policy_version=version,
            **{"fall_risk": None, "allowed_surfaces": (), "prescription": None, **fields},
        )

    if screening.outcome is ScreeningOutcome.STOP_AND_REFER:
        record = WalkerRecord(screenings=(fact,))
        return out(active_restrictions(record, policy), outcome="stop_and_refer")
    if data.tests == BaselineTestsIn():
        record = WalkerRecord(screenings=(fact,))
        why = "Do the baseline tests next: the plan is made from them."
        return out(active_restrictions(record, policy), outcome="no_plan_yet", why=why)
    fall = _fall_risk(data, policy)
    record = WalkerRecord(screenings=(fact,), assessments=(AssessmentFact(at=now, fall_risk=fall),))
    restrictions = active_restrictions(record, policy)
    gated = RestrictionKind.FALL_RISK in restrictions.kinds
    allowed = policy.high_risk_surfaces if gated else fall.surfaces
    if data.surface is not None and data.surface not in allowed:
        raise InvalidRequest(
            f"surface: {data.surface.value} is not allowed with this fall risk; choose one "
            f"of {', '.join(s.value for s in allowed)}.",
            field="surface",
        )
    found = {"fall_risk": fall, "allowed_surfaces": tuple(allowed)}
    try:
        plan = start_prescription(
            screening,
            fall,
            data.knee_condition,
            tuple(measured_speeds(data.tests).values()),
            data.surface,
            policy,
            fall_risk_restricted=gated,
            awaiting_clearance=RestrictionKind.CLEARANCE_REQUIRED in restrictions.kinds,
        )
    except CannotDecideError as exc:
        # Not bad input: no safe starting speed was measured (persona I). A result.
        return out(restrictions, outcome="no_plan_yet", why=str(exc), **found)
    return out(restrictions, outcome="plan", prescription=plan, **found)
