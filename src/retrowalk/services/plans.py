"""The walker's plan: the starting prescription, its versions, and what to do today.

Every version is the clinical :class:`~retrowalk.clinical.prescription.Prescription` as it was
decided (JSON) plus queryable columns, the decision that made it, its reasons and the rule
version. The services never change a prescription themselves: clinical/ decides.

Gates (RULES.md §7) read the walker's restrictions (:mod:`retrowalk.services.restrictions`),
never the latest screening: no plan after a red flag; once a plan exists, only the
progression rule or a clinician changes its load, so asking for a new start plan is refused;
"today" offers no session while a restriction forbids one, and says why and what to do.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from retrowalk.clinical.fall_risk import Surface
from retrowalk.clinical.prescription import (
    SUPERVISED_START_COUNTS_FROM_MIN,
    TREADMILL_SURFACES,
    KneeCondition,
    MeasuredSpeed,
    Prescription,
    speed_from_three_m_backward_walk,
    speed_from_treadmill,
    start_prescription,
)
from retrowalk.clinical.progression import after_break
from retrowalk.clinical.reasons import Reason, spoken_date
from retrowalk.clinical.reassessment import reassessment_due
from retrowalk.clinical.restriction_models import RestrictionKind, Restrictions
from retrowalk.clinical.restrictions import (
    SupervisionNeed,
    plan_supervision,
    reasons_as_held,
    supervision_needed,
)
from retrowalk.clinical.screening import ScreeningResult
from retrowalk.clinical.session_records import ProgressionDecision
from retrowalk.services.access import walker_for, walker_name
from retrowalk.services.clock import local_date
from retrowalk.services.context import AppContext
from retrowalk.services.convert import prescription_out
from retrowalk.services.errors import Conflict, InvalidRequest, NotReadyToWalk
from retrowalk.services.pending_checkins import (
    RED_FLAGS_FIRST,
    checkin_first_words,
    checkin_opens_at,
    logged_late,
    red_flags_unasked_since,
    unreported_session,
)
from retrowalk.services.policies import policy_in, walker_and_policy
from retrowalk.services.record_cache import RecordCache
from retrowalk.services.restrictions import (
    active_out,
    fall_risk_history,
    gate_restrictions,
    restrictions_of,
)
from retrowalk.services.schemas import (
    Actor,
    Decision,
    PrescriptionOut,
    Role,
    TodayOut,
    TodayStatus,
)
from retrowalk.store import repositories as repo
from retrowalk.store.models import Prescription as PrescriptionRow
from retrowalk.store.models import Walker, WalkSession


def clinical_prescription(row: PrescriptionRow) -> Prescription:
    """A stored version back into the clinical model the rules take."""
    return Prescription.model_validate(row.prescription_json)


def plan_as_held(row: PrescriptionRow, restrictions: Restrictions) -> PrescriptionOut:
    """The plan version as it holds now: its supervision and the reasons that word it read
    with the walker's active restrictions
    (:func:`~retrowalk.clinical.restrictions.plan_supervision`).

    One truth: the stored version keeps the plan's own rule (every session, or the first N),
    and nothing copies a restriction into it. A restriction is computed from the walker's
    whole record and may begin after the plan was made (a near-fall, a later screening that
    names a walking aid); when a clinician lifts it, the plan's own rule holds again without a
    new version. Storing "every session" for a walking aid would leave a plan that contradicts
    the record the moment either changes, so every place that words the plan's supervision
    (the API, the today page, the printed plan, the PDF report, the clinician's page, the CLI)
    reads it from here instead.
    """
    out = prescription_out(row)
    held = plan_supervision(clinical_prescription(row), restrictions)
    supervision = "every_session" if held.every_session else "first_sessions"
    reasons = reasons_as_held(out.reasons, held)
    details = dict(out.details)  # the dumped plan says the same (its reasons, its supervision)
    if held.held_by:
        details["supervision"] = supervision
        details["reasons"] = [
            r.model_dump(mode="json")
            for r in reasons_as_held(
                clinical_prescription(row).reasons,
                held,
            )
        ]
    return out.model_copy(
        update={
            "supervision": supervision,
            "details": details,
            "plan_supervision": row.supervision,
            "supervision_held_by": tuple(k.value for k in held.held_by),
            "supervision_words": held.words,
            "supervision_clinician_words": held.clinician_words,
            "reasons": reasons,
        }
    )


def store_prescription(
    tx: Session,
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
    """Append the next version of the walker's plan (versions are never rewritten), with
    the clinic policy version in force in this transaction."""
    latest = repo.latest_prescription(tx, walker.id)
    policy_version, _ = policy_in(tx)
    row = repo.add(
        tx,
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
            policy_version=policy_version,
            made_by=made_by,
        ),
    )
    return row


def decision_detail(decision: ProgressionDecision, **extra: Any) -> dict[str, Any]:
    """The stored form of a clinical decision (the next prescription is stored beside it)."""
    detail = decision.model_dump(mode="json", exclude={"next_prescription"})
    detail.update(extra)
    return detail


PLAN_EXISTS = (
    "There is already a plan: once a plan exists only the progression rule or your clinician "
    "changes it, so new tests are recorded but do not start a new plan."
)


def measured_speeds(tx: Session, walker: Walker) -> tuple[MeasuredSpeed, ...]:
    """The newest comfortable speed of each kind (treadmill test, 3-m walk), newest first."""
    found: dict[str, MeasuredSpeed] = {}
    for row in sorted(repo.assessments(tx, walker.id), key=lambda a: (a.created_at, a.id)):
        answers = row.answers_json
        if answers.get("backward_walk_3m_s") is not None:
            found["ground"] = speed_from_three_m_backward_walk(answers["backward_walk_3m_s"])
        up, down = answers.get("treadmill_speed_up_m_s"), answers.get("treadmill_speed_down_m_s")
        if up is not None and down is not None:
            found["treadmill"] = speed_from_treadmill(up, down)
    return tuple(found.values())


def make_plan(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    *,
    surface: Surface | str | None = None,
) -> PrescriptionOut:
    """The starting prescription from the screenings, the assessments and the restrictions.

    ``surface``: the walker's choice among the surfaces the fall risk allows (default: the
    first with a speed measured for it; a treadmill plan starts from the treadmill speed
    test, an overground one from the 3-m walk). Refused (``Conflict``) once a plan exists,
    and while a red flag is active.
    """
    chosen = _surface(surface)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        walker = walker_for(tx, actor, walker_id)
        _, policy = policy_in(tx)
        if repo.latest_prescription(tx, walker.id) is not None:
            raise Conflict(PLAN_EXISTS)
        screening_row = repo.latest_screening(tx, walker.id)
        if screening_row is None:
            raise Conflict(
                f"{walker_name(tx, walker)} has not been screened yet: run the screening."
            )
        restrictions = restrictions_of(tx, walker, policy)
        red = restrictions.of(RestrictionKind.RED_FLAG)
        if red is not None:
            raise NotReadyToWalk(
                "No plan can be made: " + red.title.lower() + ". " + " ".join(red.what_to_do)
            )
        history = [
            (row, risk)
            for row, risk in fall_risk_history(walker, repo.assessments(tx, walker.id), policy)
            if risk is not None
        ]
        if not history:
            raise Conflict(
                f"{walker_name(tx, walker)} has no baseline tests yet: record the baseline tests."
            )
        assessment, fall_risk = history[-1]
        screening = ScreeningResult.model_validate(screening_row.result_json)
        prescription = start_prescription(
            screening,
            fall_risk,
            KneeCondition(walker.knee_condition),
            measured_speeds(tx, walker),
            chosen,
            fall_risk_restricted=RestrictionKind.FALL_RISK in restrictions.kinds,
            awaiting_clearance=RestrictionKind.CLEARANCE_REQUIRED in restrictions.kinds,
            stop_and_refer=False,  # an active red flag was refused above; a cleared one is gone
            policy=policy,
        )
        row = store_prescription(
            tx,
            walker,
            prescription,
            decision=Decision.START,
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
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="prescription.start",
            entity="prescription",
            entity_id=row.id,
            walker_id=walker.id,
            detail={"version": row.version},
        )
        return plan_as_held(row, restrictions)


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


def current_prescription(ctx: AppContext, actor: Actor, walker_id: int) -> PrescriptionOut | None:
    """The newest version of the walker's plan (None before the first), as it holds now with
    the walker's active restrictions (:func:`plan_as_held`)."""
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        row = repo.latest_prescription(tx, walker.id)
        if row is None:
            return None
        _, policy = policy_in(tx)
        return plan_as_held(row, restrictions_of(tx, walker, policy))


