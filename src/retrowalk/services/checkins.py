"""The next-morning check-in: the clinical progression decision and the next plan version.

The services only gather what the rule needs (:class:`~retrowalk.clinical.session_records.History`)
from storage; :func:`retrowalk.clinical.progression.decide` makes the decision. The decision,
its reasons and rule version are stored with the new prescription version. The check-in also
asks whether a red flag is new since the session (RULES §7.7), and keeps the usual pain level
it was compared with, so a rest day (§3 amendments) is held from the record.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy.orm import Session

from retrowalk.clinical.norms import SPEED_RISE_WINDOW_DAYS
from retrowalk.clinical.pain_monitoring import usual_level
from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.progression import decide
from retrowalk.clinical.reasons import Reason, spoken_date
from retrowalk.clinical.red_flags import KneeRedFlag
from retrowalk.clinical.session_records import (
    AdverseEvent,
    Change,
    History,
    MorningReport,
    ProgressionDecision,
    SessionLog,
    Variable,
)
from retrowalk.services.access import walker_for, walker_name
from retrowalk.services.clock import local_date, utc_now
from retrowalk.services.context import AppContext
from retrowalk.services.convert import checkin_out, reasons_of
from retrowalk.services.errors import (
    CheckinAlreadyGiven,
    CheckinNotOpen,
    Conflict,
    InvalidRequest,
    NotFound,
    parse,
)
from retrowalk.services.pending_checkins import (
    checkin_not_open_message,
    checkin_opens_at,
    unreported_session,
)
from retrowalk.services.plans import clinical_prescription, decision_detail, store_prescription
from retrowalk.services.policies import policy_in
from retrowalk.services.red_flag_reports import RedFlagsKeptWithoutCheckin, report_red_flags
from retrowalk.services.restrictions import active_out, record_added, restrictions_of
from retrowalk.services.schemas import (
    Actor,
    CheckinIn,
    CheckinOut,
    Decision,
    RedFlagReportIn,
    Role,
)
from retrowalk.store import repositories as repo
from retrowalk.store.models import Checkin, Walker, WalkSession
from retrowalk.store.models import Prescription as PrescriptionRow

LOAD_NEUTRAL_DECISIONS = frozenset({Decision.CLEAR, Decision.REVIEW, Decision.REASSESS})
"""Plan versions that change who supervises, not the load: they neither end nor count toward
the qualifying sessions at the current level."""

_LOOKBACK_VERSIONS = 200
"""Plan versions read back for the history: far more than the qualifying-session count and
the speed-rise window ever need (a few versions a day at most)."""
_DAY = timedelta(days=1)
_WEEK = timedelta(weeks=1)
_TWO_WEEKS = timedelta(weeks=2)
"""Calendar weeks of the pain-monitoring model's week-to-week comparison (not a threshold)."""


def _level_history(versions: list[PrescriptionRow]) -> tuple[int, Change | None]:
    """Qualifying sessions at the current level and the increase that set it (newest first)."""
    qualifying = 0
    counting = True
    for row in reversed(versions):
        detail = row.decision_json or {}
        if row.decision == Decision.HOLD:
            if counting and detail.get("qualifying_session"):
                qualifying += 1
            else:
                counting = False
            continue
        if row.decision in LOAD_NEUTRAL_DECISIONS:
            continue
        if row.decision == Decision.PROGRESS and detail.get("change"):
            return qualifying, Change.model_validate(detail["change"])
        return qualifying, None
    return qualifying, None


def _speed_changes(versions: list[PrescriptionRow], session_row: WalkSession) -> tuple[Change, ...]:
    """Every change of the prescribed speed in the window of the +10 %-a-week speed rule
    before the session (any cause), so the rule can check the rise over that window."""
    window_start = session_row.local_date - timedelta(days=SPEED_RISE_WINDOW_DAYS)
    changes: list[Change] = []
    for before, after in pairwise(versions):
        if after.speed_m_s != before.speed_m_s and (
            window_start <= after.effective_from <= session_row.local_date
        ):
            changes.append(
                Change(
                    variable=Variable.SPEED,
                    before=before.speed_m_s,
                    after=after.speed_m_s,
                    on=after.effective_from,
                )
            )
    return tuple(changes)


