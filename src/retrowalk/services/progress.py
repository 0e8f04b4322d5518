"""Week-by-week progress of one walker: the numbers behind the progress chart."""

from __future__ import annotations

from datetime import date, timedelta
from statistics import fmean

from pydantic import BaseModel, ConfigDict

from retrowalk.services.context import AppContext
from retrowalk.services.history import walker_history
from retrowalk.services.schemas import Actor


class WeekProgress(BaseModel):
    """One calendar week (Monday first, the walker's local dates)."""

    model_config = ConfigDict(frozen=True)

    week_start: date
    sessions: int
    minutes_total: float
    pain_peak_mean_nprs: float | None
    morning_pain_mean_nprs: float | None
    speed_mean_m_s: float | None


def weekly_progress(
    ctx: AppContext, actor: Actor, walker_id: int, *, weeks: int = 12
) -> list[WeekProgress]:
    """Sessions, minutes, mean peak pain, morning pain and speed per week, oldest first."""
    record = walker_history(
        ctx,
        actor,
        walker_id,
        weeks=weeks,
    )
    first = record.since - timedelta(days=record.since.weekday())
    starts = [first + timedelta(weeks=i) for i in range((record.until - first).days // 7 + 1)]
    morning = {c.session_id: c.pain_nprs for c in record.checkins}
    rows = []
    for start in starts:
        week = [s for s in record.sessions if start <= s.local_date < start + timedelta(weeks=1)]
        # a 0-minute session (stopped before walking) walked at no speed
        speeds = [s.speed_m_s for s in week if s.speed_m_s is not None and s.duration_min > 0]
        mornings = [morning[s.id] for s in week if s.id in morning]
        rows.append(
            WeekProgress(
                week_start=start,
                sessions=len(week),
                minutes_total=sum(s.duration_min for s in week),
                pain_peak_mean_nprs=fmean(s.pain_peak_nprs for s in week) if week else None,
                morning_pain_mean_nprs=fmean(mornings) if mornings else None,
                speed_mean_m_s=fmean(speeds) if speeds else None,
            )
        )
    while rows and rows[0].sessions == 0:
        rows.pop(0)
    return rows