BLOCKED_STATUS: dict[RestrictionKind, TodayStatus] = {
    RestrictionKind.RED_FLAG: TodayStatus.STOPPED,
    RestrictionKind.ADVERSE_EVENT: TodayStatus.WAITING_FOR_REVIEW,
    RestrictionKind.REST_DAY: TodayStatus.REST_DAY,
    RestrictionKind.CLEARANCE_REQUIRED: TodayStatus.WAITING_FOR_CLEARANCE,
}
"""The today status of each restriction that stops sessions (most serious first)."""

NOT_YOUR_DECISION = "Your clinician will decide when you can walk again."
NOT_FOR_YOU_YET = (
    "Without the 3-metre backward walk there is no safe speed to start from, and your tests "
    "show that your fall risk is high or not known: backward walking is not for you yet. "
    "Please see your clinician, who can test you in person."
)


def _blocked_message(
    restrictions: Restrictions, timezone: str = "UTC", at: datetime | None = None
) -> str:
    first = restrictions.blocking[0]
    parts = [first.emergency or "", f"{first.title}.", *first.what_to_do, NOT_YOUR_DECISION]
    began = local_date(first.since, timezone)
    if (
        first.kind is RestrictionKind.REST_DAY
        and at is not None
        and began < local_date(at, timezone)
    ):
        # since when, never "today" for a day that was not today (outside-in test)
        parts.insert(2, f"It began on {spoken_date(began)}.")
    return " ".join(part for part in dict.fromkeys(parts) if part)


