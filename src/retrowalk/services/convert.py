"""Rows of the store → the frozen output models of :mod:`retrowalk.services.schemas`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrowalk.clinical.reasons import Reason
from retrowalk.services.schemas import (
    AccountOut,
    AssessmentOut,
    CheckinOut,
    ClearanceOut,
    MissedReportOut,
    NoteOut,
    PrescriptionOut,
    RedFlagReportOut,
    Role,
    ScreeningOut,
    SessionOut,
    WalkerOut,
)
from retrowalk.store.models import (
    Account,
    Assessment,
    Checkin,
    Clearance,
    ClinicianNote,
    Prescription,
    RedFlagReport,
    Screening,
    Walker,
    WalkSession,
)


def reasons_of(data: Any) -> tuple[Reason, ...]:
    """Stored reason dicts back into :class:`Reason` objects."""
    return tuple(Reason.model_validate(item) for item in data or ())


def account_out(account: Account) -> AccountOut:
    return AccountOut(
        id=account.id,
        email=account.email,
        display_name=account.display_name,
        role=Role(account.role),
        has_password=account.password_hash is not None,
        created_at=account.created_at,
    )


def walker_out(walker: Walker, account: Account) -> WalkerOut:
    return WalkerOut.model_validate(
        {
            "id": walker.id,
            "account_id": account.id,
            "email": account.email,
            "display_name": account.display_name,
            "age_years": walker.age_years,
            "sex": walker.sex,
            "knee_condition": walker.knee_condition,
            "knee_side": walker.knee_side,
            "timezone": walker.timezone,
            "clinician_id": walker.clinician_id,
            "created_at": walker.created_at,
        }
    )


def screening_out(row: Screening) -> ScreeningOut:
    return ScreeningOut(
        id=row.id,
        walker_id=row.walker_id,
        created_at=row.created_at,
        outcome=row.outcome,
        clearance_required=row.clearance_required,
        reasons=reasons_of(row.result_json.get("reasons")),
        result=row.result_json,
        answers=row.answers_json or {},
        rule_version=row.rule_version,
    )


def assessment_out(row: Assessment) -> AssessmentOut:
    reasons: list[Any] = []
    for part in row.scores_json.values():
        if isinstance(part, dict):
            reasons.extend(part.get("reasons", ()))
    level = (row.scores_json.get("fall_risk") or {}).get("level")
    return AssessmentOut(
        id=row.id,
        walker_id=row.walker_id,
        created_at=row.created_at,
        local_date=row.local_date,
        kind=row.kind,
        fall_risk=level if level in ("low", "high", "not_known") else None,
        high_fall_risk=row.high_fall_risk,
        backward_speed_m_s=row.backward_speed_m_s,
        scores=row.scores_json,
        reasons=reasons_of(reasons),
        answers=row.answers_json or {},
        rule_version=row.rule_version,
    )


def prescription_out(row: Prescription) -> PrescriptionOut:
    return PrescriptionOut.model_validate(
        {
            "id": row.id,
            "walker_id": row.walker_id,
            "version": row.version,
            "created_at": row.created_at,
            "effective_from": row.effective_from,
            "decision": row.decision,
            "duration_min": row.duration_min,
            "speed_m_s": row.speed_m_s,
            "incline_pct": row.incline_pct,
            "surface": row.surface,
            "supervision": row.supervision,
            "supervised_first_sessions": row.supervised_first_sessions,
            "high_fall_risk": row.high_fall_risk,
            "sessions_per_week": row.sessions_per_week,
            "reasons": row.reasons_json or (),  # validated into Reason by the model itself
            "rule_version": row.rule_version,
            "policy_version": row.policy_version,
            "made_by": row.made_by,
            "details": row.prescription_json,
        }
    )


SESSION_OUT_COLUMNS = (
    "id",
    "walker_id",
    "client_key",
    "prescription_id",
    "performed_at",
    "local_date",
    "logged_at",
    "planned_duration_min",
    "planned_speed_m_s",
    "planned_incline_pct",
    "planned_surface",
    "planned_supervised",
    "duration_min",
    "speed_m_s",
    "distance_m",
    "incline_pct",
    "surface",
    "supervised",
    "pain_before_nprs",
    "pain_peak_nprs",
    "pain_after_nprs",
    "effort_cr10",
    "completed",
    "note",
    "steps",
    "another_today",
)
"""The session's columns :class:`SessionOut` shows as stored (``adverse_events`` apart)."""


