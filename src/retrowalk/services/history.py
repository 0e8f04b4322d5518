"""A walker's record over recent weeks: sessions, check-ins with decisions, red-flag reports,
plan versions."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from retrowalk.services.access import walker_for
from retrowalk.services.clock import local_date
from retrowalk.services.context import AppContext
from retrowalk.services.convert import (
    assessment_out,
    checkin_out,
    clearance_out,
    missed_report_out,
    note_out,
    prescription_out,
    reasons_of,
    red_flag_report_out,
    screening_out,
    session_out,
    walker_out,
)
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.policies import policy_in
from retrowalk.services.restrictions import restrictions_of, restrictions_out
from retrowalk.services.schemas import Actor, HistoryOut, RedFlagReportOut, Role
from retrowalk.store import repositories as repo
from retrowalk.store.models import Account, Prescription, Walker

MAX_WEEKS = 520


def walker_history(ctx: AppContext, actor: Actor, walker_id: int, *, weeks: int = 12) -> HistoryOut:
    """Everything recorded for the walker in the last ``weeks`` weeks (their local dates)."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidRequest(
            f"weeks: {weeks} is not allowed; expected 1 to {MAX_WEEKS}.", field="weeks"
        )
    at = ctx.now()
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        _, policy = policy_in(tx)
        account = repo.get(tx, Account, walker.account_id)
        assert account is not None
        until = local_date(at, walker.timezone)
        since = until - timedelta(weeks=weeks) + timedelta(days=1)
        sessions = repo.walk_sessions(tx, walker.id, since=since, until=until)
        checkins = repo.checkins(tx, walker.id, since=since, until=until)
        versions = repo.prescriptions(tx, walker.id, effective_since=since)
        by_id = {p.id: p for p in versions}
        checkin_views = []
        missed = []
        for c in checkins:
            nxt = by_id.get(c.next_prescription_id or -1)
            if nxt is None and c.next_prescription_id is not None:
                nxt = repo.get(tx, Prescription, c.next_prescription_id)
            reasons = reasons_of(nxt.reasons_json) if nxt else ()
            if c.report_missing:
                missed.append(missed_report_out(c, reasons, nxt))
            else:
                checkin_views.append(checkin_out(c, reasons, nxt))
        staff = actor.role in (Role.CLINICIAN, Role.ADMIN)
        return HistoryOut(
            walker=walker_out(walker, account),
            since=since,
            until=until,
            sessions=tuple(session_out(s) for s in sessions),
            checkins=tuple(checkin_views),
            missed_reports=tuple(missed),
            red_flag_reports=_red_flag_reports(tx, walker, since, until),
            prescriptions=tuple(prescription_out(p) for p in versions),
            assessments=tuple(
                assessment_out(a) for a in repo.assessments(tx, walker.id, since=since)
            ),
            screenings=tuple(screening_out(s) for s in repo.screenings(tx, walker.id)),
            clearances=tuple(clearance_out(c) for c in repo.clearances(tx, walker.id)),
            notes=tuple(note_out(n) for n in repo.notes(tx, walker.id)) if staff else (),
            restrictions=restrictions_out(tx, walker, restrictions_of(tx, walker, policy)),
        )


def _red_flag_reports(
    tx: Session, walker: Walker, since: date, until: date
) -> tuple[RedFlagReportOut, ...]:
    """The walker's red-flag reports in the window, each with who recorded it (the walker,
    her clinician or an administrator: the exports say so)."""
    rows = repo.red_flag_reports(tx, walker.id, since=since, until=until)
    roles: dict[int, str] = {}
    for account_id in {r.recorded_by for r in rows if r.recorded_by is not None}:
        account = repo.get(tx, Account, account_id)
        if account is not None:
            roles[account_id] = account.role
    return tuple(
        red_flag_report_out(r, roles.get(r.recorded_by) if r.recorded_by is not None else None)
        for r in rows
    )