def _status(
    tx: Session,
    walker: Walker,
    restrictions: Restrictions,
    *,
    screened: bool,
    summary: repo.DaySummary,
    row: PrescriptionRow | None,
    checkin_due: WalkSession | None = None,
    checkin_opens: datetime | None = None,
    at: datetime | None = None,
    red_flags_unasked: date | None = None,
) -> tuple[TodayStatus, str, PrescriptionRow | None]:
    if not screened:
        return TodayStatus.NEEDS_SCREENING, "Answer the screening questions first.", None
    if RestrictionKind.RED_FLAG in restrictions.kinds:
        return TodayStatus.STOPPED, _blocked_message(restrictions, walker.timezone, at), row
    if row is None:
        if not repo.assessments(tx, walker.id):
            return (
                TodayStatus.NEEDS_ASSESSMENT,
                (
                    "Do the baseline tests (the 3-metre backward walk, the Timed Up and Go test "
                    "and the others)."
                ),
                None,
            )
        if not measured_speeds(tx, walker):
            if RestrictionKind.FALL_RISK in restrictions.kinds:
                return TodayStatus.SEE_CLINICIAN, NOT_FOR_YOU_YET, None
            return (
                TodayStatus.NEEDS_SPEED_TEST,
                "Do the 3-metre backward walk (or, for a treadmill, the treadmill speed test): "
                "it sets the speed your plan starts at.",
                None,
            )
        return TodayStatus.NEEDS_PLAN, "The tests are done: make the plan.", None
    if restrictions.blocks_sessions:
        kind = restrictions.blocking[0].kind
        return (
            BLOCKED_STATUS.get(kind, TodayStatus.WAITING_FOR_REVIEW),
            _blocked_message(restrictions, walker.timezone, at),
            row,
        )
    if summary.sessions_today > 0:
        return TodayStatus.DONE_TODAY, "Today's session is logged. Check in tomorrow morning.", row
    if checkin_due is not None:
        # due today, perhaps not open yet (a session at 23:50, today at 00:33): then it says when
        words = checkin_first_words(checkin_due.local_date, checkin_opens, at)
        return TodayStatus.CHECKIN_FIRST, words, row
    if red_flags_unasked is not None:
        return (
            TodayStatus.RED_FLAGS_FIRST,
            RED_FLAGS_FIRST.format(day=spoken_date(red_flags_unasked)),
            row,
        )
    return TodayStatus.READY, "Here is today's session.", row


def supervision_for(
    tx: Session,
    walker: Walker,
    restrictions: Restrictions,
    row: PrescriptionRow | None,
    *,
    supervised_done: int | None = None,
) -> SupervisionNeed:
    """Whether the next session needs someone with the walker, and why.
    ``supervised_done``: the supervised sessions counted up to ``row``'s first N
    (:attr:`repositories.WalkerDay.supervised_done`), when the caller has read them."""
    plan = clinical_prescription(row) if row is not None else None
    # The plan's rule only asks whether its first N supervised sessions are done.
    first = plan.supervised_first_sessions or 0 if plan is not None else 0
    if supervised_done is None:
        supervised_done = repo.count_supervised_sessions(
            tx, walker.id, supervised_from_min=SUPERVISED_START_COUNTS_FROM_MIN, at_most=first
        )
    return supervision_needed(restrictions, plan, supervised_done)


def step_rate_per_min(summary: repo.DaySummary, row: PrescriptionRow) -> float | None:
    """The walker's own cadence, for an overground plan (RULES.md §7.10): from the newest
    recording attached to one of her sessions (steps a minute over its walking), else from
    the newest session logged with counted steps (steps over the session's minutes)."""
    if Surface(row.surface) in TREADMILL_SURFACES:
        return None
    if summary.recorded_cadence_spm is not None and summary.recorded_cadence_spm > 0:
        return round(summary.recorded_cadence_spm)
    steps, minutes = summary.cadence_steps, summary.cadence_minutes
    if steps is None or minutes is None or minutes <= 0:
        return None
    return round(steps / minutes)


