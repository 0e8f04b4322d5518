"""Logging a session — idempotent on the client's key, so a retry never doubles it.

A phone that lost its connection after sending resends the same ``client_key``: the first
stored session comes back (``created=False``) and nothing is written twice.

A session is refused (:class:`~retrowalk.services.errors.NotReadyToWalk`) while the walker
may not start yet: not screened, stopped by a red flag, no plan, or awaiting a clinician's
clearance. A session reporting an adverse event is always stored once a plan exists: safety
data is never thrown away.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from retrowalk.clinical.prescription import must_be_supervised
from retrowalk.clinical.screening import ScreeningOutcome
from retrowalk.services.access import walker_for
from retrowalk.services.checkins import hold_unreported_session
from retrowalk.services.clock import local_date, utc_now
from retrowalk.services.convert import session_out
from retrowalk.services.errors import Conflict, NotReadyToWalk, parse
from retrowalk.services.plans import clinical_prescription, open_adverse_event_review
from retrowalk.services.schemas import Actor, SessionIn, SessionOut
from retrowalk.store import Database
from retrowalk.store import repositories as repo
from retrowalk.store.models import Prescription, Walker, WalkSession

NOT_SCREENED = "No session can be logged yet: answer the screening questions first."
RED_FLAG = (
    "No session can be logged: the screening found a red flag, so backward walking waits "
    "for a doctor's referral."
)
NO_PLAN = (
    "No session can be logged yet: do the baseline tests (the 3-metre backward walk, the "
    "Timed Up and Go test and the others) and make the plan first."
)
AWAITING_CLEARANCE = (
    "No session can be logged yet: a clinician must clear you before the first session."
)


def start_blocker(
    session: Session, walker: Walker, plan: Prescription | None, adverse_event: bool
) -> str | None:
    """Why the walker may not log a session yet (what must happen first), or None.

    A reported adverse event is stored whenever a plan exists, whatever else holds: a fall
    must reach the clinician even when the walker should not have been walking.
    """
    if plan is not None and adverse_event:
        return None
    screening = repo.latest_screening(session, walker.id)
    if screening is None:
        return NOT_SCREENED
    if screening.outcome == ScreeningOutcome.STOP_AND_REFER.value:
        return RED_FLAG
    if plan is None:
        return NO_PLAN
    if plan.awaiting_clearance:
        return AWAITING_CLEARANCE
    return None


def log_session(
    db: Database,
    actor: Actor,
    walker_id: int,
    data: SessionIn | dict[str, object],
    *,
    now: datetime | None = None,
) -> SessionOut:
    """Store one session with what was planned next to what was done."""
    session_in = parse(SessionIn, data)
    at = utc_now(now)
    performed_at = utc_now(session_in.performed_at) if session_in.performed_at else at
    try:
        with db.transaction() as session:
            walker = walker_for(session, actor, walker_id)
            existing = repo.session_by_client_key(session, walker.id, session_in.client_key)
            if existing is not None:
                return session_out(existing, created=False)
            plan = repo.latest_prescription(session, walker.id)
            blocker = start_blocker(session, walker, plan, bool(session_in.adverse_events))
            if blocker is not None:
                raise NotReadyToWalk(blocker)
            hold_unreported_session(session, actor, walker, performed_at, at)
            plan = repo.latest_prescription(session, walker.id)
            planned_supervised = (
                must_be_supervised(
                    clinical_prescription(plan),
                    repo.count_sessions(session, walker.id),
                    open_adverse_event_review(session, walker.id),
                )
                if plan is not None
                else None
            )
            row = repo.add(
                session,
                WalkSession(
                    walker_id=walker.id,
                    client_key=session_in.client_key,
                    prescription_id=plan.id if plan is not None else None,
                    performed_at=performed_at,
                    local_date=local_date(performed_at, walker.timezone),
                    logged_at=at,
                    planned_duration_min=plan.duration_min if plan else None,
                    planned_speed_m_s=plan.speed_m_s if plan else None,
                    planned_incline_pct=plan.incline_pct if plan else None,
                    planned_surface=plan.surface if plan else None,
                    planned_supervised=planned_supervised,
                    duration_min=session_in.duration_min,
                    speed_m_s=session_in.speed_m_s,
                    distance_m=session_in.distance_m,
                    incline_pct=session_in.incline_pct,
                    surface=session_in.surface.value,
                    supervised=session_in.supervised,
                    pain_before_nprs=session_in.pain_before_nprs,
                    pain_peak_nprs=session_in.pain_peak_nprs,
                    pain_after_nprs=session_in.pain_after_nprs,
                    effort_cr10=session_in.effort_cr10,
                    adverse_events=[e.value for e in session_in.adverse_events],
                    completed=session_in.completed,
                    note=session_in.note,
                    recorded_by=actor.account_id,
                ),
            )
            repo.audit(
                session,
                at=at,
                actor_account_id=actor.account_id,
                actor_role=actor.role.value,
                action="session.log",
                entity="session",
                entity_id=row.id,
                walker_id=walker.id,
                detail={"client_key": row.client_key},
            )
            return session_out(row)
    except IntegrityError:
        # Two submissions raced: the other one committed first. Return it.
        with db.reader() as session:
            existing = repo.session_by_client_key(session, walker_id, session_in.client_key)
            if existing is None:
                raise Conflict(
                    f"The session {session_in.client_key!r} could not be stored; try again."
                ) from None
            return session_out(existing, created=False)
