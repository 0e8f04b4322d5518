"""A report's period: the dates a clinician chooses, cut out of a walker's history.

``services.history.walker_history`` gives the last N weeks up to today; a report covers a
chosen ``since``–``until``. Until the use case takes those dates itself, :func:`weeks_covering`
says how many weeks to ask for and :func:`within` keeps the records inside the period
(the walker's local dates). Nothing is clamped: a period the history does not cover is
refused with a sentence.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, model_validator

from retrowalk.reports.errors import ReportInputError
from retrowalk.services.clock import YEARS_ALLOWED, in_years
from retrowalk.services.history import MAX_WEEKS
from retrowalk.services.schemas import HistoryOut

DAYS_PER_WEEK = 7


class Period(BaseModel):
    """The walker's local dates ``since``–``until``, both included."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    since: date
    until: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        for name in ("since", "until"):
            if not in_years(getattr(self, name)):
                raise ValueError(f"{name} must be {YEARS_ALLOWED}")
        if self.since > self.until:
            raise ValueError("since must be on or before until")
        return self

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def label(self) -> str:
        return f"{self.since.isoformat()} to {self.until.isoformat()}"


def period(since: date, until: date) -> Period:
    """A :class:`Period`, or :class:`ReportInputError` with a sentence (never a traceback).

    The sentences say "first day" and "last day", the words of every adapter (the web's From
    and To boxes, the CLI's ``--from`` and ``--to``), each of which names its own box or flag
    from the error's ``field``."""
    for name, day, words in (("since", since, "first day"), ("until", until, "last day")):
        if not in_years(day):
            raise ReportInputError(
                f"{name}: the {words} ({day.isoformat()}) must be {YEARS_ALLOWED}", field=name
            )
    if since > until:
        raise ReportInputError(
            f"period: the first day ({since.isoformat()}) is after the last day "
            f"({until.isoformat()}); choose a first day on or before the last",
            field="period",
        )
    return Period(since=since, until=until)


def weeks_covering(chosen: Period, today: date) -> int:
    """The ``weeks`` to pass to ``walker_history`` so that its window starts on or before
    ``chosen.since`` (its window ends on the walker's ``today``)."""
    if chosen.until > today:
        raise ReportInputError(
            f"until: the last day ({chosen.until.isoformat()}) is after today "
            f"({today.isoformat()}); a report covers days that have happened",
            field="until",
        )
    weeks = max(1, math.ceil(((today - chosen.since).days + 1) / DAYS_PER_WEEK))
    if weeks > MAX_WEEKS:
        raise ReportInputError(
            f"since: the first day ({chosen.since.isoformat()}) is more than {MAX_WEEKS} weeks "
            "ago; choose a later first day",
            field="since",
        )
    return weeks


def _local(instant: datetime, timezone: str) -> date:
    return instant.astimezone(ZoneInfo(timezone)).date()


def within(record: HistoryOut, chosen: Period) -> HistoryOut:
    """``record`` with only what happened in ``chosen`` (walker's local dates).

    Screenings are kept whole (the screening outcome and its restrictions hold until a
    clinician lifts them), as are the restrictions, which describe today."""
    if chosen.since < record.since or chosen.until > record.until:
        raise ReportInputError(
            f"period {chosen.label()} is not inside the history given "
            f"({record.since.isoformat()} to {record.until.isoformat()}); ask the history "
            "for more weeks.",
            field="period",
        )
    tz = record.walker.timezone

    def inside(day: date) -> bool:
        return chosen.since <= day <= chosen.until

    return record.model_copy(
        update={
            "since": chosen.since,
            "until": chosen.until,
            "sessions": tuple(s for s in record.sessions if inside(s.local_date)),
            "checkins": tuple(c for c in record.checkins if inside(c.local_date)),
            "missed_reports": tuple(m for m in record.missed_reports if inside(m.local_date)),
            "red_flag_reports": tuple(r for r in record.red_flag_reports if inside(r.local_date)),
            "prescriptions": tuple(
                p for p in record.prescriptions if inside(_local(p.created_at, tz))
            ),
            "assessments": tuple(a for a in record.assessments if inside(a.local_date)),
            "clearances": tuple(c for c in record.clearances if inside(_local(c.created_at, tz))),
            "notes": tuple(n for n in record.notes if inside(_local(n.created_at, tz))),
        }
    )
