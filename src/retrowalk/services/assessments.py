"""Baseline and reassessment: fall-risk tests, comfortable backward speed, KOOS.

Scores and fall risk are computed by clinical/; the services keep every answer as given
(item level) next to the results, and say when the next reassessment is due (policy).
An assessment with no test and no questionnaire is refused (nothing is stored). Repeated
tests never reset a plan or undo a clinician's adjustment (RULES §7.2): when a plan exists, a
high or not-known fall risk makes every session supervised (``clinical.reassessment``, a new
plan version ``reassess`` in the same transaction); a low one changes nothing — only a
clinician's clearance lifts the high-risk rule (§7.4). A retested TUG is compared with the
one before it (its measurement error), and a treadmill speed never feeds the fall-risk rule.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from retrowalk.clinical.fall_risk import FallRiskLevel, FallRiskResult
from retrowalk.clinical.measures import score_koos, score_koos12
from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.prescription import (
    RULE_VERSION,
    MeasuredSpeed,
    speed_from_three_m_backward_walk,
    speed_from_treadmill,
)
from retrowalk.clinical.reasons import Reason, spoken_date
from retrowalk.clinical.reassessment import (
    REASSESSMENT_SOURCES,
    apply_reassessment,
    next_reassessment,
    reassessment_due,
)
from retrowalk.clinical.restriction_models import Effect
from retrowalk.clinical.restrictions import reasons_held_by
from retrowalk.clinical.screening import SteadiAnswers
from retrowalk.clinical.session_records import AdverseEvent
from retrowalk.services.access import walker_for
from retrowalk.services.clock import local_date
from retrowalk.services.context import AppContext
from retrowalk.services.convert import assessment_out
from retrowalk.services.errors import InvalidRequest, NotReadyToWalk, parse
from retrowalk.services.key_digest import key_digest, same_values
from retrowalk.services.plans import clinical_prescription, store_prescription
from retrowalk.services.policies import policy_in
from retrowalk.services.restrictions import (
    fall_risk_history,
    fall_risk_of,
    record_added,
    restrictions_of,
)
from retrowalk.services.schemas import (
    Actor,
    AssessmentIn,
    AssessmentOut,
    BaselineTestsIn,
    Decision,
    ReassessmentStatus,
    Role,
)
from retrowalk.services.stored_once import stored_once
from retrowalk.services.walking_tests_gate import (
    enters_the_past,
    has_walking_test,
    walking_tests_blocker,
)
from retrowalk.store import client_keys
from retrowalk.store import repositories as repo
from retrowalk.store.models import Assessment, Walker


def measured_speeds(data: BaselineTestsIn) -> dict[str, MeasuredSpeed]:
    """The comfortable backward speeds this assessment measured: ``ground`` (the 3-m walk)
    and ``treadmill`` (the treadmill speed test), each only where done."""
    found: dict[str, MeasuredSpeed] = {}
    if data.backward_walk_3m_s is not None:
        found["ground"] = speed_from_three_m_backward_walk(data.backward_walk_3m_s)
    if data.treadmill_speed_up_m_s is not None and data.treadmill_speed_down_m_s is not None:
        found["treadmill"] = speed_from_treadmill(
            data.treadmill_speed_up_m_s, data.treadmill_speed_down_m_s
        )
    return found


EMPTY_ASSESSMENT = (
    "Nothing was filled in, so nothing was saved: write the result of at least one test "
    "(or the questionnaire answers)."
)
QUESTIONS_ALONE = (
    "The questions about falls were answered but no test was filled in, so nothing was saved: "
    "write the result of at least one test with them (a low fall risk needs the Timed Up and "
    "Go, and the 30-s chair stand or the tandem stance)."
)
"""An assessment of the questions about falls alone (never "nothing was filled in")."""


def _check_date(actor: Actor, day: date, today: date, policy: PolicyConfig) -> None:
    """Tests are dated today or earlier; a walker's at most a policy number of days back."""
    if day > today:
        raise InvalidRequest(
            f"local_date: {day.isoformat()} is in the future; tests are recorded once done.",
            field="local_date",
        )
    days = policy.walker_backdate_max_days
    if actor.role is Role.WALKER and day < today - timedelta(days=days):
        raise InvalidRequest(
            f"local_date: {day.isoformat()} is more than {days} days ago; ask your clinician "
            "to enter older tests.",
            field="local_date",
        )


def _has_content(data: AssessmentIn) -> bool:
    measured = (
        data.tug_s,
        data.tandem_stance_s,
        data.chair_stand_count,
        data.backward_walk_3m_s,
        data.treadmill_speed_up_m_s,
        data.treadmill_speed_down_m_s,
        data.gait_speed_m_s,
    )
    return (
        any(value is not None for value in measured)
        or data.chair_stand_used_arms
        or bool(data.koos_answers)
        or bool(data.koos12_answers)
    )


