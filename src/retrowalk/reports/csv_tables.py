"""Tidy CSV tables for record systems and researchers: one table per kind (sessions,
check-ins, red-flag reports, assessments, decisions), one row per record (decisions: one row
per reason), one walker or many, units in the column names.

Cells are written as stored: dates ISO 8601, instants in UTC, booleans ``true``/``false``,
an empty cell for "not recorded". Free text a person typed (a session note, a clearance
reason) that begins like a spreadsheet formula (``= + - @``, tab, carriage return) gets a
leading ``'`` so opening the file in a spreadsheet never runs it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

from retrowalk.clinical.measures.koos import KoosSubscale
from retrowalk.reports.decisions import decisions_of
from retrowalk.reports.errors import ReportInputError
from retrowalk.reports.record import AssessmentValues
from retrowalk.services.schemas import HistoryOut
from retrowalk.services.spreadsheet import plain_text_cell

SESSION_COLUMNS: Final[tuple[str, ...]] = (
    "walker_id",
    "session_id",
    "local_date",
    "performed_at_utc",
    "duration_min",
    "planned_duration_min",
    "speed_m_s",
    "planned_speed_m_s",
    "distance_m",
    "incline_pct",
    "planned_incline_pct",
    "surface",
    "supervised",
    "planned_supervised",
    "pain_before_nprs_0_10",
    "pain_peak_nprs_0_10",
    "pain_after_nprs_0_10",
    "effort_cr10_0_10",
    "adverse_events",
    "completed",
    "steps_count",
    "note",
)
CHECKIN_COLUMNS: Final[tuple[str, ...]] = (
    "walker_id",
    "checkin_id",
    "session_id",
    "local_date",
    "report_missing",
    "pain_nprs_0_10",
    "stiffness_nprs_0_10",
    "new_red_flags",
    "rest_day",
    "decision",
    "next_plan_version",
)
"""One row per next-morning check-in, and per session decided without one
(``report_missing``). ``rest_day``: the decision made a rest day (next-morning pain, RULES.md
§3 amendments), as stored with the decision — ``false`` on a missing report."""
RED_FLAG_REPORT_COLUMNS: Final[tuple[str, ...]] = (
    "walker_id",
    "red_flag_report_id",
    "local_date",
    "reported_at_utc",
    "new_red_flags",
    "recorded_by_role",
)
"""A red flag reported at any time, outside a check-in (RULES.md §7.7): the codes as the
check-ins' ``new_red_flags``, empty for "none of these"; ``recorded_by_role`` says who wrote
it down (``walker``, ``clinician`` or ``admin``, which the terminal acts as)."""
KOOS_COLUMNS: Final[dict[KoosSubscale, str]] = {s: f"koos_{s.value}_0_100" for s in KoosSubscale}
ASSESSMENT_COLUMNS: Final[tuple[str, ...]] = (
    "walker_id",
    "assessment_id",
    "local_date",
    "kind",
    "fall_risk",
    "tug_s",
    "chair_stand_count_30s",
    "chair_stand_used_arms",
    "tandem_stance_s",
    "backward_walk_3m_s",
    "backward_speed_m_s",
    "gait_speed_m_s",
    *KOOS_COLUMNS.values(),
    "rule_version",
)
DECISION_COLUMNS: Final[tuple[str, ...]] = (
    "walker_id",
    "decided_at_utc",
    "local_date",
    "record_kind",
    "record_id",
    "decision",
    "what",
    "rule_version",
    "reason_index",
    "reason_code",
    "reason_message",
    "reason_policy",
    "reason_extrapolation",
    "reason_sources",
)
"""One row per reason of each decision (a decision without reasons: one row). ``local_date``:
the walker's own date (her time zone), which orders the rows; ``decided_at_utc``: the moment
the decision's record was stored (every kind stores one), never a time made up from a date —
tests entered for an earlier day are timed when they were recorded."""
TABLES: Final[dict[str, tuple[str, ...]]] = {
    "sessions": SESSION_COLUMNS,
    "checkins": CHECKIN_COLUMNS,
    "red_flag_reports": RED_FLAG_REPORT_COLUMNS,
    "assessments": ASSESSMENT_COLUMNS,
    "decisions": DECISION_COLUMNS,
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, list | tuple):
        return ";".join(str(getattr(v, "value", v)) for v in value)
    return str(getattr(value, "value", value))


def _text(value: str | None) -> str | None:
    """Free text with a leading quote where a spreadsheet would read a formula."""
    return plain_text_cell(value) if value else value


def _write(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def _session_rows(h: HistoryOut) -> Iterable[dict[str, Any]]:
    for s in sorted(h.sessions, key=lambda s: (s.local_date, s.id)):
        yield {
            "walker_id": s.walker_id,
            "session_id": s.id,
            "local_date": s.local_date,
            "performed_at_utc": s.performed_at,
            "duration_min": s.duration_min,
            "planned_duration_min": s.planned_duration_min,
            "speed_m_s": s.speed_m_s,
            "planned_speed_m_s": s.planned_speed_m_s,
            "distance_m": s.distance_m,
            "incline_pct": s.incline_pct,
            "planned_incline_pct": s.planned_incline_pct,
            "surface": s.surface,
            "supervised": s.supervised,
            "planned_supervised": s.planned_supervised,
            "pain_before_nprs_0_10": s.pain_before_nprs,
            "pain_peak_nprs_0_10": s.pain_peak_nprs,
            "pain_after_nprs_0_10": s.pain_after_nprs,
            "effort_cr10_0_10": s.effort_cr10,
            "adverse_events": s.adverse_events,
            "completed": s.completed,
            "steps_count": s.steps,
            "note": _text(s.note),
        }


def _checkin_rows(h: HistoryOut) -> Iterable[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for c in h.checkins:
        rows.append(
            {
                "walker_id": c.walker_id,
                "checkin_id": c.id,
                "session_id": c.session_id,
                "local_date": c.local_date,
                "report_missing": False,
                "pain_nprs_0_10": c.pain_nprs,
                "stiffness_nprs_0_10": c.stiffness_nprs,
                "new_red_flags": c.new_red_flags,
                "rest_day": c.rest_day,
                "decision": c.decision,
                "next_plan_version": c.next_prescription.version if c.next_prescription else None,
            }
        )
    for m in h.missed_reports:
        rows.append(
            {
                "walker_id": m.walker_id,
                "checkin_id": m.id,
                "session_id": m.session_id,
                "local_date": m.local_date,
                "report_missing": True,
                "decision": m.decision,
                "next_plan_version": m.next_prescription.version if m.next_prescription else None,
            }
        )
    return sorted(rows, key=lambda r: (r["local_date"], r["checkin_id"]))


def _red_flag_report_rows(h: HistoryOut) -> Iterable[dict[str, Any]]:
    for r in sorted(h.red_flag_reports, key=lambda r: (r.created_at, r.id)):
        yield {
            "walker_id": r.walker_id,
            "red_flag_report_id": r.id,
            "local_date": r.local_date,
            "reported_at_utc": r.created_at,
            "new_red_flags": r.new_red_flags,
            "recorded_by_role": r.recorded_by_role.value if r.recorded_by_role else None,
        }


def _assessment_rows(
    h: HistoryOut, tests: Mapping[int, AssessmentValues]
) -> Iterable[dict[str, Any]]:
    for a in sorted(h.assessments, key=lambda a: (a.local_date, a.id)):
        values = tests.get(a.id)
        koos = a.scores.get("koos") if isinstance(a.scores.get("koos"), dict) else {}
        row: dict[str, Any] = {
            "walker_id": a.walker_id,
            "assessment_id": a.id,
            "local_date": a.local_date,
            "kind": a.kind,
            "fall_risk": a.fall_risk,
            "backward_speed_m_s": a.backward_speed_m_s,
            "rule_version": a.rule_version,
        }
        for subscale, column in KOOS_COLUMNS.items():
            score = (koos or {}).get(subscale.value)
            row[column] = float(score) if isinstance(score, int | float) else None
        if values is not None:
            row.update(
                {
                    "tug_s": values.tug_s,
                    "chair_stand_count_30s": values.chair_stand_count,
                    "chair_stand_used_arms": values.chair_stand_used_arms
                    if values.chair_stand_count is not None
                    else None,
                    "tandem_stance_s": values.tandem_stance_s,
                    "backward_walk_3m_s": values.backward_walk_3m_s,
                    "gait_speed_m_s": values.gait_speed_m_s,
                }
            )
        yield row


def _decision_rows(h: HistoryOut) -> Iterable[dict[str, Any]]:
    for d in decisions_of(h):
        base = {
            "walker_id": h.walker.id,
            "decided_at_utc": d.at,
            "local_date": d.day,
            "record_kind": d.record_kind,
            "record_id": d.record_id,
            "decision": d.decision,
            "what": _text(d.what),
            "rule_version": d.rule_version,
        }
        if not d.reasons:
            yield base
        for index, reason in enumerate(d.reasons, start=1):
            yield {
                **base,
                "reason_index": index,
                "reason_code": reason.code,
                "reason_message": reason.for_clinician,
                "reason_policy": reason.policy,
                "reason_extrapolation": reason.extrapolation,
                "reason_sources": reason.sources,
            }


def csv_tables(
    histories: Sequence[HistoryOut],
    *,
    tests: Mapping[int, AssessmentValues] | None = None,
) -> dict[str, str]:
    """The tables of :data:`TABLES` (name → CSV text) for the walkers of ``histories`` (one
    or all of a clinician's). ``tests``: assessment id → measured values (seam, see
    ``reports.record``); without them those columns stay empty. A walker given twice is
    refused."""
    ids = [h.walker.id for h in histories]
    if len(set(ids)) != len(ids):
        raise ReportInputError("a walker's history is given twice; give each walker once.")
    tests = tests or {}
    ordered = sorted(histories, key=lambda h: h.walker.id)
    return {
        "sessions": _write(SESSION_COLUMNS, (r for h in ordered for r in _session_rows(h))),
        "checkins": _write(CHECKIN_COLUMNS, (r for h in ordered for r in _checkin_rows(h))),
        "red_flag_reports": _write(
            RED_FLAG_REPORT_COLUMNS, (r for h in ordered for r in _red_flag_report_rows(h))
        ),
        "assessments": _write(
            ASSESSMENT_COLUMNS, (r for h in ordered for r in _assessment_rows(h, tests))
        ),
        "decisions": _write(DECISION_COLUMNS, (r for h in ordered for r in _decision_rows(h))),
    }


def csv_zip(tables: Mapping[str, str]) -> bytes:
    """The tables as one ZIP of ``<name>.csv`` files (fixed dates, so the bytes repeat)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(tables):
            info = zipfile.ZipInfo(f"{name}.csv", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, tables[name].encode("utf-8"))
    return out.getvalue()