def build_history(
    tx: Session, walker: Walker, session_row: WalkSession, policy: PolicyConfig
) -> History:
    """What :func:`decide` needs from earlier sessions, check-ins and plan versions.

    The usual levels (RULES §3 amendments, **policy**) are medians over the last
    ``usual_level_window_days`` days: of the pain before each session (this one included),
    and of the next-morning stiffness reports already in (this one excluded).
    """
    day = session_row.local_date
    window = timedelta(days=policy.usual_level_window_days)
    versions = repo.recent_prescriptions(tx, walker.id, _LOOKBACK_VERSIONS)
    qualifying, last_increase = _level_history(versions)
    since = day - max(window, _TWO_WEEKS) + _DAY
    around = [
        s
        for s in repo.walk_sessions(tx, walker.id, since=since, until=day)
        if s.id == session_row.id or s.performed_at <= session_row.performed_at
    ]
    earlier = [s for s in around if s.id != session_row.id]
    # "Pain must not rise week to week" (RULES §3): this session vs the week before.
    previous_week = tuple(
        s.pain_peak_nprs for s in earlier if day - _TWO_WEEKS < s.local_date <= day - _WEEK
    )
    usual_pain = usual_level([s.pain_before_nprs for s in around if s.local_date > day - window])
    stiffness = [
        c.stiffness_nprs
        for c in repo.checkins(tx, walker.id, since=day - window + _DAY)
        if c.stiffness_nprs is not None and c.session_id != session_row.id
    ]
    return History(
        session_date=day,
        qualifying_sessions_at_level=qualifying,
        last_increase=last_increase,
        speed_changes=_speed_changes(versions, session_row),
        usual_pain_nprs=usual_pain,
        usual_stiffness_nprs=usual_level(stiffness),
        pain_during_previous_week_nprs=previous_week,
    )


def session_log(row: WalkSession) -> SessionLog:
    """A stored session as the clinical rule reads it."""
    speed = row.speed_m_s
    if speed is None:
        # A 0-minute session (stopped before any backward walking) walked no distance.
        minutes = row.duration_min
        speed = (row.distance_m or 0.0) / (minutes * 60.0) if minutes > 0 else 0.0
    return SessionLog(
        pain_before_nprs=row.pain_before_nprs,
        pain_during_peak_nprs=row.pain_peak_nprs,
        pain_after_nprs=row.pain_after_nprs,
        effort_cr10=row.effort_cr10,
        minutes_done=row.duration_min,
        speed_done_m_s=speed,
        adverse_events=frozenset(AdverseEvent(e) for e in row.adverse_events),
        completed=row.completed,
    )


def decide_and_store(
    tx: Session,
    actor: Actor,
    walker: Walker,
    session_row: WalkSession,
    morning: MorningReport | None,
    at: datetime,
    policy: PolicyConfig,
    red_flags: tuple[str, ...] | None = None,
) -> tuple[Checkin, ProgressionDecision, PrescriptionRow]:
    """Run the clinical decision for one session and store it with the next plan version."""
    plan = repo.latest_prescription(tx, walker.id)
    if plan is None:
        raise Conflict("There is no plan yet, so no progression decision can be made.")
    decision = decide(
        clinical_prescription(plan),
        session_log(session_row),
        morning,
        build_history(tx, walker, session_row, policy),
        policy,
    )
    today = local_date(at, walker.timezone)
    next_row = store_prescription(
        tx,
        walker,
        decision.next_prescription,
        decision=decision.action.value,
        reasons=decision.reasons,
        made_by=actor.account_id,
        at=at,
        effective_from=today,
        decision_detail=decision_detail(
            decision, session_id=session_row.id, morning_report=morning is not None
        ),
    )
    row = repo.add(
        tx,
        Checkin(
            walker_id=walker.id,
            session_id=session_row.id,
            created_at=at,
            local_date=today,
            pain_nprs=morning.pain_nprs if morning is not None else None,
            stiffness_nprs=morning.stiffness_nprs if morning is not None else None,
            report_missing=morning is None,
            red_flags=list(red_flags) if red_flags is not None else None,
            usual_pain_nprs=decision.usual_pain_nprs,
            decision=decision.action.value,
            next_prescription_id=next_row.id,
            recorded_by=actor.account_id,
        ),
    )
    action = f"checkin.{decision.action.value}" if morning else "checkin.missing_report"
    repo.audit(
        tx,
        at=at,
        actor_account_id=actor.account_id,
        actor_role=actor.role.value,
        action=action,
        entity="checkin",
        entity_id=row.id,
        walker_id=walker.id,
        detail={"session_id": session_row.id, "prescription_version": next_row.version},
    )
    return row, decision, next_row