def record_assessment(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    data: AssessmentIn | dict[str, object],
) -> AssessmentOut:
    """Score the tests and questionnaires with the clinical rules and store everything.

    With a ``client_key`` (every page form has one) the same tests sent twice are stored
    once: the first assessment comes back with ``created`` false, and nothing it changed
    (a plan version, a restriction) is made again. The same key with other values is
    refused (:class:`~.errors.KeyReused`).
    """
    assessment = parse(AssessmentIn, data)
    if not _has_content(assessment):
        said = EMPTY_ASSESSMENT if assessment.steadi is None else QUESTIONS_ALONE
        raise InvalidRequest(said, field="tests")
    if (assessment.treadmill_speed_up_m_s is None) != (assessment.treadmill_speed_down_m_s is None):
        missing = (
            "treadmill_speed_down_m_s"
            if assessment.treadmill_speed_down_m_s is None
            else "treadmill_speed_up_m_s"
        )
        raise InvalidRequest(
            f"{missing}: the treadmill speed test needs both speeds, going up and coming down.",
            field=missing,
        )
    key = assessment.client_key
    digest = key_digest(assessment)

    def first(tx: Session) -> AssessmentOut | None:
        walker = walker_for(tx, actor, walker_id)
        return _assessment_under(tx, walker.id, key, digest)

    return stored_once(
        ctx.db, key, lambda: _record(ctx, actor, walker_id, assessment, digest), first
    )


def _assessment_under(
    tx: Session, walker_id: int, key: str | None, digest: str
) -> AssessmentOut | None:
    """The walker's assessment stored under ``key``, as a replay answers it (None: none);
    refused when it was sent with other values than ``digest``."""
    row = client_keys.by_client_key(tx, Assessment, walker_id, key) if key else None
    if row is None:
        return None
    same_values(row.client_key_digest, digest, "assessment")
    return assessment_out(row).model_copy(update={"created": False})


FALL_LOOKBACK = timedelta(days=365)
"""The STEADI key question asks about falls in the past 12 months."""


def _fell_since(tx: Session, walker_id: int, since: datetime, at: datetime) -> bool:
    """Whether a session walked after ``since`` (her screening) reported a fall in the 12
    months before ``at``: a reassessment that reuses the screening's answers about falls
    must not read "has not fallen" over a fall on her record (found by the outside-in test:
    a fall in a session, then a good reassessment, let fall risk be cleared)."""
    return any(
        AdverseEvent.FALL.value in (row.adverse_events or ())
        and row.performed_at > max(since, at - FALL_LOOKBACK)
        for row in repo.adverse_sessions(tx, walker_id)
    )


def _record(
    ctx: AppContext, actor: Actor, walker_id: int, assessment: AssessmentIn, digest: str
) -> AssessmentOut:
    at = ctx.now()
    with ctx.db.transaction() as tx:
        walker = walker_for(tx, actor, walker_id)
        replay = _assessment_under(tx, walker.id, assessment.client_key, digest)
        if replay is not None:
            return replay
        _, policy = policy_in(tx)
        today = local_date(at, walker.timezone)
        if assessment.local_date is not None:
            _check_date(actor, assessment.local_date, today, policy)
        steadi = assessment.steadi
        if steadi is None:
            screening = repo.latest_screening(tx, walker.id)
            if screening is not None:
                steadi = SteadiAnswers.model_validate(screening.answers_json["steadi"])
                if _fell_since(tx, walker.id, screening.created_at, at):
                    # her screening's "no fall" is out of date: a fall is on her record since
                    steadi = steadi.model_copy(update={"fell_past_12_months": True})
        speeds = measured_speeds(assessment)
        ground = speeds.get("ground")
        answers = assessment.model_dump(mode="json", exclude={"client_key"})
        answers["steadi"] = steadi.model_dump(mode="json") if steadi is not None else None
        earlier = fall_risk_history(walker, repo.assessments(tx, walker.id), policy)
        latest = next((r for _, r in reversed(earlier) if r is not None), None)
        fall_risk = fall_risk_of(walker, answers, latest, policy)
        before = restrictions_of(tx, walker, policy)
        if has_walking_test(assessment):
            held = walking_tests_blocker(
                before,
                tested_on=assessment.local_date or today,
                at=at,
                timezone=walker.timezone,
                past_kept=enters_the_past(actor),
                for_clinician=actor.role is not Role.WALKER,
                by_walker=actor.role is Role.WALKER,
            )
            if held is not None:
                raise NotReadyToWalk(held)
        scores: dict[str, Any] = {}
        if fall_risk is not None:
            scores["fall_risk"] = fall_risk.model_dump(mode="json")
        if speeds:
            scores["measured_speeds"] = {k: v.model_dump(mode="json") for k, v in speeds.items()}
        if assessment.koos_answers:
            scores["koos"] = score_koos(assessment.koos_answers).model_dump(mode="json")
            scores["koos12"] = score_koos12(assessment.koos_answers).model_dump(mode="json")
        elif assessment.koos12_answers:
            scores["koos12"] = score_koos12(assessment.koos12_answers).model_dump(mode="json")
        plan_change = (
            _apply_to_current_plan(tx, actor, walker, fall_risk, at)
            if fall_risk is not None
            else None
        )
        if plan_change is not None:
            scores["plan_change"] = plan_change
        row = repo.add(
            tx,
            Assessment(
                walker_id=walker.id,
                created_at=at,
                local_date=assessment.local_date or today,
                kind=assessment.kind,
                tug_s=assessment.tug_s,
                tandem_stance_s=assessment.tandem_stance_s,
                chair_stand_count=assessment.chair_stand_count,
                backward_walk_3m_s=assessment.backward_walk_3m_s,
                backward_speed_m_s=ground.speed_m_s if ground is not None else None,
                gait_speed_m_s=assessment.gait_speed_m_s,
                high_fall_risk=(
                    None
                    if fall_risk is None or fall_risk.level is FallRiskLevel.NOT_KNOWN
                    else fall_risk.level is FallRiskLevel.HIGH
                ),
                answers_json=answers,
                scores_json=scores,
                rule_version=RULE_VERSION,
                recorded_by=actor.account_id,
                client_key=assessment.client_key,
                client_key_digest=digest if assessment.client_key else None,
            ),
        )
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="assessment.record",
            entity="assessment",
            entity_id=row.id,
            walker_id=walker.id,
            detail={
                "kind": row.kind,
                "fall_risk": fall_risk.level.value if fall_risk is not None else None,
            },
        )
        after = record_added(
            tx, actor, walker, before, policy=policy, entity="assessment", entity_id=row.id, at=at
        )
        out = assessment_out(row)
        # The verdict alone would say "then unsupervised sessions are allowed": while a
        # restriction holds every session supervised (a walking aid, say) the reply says that
        # instead (found at stop 25: the plan's words were fixed, this reply was not).
        holding = [r.kind for r in after.active if r.effect is Effect.SUPERVISED]
        if holding:
            own_n = policy.supervised_first_sessions_low_risk
            reasons = reasons_held_by(out.reasons, holding, own_n)
            out = out.model_copy(update={"reasons": reasons})
        return out