def todays_prescription(ctx: AppContext, actor: Actor, walker_id: int) -> TodayOut:
    """What to do on the walker's local today, and what stops or limits it.

    After a break of ``policy.break_days`` days or more (policy) the clinical ``after_break``
    rule steps the load back; that step is stored once, as a new version, before it is shown.
    """
    at = ctx.now()
    with ctx.db.reader() as tx:
        try:
            return _today(tx, ctx.record_cache, actor, walker_id, at, write=False)
        except _StepBackNeededError:
            pass
    with ctx.db.transaction() as tx:  # the write lock only when a step back is stored
        return _today(tx, ctx.record_cache, actor, walker_id, at, write=True)


TREADMILL_SURFACE_VALUES = tuple(sorted(s.value for s in TREADMILL_SURFACES))
"""Surfaces whose recordings give no cadence for the walker's step rate (a treadmill's)."""


class _StepBackNeededError(Exception):
    """Today's plan steps back after a break: that version must be stored first."""


def _today(
    tx: Session,
    cache: RecordCache,
    actor: Actor,
    walker_id: int,
    at: datetime,
    *,
    write: bool,
) -> TodayOut:
    """Today for the walker, read in ``tx``; raises :class:`_StepBackNeededError` when a step
    back must be stored and ``tx`` is a read transaction (``write`` False)."""
    start = walker_and_policy(tx, actor, walker_id)
    walker, policy = start.walker, start.policy
    today = local_date(at, walker.timezone)
    record, restrictions = gate_restrictions(tx, cache, start)  # before anything is written
    day = repo.walker_day(
        tx,
        walker.id,
        today,
        cadence_not_on=TREADMILL_SURFACE_VALUES,
        supervised_from_min=SUPERVISED_START_COUNTS_FROM_MIN,
    )
    summary = day.summary
    waiting = unreported_session(tx, walker, at, planned=None, day=day)
    opens = checkin_opens_at(waiting, walker, policy) if waiting is not None else None
    opens_on = opens.date() if opens is not None else None
    unasked = red_flags_unasked_since(tx, walker, day)
    walker_asks = actor.role is Role.WALKER
    status, message, row = _status(
        tx,
        walker,
        restrictions,
        screened=bool(record.screenings),
        summary=summary,
        row=day.plan,
        # the walker's own today asks the report (and red-flag questions a missing report left
        # unasked) first; a clinician entering a paper diary goes on (the report-less session
        # is then decided "hold", and its red-flag questions are asked to the walker)
        checkin_due=waiting if walker_asks and opens_on is not None and today >= opens_on else None,
        checkin_opens=opens,
        at=at,
        red_flags_unasked=unasked if walker_asks else None,
    )
    step_back = False
    reasons: tuple[Reason, ...] = ()
    plan_out: PrescriptionOut | None = None
    need = SupervisionNeed(required=True, why=())
    step_rate: float | None = None
    if row is not None:
        gap_start = summary.last_session_on
        if (
            status == TodayStatus.READY
            and gap_start is not None
            and not (row.decision == Decision.STEP_BACK and row.effective_from > gap_start)
            and (today - gap_start).days >= policy.break_days
        ):
            if not write:
                raise _StepBackNeededError
            decision = after_break(
                clinical_prescription(row), (today - gap_start).days, today, policy
            )
            row = store_prescription(
                tx,
                walker,
                decision.next_prescription,
                decision=Decision.STEP_BACK,
                reasons=decision.reasons,
                made_by=actor.account_id,
                at=at,
                effective_from=today,
                decision_detail=decision_detail(decision, last_session_on=str(gap_start)),
            )
            repo.audit(
                tx,
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
        if row.decision == Decision.STEP_BACK and row.effective_from == today:
            step_back = True
        plan_out = plan_as_held(row, restrictions)
        reasons = plan_out.reasons  # validated once, for the plan shown and its reasons
        # the count read with the plan is the plan's unless a step back was stored just now
        counted = day.supervised_done if row is day.plan else None
        need = supervision_for(tx, walker, restrictions, row, supervised_done=counted)
        step_rate = step_rate_per_min(summary, row)
    assessed = summary.last_assessed_on
    due = assessed is not None and reassessment_due(assessed, today, policy)
    return TodayOut(
        walker_id=walker.id,
        local_date=today,
        status=status,
        message=message,
        prescription=plan_out,
        supervised=need.required,
        supervision_why=need.why,
        session_offered=status == TodayStatus.READY,
        step_back=step_back,
        reasons=reasons,
        sessions_today=summary.sessions_today,
        reassessment_due=due,
        restrictions=active_out(tx, restrictions),
        step_rate_per_min=step_rate,
        checkin_for_session_on=waiting.local_date if waiting is not None else None,
        checkin_opens_on=opens_on,
        checkin_opens_at=opens,
        checkin_open=opens is not None and at >= opens,
        checkin_logged_late=waiting is not None and logged_late(waiting, walker),
        red_flags_unasked_since=unasked,
    )