def hold_unreported_session(
    tx: Session,
    actor: Actor,
    walker: Walker,
    performed_at: datetime,
    at: datetime,
    policy: PolicyConfig,
) -> WalkSession | None:
    """Before a new session on a later day: decide the last one without its morning report;
    the session so decided (None: there was none).

    RULES §3: a missing next-morning report → hold. The decision is stored like any other,
    and a late report for that session is then refused (it was already decided). Its red-flag
    questions (§7.7) stay to be asked: :func:`~.pending_checkins.red_flags_unasked_since`.
    """
    previous = unreported_session(tx, walker, performed_at, planned=None)
    if previous is not None:
        decide_and_store(tx, actor, walker, previous, None, at, policy)
    return previous


def morning_checkin(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    data: CheckinIn | dict[str, object],
) -> CheckinOut:
    """Record the next-morning report, decide (clinical rules) and store the next plan.

    For a walker the server's clock says when it happened (``at`` is refused: a check-in is
    "now"); a clinician, the terminal or an import may give an earlier ``at``, never a later
    one than now."""
    checkin_in = parse(CheckinIn, data)
    clock = ctx.now()
    if checkin_in.at is not None and actor.role is Role.WALKER:
        raise InvalidRequest(
            "at: your check-in is recorded at the moment you send it; leave the time out.",
            field="at",
        )
    at = utc_now(checkin_in.at) if checkin_in.at is not None else clock
    if at > clock:
        raise InvalidRequest(
            f"at: {at.isoformat()} is in the future; a check-in is recorded once it is made.",
            field="at",
        )
    try:
        return _store_checkin(ctx, actor, walker_id, checkin_in, at)
    except Conflict as refused:
        if not checkin_in.new_red_flags:
            raise
        # The check-in cannot be stored, but a warning sign it names is never dropped
        # (RULES.md §7.7: reported at any time): it is kept as a red-flag report.
        report = report_red_flags(
            ctx,
            actor,
            walker_id,
            RedFlagReportIn(new_red_flags=checkin_in.new_red_flags, at=checkin_in.at),
        )
        raise RedFlagsKeptWithoutCheckin(refused, report) from refused


def _store_checkin(
    ctx: AppContext, actor: Actor, walker_id: int, checkin_in: CheckinIn, at: datetime
) -> CheckinOut:
    with ctx.db.transaction() as tx:
        walker = walker_for(tx, actor, walker_id)
        _, policy = policy_in(tx)
        if checkin_in.session_id is not None:
            session_row = repo.get(tx, WalkSession, checkin_in.session_id)
            if session_row is None or session_row.walker_id != walker.id:
                raise NotFound(
                    f"{walker_name(tx, walker)} has no session with id {checkin_in.session_id}."
                )
        else:
            session_row = repo.last_session(tx, walker.id)
            if session_row is None:
                raise Conflict("There is no session to check in for: log a session first.")
        existing = repo.checkin_for_session(tx, session_row.id)
        if existing is not None:
            if existing.report_missing:
                raise Conflict(
                    f"The session of {spoken_date(session_row.local_date)} was already decided "
                    "without a morning report (a later session was logged first)."
                )
            raise CheckinAlreadyGiven(
                f"The session of {spoken_date(session_row.local_date)} already has its "
                "morning check-in."
            )
        if at <= session_row.performed_at:
            raise InvalidRequest(
                f"at: the check-in ({at.isoformat()}) must come after the session "
                f"({session_row.performed_at.isoformat()}).",
                field="at",
            )
        opens = checkin_opens_at(session_row, walker, policy)
        if at < opens:
            # Dates and hours as every page says them ("Tuesday 6 January, from 6 in the
            # morning"), never ISO (found by the outside-in test: the API and the CLI
            # answered "opens on 2026-01-06", and then took a report minutes after midnight).
            raise CheckinNotOpen(checkin_not_open_message(session_row, walker, opens))
        before = restrictions_of(tx, walker, policy)
        row, decision, next_row = decide_and_store(
            tx,
            actor,
            walker,
            session_row,
            MorningReport(
                pain_nprs=checkin_in.pain_nprs,
                stiffness_nprs=checkin_in.stiffness_nprs,
                red_flags=frozenset(KneeRedFlag(f) for f in checkin_in.new_red_flags),
            ),
            at,
            policy,
            red_flags=tuple(dict.fromkeys(checkin_in.new_red_flags)),
        )
        after = record_added(
            tx, actor, walker, before, policy=policy, entity="checkin", entity_id=row.id, at=at
        )
        # The reply reads the rest day from the stored decision, as the history does.
        return checkin_out(row, decision.reasons, next_row).model_copy(
            update={"restrictions": active_out(tx, after)}
        )


def decision_reasons(row: PrescriptionRow | None) -> tuple[Reason, ...]:
    """The reasons stored with a decision's prescription version."""
    return reasons_of(row.reasons_json) if row is not None else ()