def _apply_to_current_plan(
    tx: Session, actor: Actor, walker: Walker, fall_risk: FallRiskResult, at: datetime
) -> dict[str, Any] | None:
    """Store the plan version a new fall-risk result calls for; None when nothing changes."""
    plan = repo.latest_prescription(tx, walker.id)
    if plan is None:
        return None
    decision = apply_reassessment(clinical_prescription(plan), fall_risk)
    if not decision.changed:
        return None
    reasons = decision.reasons[:1]
    row = store_prescription(
        tx,
        walker,
        decision.next,
        decision=Decision.REASSESS,
        reasons=reasons,
        made_by=actor.account_id,
        at=at,
        effective_from=local_date(at, walker.timezone),
        decision_detail={"fall_risk": fall_risk.level.value},
    )
    repo.audit(
        tx,
        at=at,
        actor_account_id=actor.account_id,
        actor_role=actor.role.value,
        action="prescription.reassess",
        entity="prescription",
        entity_id=row.id,
        walker_id=walker.id,
        detail={"fall_risk": fall_risk.level.value, "version": row.version},
    )
    return {
        "prescription_version": row.version,
        "reasons": [reason.model_dump(mode="json") for reason in reasons],
    }


def walking_tests_held(ctx: AppContext, actor: Actor, walker_id: int) -> str | None:
    """Why the walking tests are not offered now (what to do first), or None when they are:
    the page asks this before it shows the tests (:mod:`.walking_tests_gate`)."""
    at = ctx.now()
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        _, policy = policy_in(tx)
        return walking_tests_blocker(
            restrictions_of(tx, walker, policy),
            at=at,
            timezone=walker.timezone,
            by_walker=actor.role is Role.WALKER,
        )


def reassessment_status(ctx: AppContext, actor: Actor, walker_id: int) -> ReassessmentStatus:
    """Whether the tests and KOOS are due again (every ``reassessment_interval_weeks``, policy)."""
    at = ctx.now()
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        _, policy = policy_in(tx)
        last = repo.latest_assessment(tx, walker.id)
        today = local_date(at, walker.timezone)
        if last is None:
            return ReassessmentStatus(due=False, last_assessment_on=None, due_on=None, reasons=())
        due_on = next_reassessment(last.local_date, policy)
        due = reassessment_due(last.local_date, today, policy)
        weeks = policy.reassessment_interval_weeks
        reason = Reason(
            code="reassessment.due" if due else "reassessment.not_yet",
            message=(
                f"Last assessment on {spoken_date(last.local_date)}; the walking tests and "
                f"the knee questionnaire (KOOS) are repeated every {weeks} weeks, so the next "
                f"is due on {spoken_date(due_on)} (retrowalk policy)."
            ),
            sources=REASSESSMENT_SOURCES,
            policy=True,
        )
        return ReassessmentStatus(
            due=due, last_assessment_on=last.local_date, due_on=due_on, reasons=(reason,)
        )
