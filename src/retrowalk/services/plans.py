"""The walker's plan: the starting prescription, its versions, and what to do today.

Every version is the clinical :class:`~retrowalk.clinical.prescription.Prescription` as it was
decided (JSON) plus queryable columns, the decision that made it, its reasons and the rule
version. The services never change a prescription themselves: clinical/ decides.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from retrowalk.clinical.fall_risk import FallRiskResult, Surface
from retrowalk.clinical.policy import DEFAULT_POLICY
from retrowalk.clinical.prescription import (
    KneeCondition,
    MeasuredSpeed,
    Prescription,
    must_be_supervised,
    start_prescription,
)
from retrowalk.clinical.progression import (
    ProgressionDecision,
    after_break,
    clinician_clear,
    reassessment_due,
)
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.screening import ScreeningOutcome, ScreeningResult
from retrowalk.services.access import walker_for
from retrowalk.services.clock import local_date, utc_now
from retrowalk.services.convert import prescription_out
from retrowalk.services.errors import Conflict, InvalidRequest
from retrowalk.services.schemas import Actor, PrescriptionOut, TodayOut, TodayStatus
from retrowalk.store import Database
from retrowalk.store import repositories as repo
from retrowalk.store.models import Prescription as PrescriptionRow
from retrowalk.store.models import Walker


def clinical_prescription(row: PrescriptionRow) -> Prescription:
    """A stored version back into the clinical model the rules take."""
    return Prescription.model_validate(row.prescription_json)


def store_prescription(
    session: Session,
    walker: Walker,
    prescription: Prescription,
    *,
    decision: str,
    reasons: tuple[Reason, ...],
    made_by: int,
    at: datetime,
    effective_from: date,
    decision_detail: dict[str, Any] | None = None,
) -> PrescriptionRow:
    """Append the next version of the walker's plan (versions are never rewritten)."""
    latest = repo.latest_prescription(session, walker.id)
    row = repo.add(
        session,
        PrescriptionRow(
            walker_id=walker.id,
            version=(latest.version + 1) if latest is not None else 1,
            created_at=at,
            effective_from=effective_from,
            decision=decision,
            duration_min=float(prescription.duration_min),
            speed_m_s=prescription.speed_m_s,
            incline_pct=float(prescription.incline_pct),
            sessions_per_week=prescription.sessions_per_week,
            surface=prescription.surface.value,
            supervision=prescription.supervision.value,
            supervised_first_sessions=prescription.supervised_first_sessions,
            high_fall_risk=prescription.high_fall_risk,
            awaiting_clearance=prescription.awaiting_clearance,
            supervised_until_review=prescription.supervised_until_review,
            reasons_json=[r.model_dump(mode="json") for r in reasons],
            prescription_json=prescription.model_dump(mode="json"),
            decision_json=decision_detail,
            rule_version=prescription.rule_version,
            made_by=made_by,
        ),
    )
    return row


def decision_detail(decision: ProgressionDecision, **extra: Any) -> dict[str, Any]:
    """The stored form of a clinical decision (the next prescription is stored beside it)."""
    detail = decision.model_dump(mode="json", exclude={"next_prescription"})
    detail.update(extra)
    return detail


def make_plan(
    db: Database,
    actor: Actor,
    walker_id: int,
    *,
    surface: Surface | str | None = None,
    now: datetime | None = None,
) -> PrescriptionOut:
    """The starting prescription from the latest screening and assessment (clinical rules).

    ``surface``: the walker's choice among the surfaces the fall-risk result allows (the
    clinical rule refuses another; default: its first).
    """
    chosen = _surface(surface)
    at = utc_now(now)
    with db.transaction() as session:
        walker = walker_for(session, actor, walker_id)
        screening_row = repo.latest_screening(session, walker.id)
        if screening_row is None:
            raise Conflict(f"Walker {walker.id} has not been screened yet: run the screening.")
        assessment = repo.latest_assessment(session, walker.id)
        if assessment is None:
            raise Conflict(
                f"Walker {walker.id} has no baseline assessment yet: record the baseline tests."
            )
        screening = ScreeningResult.model_validate(screening_row.result_json)
        fall_risk = FallRiskResult.model_validate(assessment.scores_json["fall_risk"])
        speed_data = assessment.scores_json.get("measured_speed")
        speed = MeasuredSpeed.model_validate(speed_data) if speed_data else None
        prescription = start_prescription(
            screening, fall_risk, KneeCondition(walker.knee_condition), speed, chosen
        )
        if screening.outcome is ScreeningOutcome.CLEARANCE_REQUIRED:
            cleared = repo.latest_clearance(session, walker.id, "clearance_required")
            if cleared is not None and cleared.created_at >= screening_row.created_at:
                prescription = clinician_clear(prescription, cleared.reason)
        row = store_prescription(
            session,
            walker,
            prescription,
            decision="start",
            reasons=prescription.reasons,
            made_by=actor.account_id,
            at=at,
            effective_from=local_date(at, walker.timezone),
            decision_detail={
                "screening_id": screening_row.id,
                "assessment_id": assessment.id,
            },
        )
        repo.audit(
            session,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="prescription.start",
            entity="prescription",
            entity_id=row.id,
            walker_id=walker.id,
            detail={"version": row.version},
        )
        return prescription_out(row)


