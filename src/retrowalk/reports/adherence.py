"""Sessions done against sessions planned, per week of a report's period.

Arithmetic on the record, not a clinical rule: a week's plan is the plan version in force on
the week's first day (its ``sessions_per_week``); where no version is known for that day the
planned count is unknown (``None``), never guessed. The last week may be shorter than seven
days: its planned count is then unknown too (a part of a week's plan is not a number anyone
prescribed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from retrowalk.services.schemas import HistoryOut, PrescriptionOut

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class WeekAdherence:
    starts_on: date
    ends_on: date
    sessions_done: int
    sessions_completed: int
    minutes_done: float
    sessions_planned: int | None
    alone_when_supervision_planned: int


@dataclass(frozen=True)
class Adherence:
    weeks: tuple[WeekAdherence, ...]
    sessions_done: int
    """Every session of the period."""
    sessions_planned: int | None
    """Planned over the weeks whose plan is known (``None``: no such week)."""
    sessions_done_in_planned_weeks: int
    """Sessions done in those same weeks (the numerator of :attr:`percent`)."""

    @property
    def percent(self) -> float | None:
        if not self.sessions_planned:
            return None
        return 100.0 * self.sessions_done_in_planned_weeks / self.sessions_planned


def _plan_on(day: date, plans: list[PrescriptionOut]) -> PrescriptionOut | None:
    in_force = [p for p in plans if p.effective_from <= day]
    return max(in_force, key=lambda p: (p.effective_from, p.version)) if in_force else None


def adherence_of(record: HistoryOut, current: PrescriptionOut | None = None) -> Adherence:
    """Backward-walking sessions per week of ``record.since``–``record.until``."""
    plans = list(record.prescriptions) + ([current] if current is not None else [])
    weeks: list[WeekAdherence] = []
    start = record.since
    while start <= record.until:
        end = min(start + timedelta(days=DAYS_PER_WEEK - 1), record.until)
        done = [s for s in record.sessions if start <= s.local_date <= end]
        plan = _plan_on(start, plans)
        full_week = (end - start).days + 1 == DAYS_PER_WEEK
        weeks.append(
            WeekAdherence(
                starts_on=start,
                ends_on=end,
                sessions_done=len(done),
                sessions_completed=sum(1 for s in done if s.completed),
                minutes_done=sum(s.duration_min for s in done),
                sessions_planned=plan.sessions_per_week if plan and full_week else None,
                alone_when_supervision_planned=sum(
                    1 for s in done if s.planned_supervised and not s.supervised
                ),
            )
        )
        start = end + timedelta(days=1)
    known = [w for w in weeks if w.sessions_planned is not None]
    return Adherence(
        weeks=tuple(weeks),
        sessions_done=sum(w.sessions_done for w in weeks),
        sessions_planned=sum(w.sessions_planned or 0 for w in known) if known else None,
        sessions_done_in_planned_weeks=sum(w.sessions_done for w in known),
    )