def session_out(
    row: WalkSession, *, created: bool = True, notices: tuple[str, ...] = ()
) -> SessionOut:
    return session_out_of(
        {name: getattr(row, name) for name in (*SESSION_OUT_COLUMNS, "walked_against")},
        tuple(row.adverse_events),
        created=created,
        notices=notices,
    )


REST_DAY_REASON = "progression.rest_day"
"""The code of the reason a decision gives when next-morning pain makes a rest day
(``clinical.pain_monitoring.is_rest_day``)."""


def started_rest_day(next_rx: Prescription | None) -> bool:
    """Whether the decision stored with this plan version made a rest day.

    Read from what the decision stored (its ``rest_day``, or on a version stored without that
    field its rest-day reason), not recomputed: the history, the exports and the check-in's
    own reply then say the same, whatever the policy has become since."""
    if next_rx is None:
        return False
    return rest_day_stored(next_rx.decision_json, next_rx.reasons_json)


def rest_day_stored(decision_json: Any, reasons_json: Any) -> bool:
    """:func:`started_rest_day` on a plan version's stored columns (the walker's download
    reads them as columns, without an ORM object)."""
    flag = decision_json.get("rest_day") if isinstance(decision_json, dict) else None
    if isinstance(flag, bool):
        return flag
    return any(isinstance(r, dict) and r.get("code") == REST_DAY_REASON for r in reasons_json or ())


def session_out_of(
    columns: Mapping[str, Any],
    adverse_events: tuple[str, ...],
    *,
    created: bool = True,
    notices: tuple[str, ...] = (),
) -> SessionOut:
    """A session as stored, from its column values (a row inserted without an ORM object,
    :func:`retrowalk.store.repositories.insert_session`, has no object to read them from)."""
    data = {name: columns[name] for name in SESSION_OUT_COLUMNS}
    data.update(
        adverse_events=adverse_events,
        walked_against=columns.get("walked_against") or (),
        created=created,
        notices=notices,
    )
    return SessionOut.model_validate(data)


def checkin_out(
    row: Checkin, decision_reasons: tuple[Reason, ...], next_rx: Prescription | None
) -> CheckinOut:
    assert row.pain_nprs is not None, "a missing report is shown as MissedReportOut"
    return CheckinOut(
        id=row.id,
        walker_id=row.walker_id,
        session_id=row.session_id,
        created_at=row.created_at,
        local_date=row.local_date,
        pain_nprs=row.pain_nprs,
        stiffness_nprs=row.stiffness_nprs,
        new_red_flags=tuple(row.red_flags or ()),
        decision=row.decision,
        reasons=decision_reasons,
        next_prescription=prescription_out(next_rx) if next_rx is not None else None,
        rest_day=started_rest_day(next_rx),
    )


def red_flag_report_out(
    row: RedFlagReport, recorded_by_role: str | None = None
) -> RedFlagReportOut:
    """The report; ``recorded_by_role``: the role of the account that recorded it."""
    return RedFlagReportOut(
        id=row.id,
        walker_id=row.walker_id,
        created_at=row.created_at,
        local_date=row.local_date,
        new_red_flags=tuple(row.red_flags),
        recorded_by_role=Role(recorded_by_role) if recorded_by_role is not None else None,
    )


def missed_report_out(
    row: Checkin, decision_reasons: tuple[Reason, ...], next_rx: Prescription | None
) -> MissedReportOut:
    return MissedReportOut(
        id=row.id,
        walker_id=row.walker_id,
        session_id=row.session_id,
        created_at=row.created_at,
        local_date=row.local_date,
        decision=row.decision,
        reasons=decision_reasons,
        next_prescription=prescription_out(next_rx) if next_rx is not None else None,
    )


def clearance_out(row: Clearance) -> ClearanceOut:
    return ClearanceOut(
        id=row.id,
        walker_id=row.walker_id,
        cleared_by=row.cleared_by,
        created_at=row.created_at,
        scope=row.scope,
        reason=row.reason,
    )


def note_out(row: ClinicianNote) -> NoteOut:
    return NoteOut(
        id=row.id,
        walker_id=row.walker_id,
        author_id=row.author_id,
        created_at=row.created_at,
        text=row.text,
    )