def _surface(value: Surface | str | None) -> Surface | None:
    if value is None or isinstance(value, Surface):
        return value
    try:
        return Surface(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Surface)
        raise InvalidRequest(
            f"surface: {value!r} is not allowed; expected one of {allowed}.", field="surface"
        ) from None


def current_prescription(db: Database, actor: Actor, walker_id: int) -> PrescriptionOut | None:
    """The newest version of the walker's plan (None before the first)."""
    with db.reader() as session:
        walker = walker_for(session, actor, walker_id)
        row = repo.latest_prescription(session, walker.id)
        return prescription_out(row) if row is not None else None


def open_adverse_event_review(session: Session, walker_id: int) -> bool:
    """Whether an adverse event waits for a clinician's review (none since the last review)."""
    review = repo.latest_clearance(session, walker_id, "adverse_event")
    since = review.created_at if review is not None else None
    return bool(repo.adverse_sessions_since(session, walker_id, since))


def _status(
    session: Session, walker: Walker, today: date
) -> tuple[TodayStatus, str, PrescriptionRow | None]:
    screening = repo.latest_screening(session, walker.id)
    if screening is None:
        return "needs_screening", "Answer the screening questions first.", None
    if screening.outcome == ScreeningOutcome.STOP_AND_REFER.value:
        actions = " ".join(screening.result_json.get("actions", ()))
        return "stopped", f"No backward walking: the screening found a red flag. {actions}", None
    row = repo.latest_prescription(session, walker.id)
    if row is None:
        if repo.latest_assessment(session, walker.id) is None:
            return (
                "needs_assessment",
                (
                    "Do the baseline tests (the 3-metre backward walk, the Timed Up and Go test "
                    "and the others)."
                ),
                None,
            )
        return "needs_plan", "The tests are done: make the plan.", None
    if row.awaiting_clearance:
        return (
            "waiting_for_clearance",
            "Your plan is ready, but a clinician must clear you before the first session.",
            row,
        )
    if repo.count_sessions(session, walker.id, on=today) > 0:
        return "done_today", "Today's session is logged. Check in tomorrow morning.", row
    return "ready", "Here is today's session.", row


def todays_prescription(
    db: Database, actor: Actor, walker_id: int, *, now: datetime | None = None
) -> TodayOut:
    """What to do on the walker's local today.

    After a break of ``policy.break_days`` days or more (policy) the clinical ``after_break``
    rule steps the load back; that step is stored once, as a new version, before it is shown.
    """
    at = utc_now(now)
    with db.transaction() as session:
        walker = walker_for(session, actor, walker_id)
        today = local_date(at, walker.timezone)
        status, message, row = _status(session, walker, today)
        step_back = False
        reasons: tuple[Reason, ...] = ()
        supervised = True
        if row is not None:
            last = repo.last_session(session, walker.id)
            gap_start = last.local_date if last is not None else None
            if (
                status == "ready"
                and gap_start is not None
                and not (row.decision == "step_back" and row.effective_from > gap_start)
                and (today - gap_start).days >= DEFAULT_POLICY.break_days
            ):
                decision = after_break(
                    clinical_prescription(row), (today - gap_start).days, today, DEFAULT_POLICY
                )
                row = store_prescription(
                    session,
                    walker,
                    decision.next_prescription,
                    decision="step_back",
                    reasons=decision.reasons,
                    made_by=actor.account_id,
                    at=at,
                    effective_from=today,
                    decision_detail=decision_detail(decision, last_session_on=str(gap_start)),
                )
                repo.audit(
                    session,
                    at=at,
                    actor_account_id=actor.account_id,
                    actor_role=actor.role.value,
                    action="prescription.step_back",
                    entity="prescription",
                    entity_id=row.id,
                    walker_id=walker.id,
                    detail={"version": row.version, "days": (today - gap_start).days},
                )
                step_back = True
                message = (
                    f"Welcome back: {(today - gap_start).days} days since your last session, "
                    "so today's session is a little shorter."
                )
            if row.decision == "step_back" and row.effective_from == today:
                step_back = True
            reasons = tuple(Reason.model_validate(r) for r in row.reasons_json)
            supervised = must_be_supervised(
                clinical_prescription(row),
                repo.count_sessions(session, walker.id),
                open_adverse_event_review(session, walker.id),
            )
        last_assessment = repo.latest_assessment(session, walker.id)
        due = last_assessment is not None and reassessment_due(
            last_assessment.local_date, today, DEFAULT_POLICY
        )
        return TodayOut(
            walker_id=walker.id,
            local_date=today,
            status=status,
            message=message,
            prescription=prescription_out(row) if row is not None else None,
            supervised=supervised,
            step_back=step_back,
            reasons=reasons,
            sessions_today=repo.count_sessions(session, walker.id, on=today),
            reassessment_due=due,
        )
