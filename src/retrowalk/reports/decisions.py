"""Every decision in a record with its reasons, oldest first: the PDF lists them, the CSV
table ``decisions`` has one row per reason. The same sources as the clinician's page
(screenings, assessments, plan versions, check-ins, missed reports, red-flag reports,
clearances).

Each decision is dated by the walker's own calendar date (her time zone, as every other
record), and timed by the moment its record was stored — a screening at 23:30 in Honolulu is
on the walker's day, not the next UTC day, and no time is made up from a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from retrowalk.clinical.norms import NPRS_MAX
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.red_flags import (
    CLINICIAN_NAMES,
    KneeRedFlag,
    by_urgency,
    red_flag_for_clinician,
)
from retrowalk.present import vocabulary as vocab
from retrowalk.reports.warning_signs import NONE_NEW, RECORDED_BY
from retrowalk.services.clock import local_date
from retrowalk.services.schemas import HistoryOut, RedFlagReportOut


@dataclass(frozen=True)
class Decision:
    """One decision: when, from which record, what was decided, and why."""

    at: datetime
    """When it was made (UTC): the stored time its record was written (``created_at``), never
    one made up from a date. Every kind of record stores one."""
    day: date
    """The walker's local date: the record's own (a check-in, a plan's first day, the tests'
    day), else the date of ``at`` in the walker's time zone (a screening, a clearance)."""
    record_kind: str
    """``screening``, ``assessment``, ``plan``, ``checkin``, ``missed_report``,
    ``red_flag_report``, ``clearance``."""
    record_id: int
    decision: str
    """The code (``progress``, ``cleared``, ``high`` …)."""
    what: str
    """The decision in words."""
    reasons: tuple[Reason, ...]
    rule_version: str | None = None


def red_flag_report_words(report: RedFlagReportOut) -> str:
    """A red-flag report as a line of the decisions: who recorded it, and what it named (a
    red flag stops and refers, RULES.md §7.7; "none of these" lifts nothing, §7.1)."""
    who = RECORDED_BY[report.recorded_by_role]
    if not report.new_red_flags:
        return f"Red-flag report ({who}): {NONE_NEW}; it lifts nothing"
    names = "; ".join(CLINICIAN_NAMES[f] for f in by_urgency(report.new_red_flags))
    return f"Red-flag report ({who}): {names} → stop and refer"


def red_flag_report_reasons(report: RedFlagReportOut) -> tuple[Reason, ...]:
    """One reason per flag, most urgent first, in the clinician's words with its sources."""
    return tuple(
        Reason(
            code=f"report.red_flag.{f.value}",
            message=f"Red flag: {red_flag_for_clinician(f)}.",
            sources=f.info.sources,
            policy=f is KneeRedFlag.KNEE_GIVING_WAY,
        )
        for f in by_urgency(report.new_red_flags)
    )


def decisions_of(record: HistoryOut) -> list[Decision]:
    """The decisions of ``record``, oldest first: by the walker's date, then the time each was
    stored (ties: by kind, then id)."""
    zone = record.walker.timezone
    found: list[Decision] = []
    for s in record.screenings:
        found.append(
            Decision(
                at=s.created_at,
                day=local_date(s.created_at, zone),
                record_kind="screening",
                record_id=s.id,
                decision=s.outcome,
                what=f"Screening: {s.outcome.replace('_', ' ')}",
                reasons=s.reasons,
                rule_version=s.rule_version,
            )
        )
    for a in record.assessments:
        found.append(
            Decision(
                at=a.created_at,
                day=a.local_date,
                record_kind="assessment",
                record_id=a.id,
                decision=a.fall_risk or "no_fall_risk_test",
                what=f"Assessment ({a.kind}): "
                + (vocab.FALL_RISKS.short(a.fall_risk) if a.fall_risk else "no fall-risk test"),
                reasons=a.reasons,
                rule_version=a.rule_version,
            )
        )
    for p in record.prescriptions:
        found.append(
            Decision(
                at=p.created_at,
                day=p.effective_from,
                record_kind="plan",
                record_id=p.id,
                decision=p.decision,
                what=f"Plan v{p.version}: {vocab.DECISIONS.short(p.decision)} — "
                f"{p.duration_min:g} min at {p.speed_m_s:.2f} m/s",
                reasons=p.reasons,
                rule_version=p.rule_version,
            )
        )
    for c in record.checkins:
        found.append(
            Decision(
                at=c.created_at,
                day=c.local_date,
                record_kind="checkin",
                record_id=c.id,
                decision=c.decision,
                what=f"Check-in: next-morning pain {c.pain_nprs}/{NPRS_MAX} → "
                f"{vocab.DECISIONS.short(c.decision)}" + (" (rest day)" if c.rest_day else ""),
                reasons=c.reasons,
            )
        )
    for m in record.missed_reports:
        found.append(
            Decision(
                at=m.created_at,
                day=m.local_date,
                record_kind="missed_report",
                record_id=m.id,
                decision=m.decision,
                what=f"No morning report → {vocab.DECISIONS.short(m.decision)}",
                reasons=m.reasons,
            )
        )
    for r in record.red_flag_reports:
        found.append(
            Decision(
                at=r.created_at,
                day=r.local_date,
                record_kind="red_flag_report",
                record_id=r.id,
                decision="red_flag" if r.new_red_flags else "none_new",
                what=red_flag_report_words(r),
                reasons=red_flag_report_reasons(r),
            )
        )
    for cl in record.clearances:
        found.append(
            Decision(
                at=cl.created_at,
                day=local_date(cl.created_at, zone),
                record_kind="clearance",
                record_id=cl.id,
                decision="cleared",
                what=f"Cleared ({cl.scope.replace('_', ' ')}): {cl.reason}",
                reasons=(),
            )
        )
    found.sort(key=lambda d: (d.day, d.at, d.record_kind, d.record_id))
    return found
