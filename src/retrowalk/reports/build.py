"""A report's record, fetched through the use cases: the one place the web and the CLI get it.

Each function reads what a report shows through the services (which check access: a
clinician reaches only their own walkers), cuts it to the chosen period and checks that it
is one walker's (:func:`retrowalk.reports.record.walker_record`). The renderers then turn it
into a PDF, a FHIR bundle or CSV tables.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from retrowalk.clinical.screening import ScreeningAnswers
from retrowalk.reports.errors import ReportInputError
from retrowalk.reports.period import Period, period, weeks_covering, within
from retrowalk.reports.record import (
    AssessmentValues,
    ExerciseAdherence,
    WalkerRecord,
    walker_record,
)
from retrowalk.services import exercise_log, history, plans, policies, walkers
from retrowalk.services.clock import local_date
from retrowalk.services.context import AppContext
from retrowalk.services.exercise_log import WEEKS_MAX
from retrowalk.services.schemas import Actor, HistoryOut

DEFAULT_WEEKS = 12
"""A report covers the last twelve weeks unless the clinician chooses other dates."""


def choose_period(
    ctx: AppContext, actor: Actor, walker_id: int, since: date | None, until: date | None
) -> Period:
    """The dates asked for, or the last :data:`DEFAULT_WEEKS` weeks to the walker's today —
    from the day she was enrolled when that is later (found by the outside-in test: a report of
    a walker of one week had eleven weeks of "0 sessions" before she joined)."""
    walker = walkers.get_walker(ctx, actor, walker_id)
    today = local_date(ctx.now(), walker.timezone)
    end = until or today
    start = since
    if start is None:
        default = end - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1)
        start = max(default, min(_first_day(ctx, actor, walker_id, walker.created_at), end))
    return period(start, end)


def _first_day(ctx: AppContext, actor: Actor, walker_id: int, enrolled_at: datetime) -> date:
    """The walker's first day on record: her enrolment, or an earlier day a record names (a
    session walked the day before she was enrolled and logged late, an imported record)."""
    walker = walkers.get_walker(ctx, actor, walker_id)
    record = history.walker_history(ctx, actor, walker_id, weeks=DEFAULT_WEEKS)
    days = [local_date(enrolled_at, walker.timezone)]
    days += [s.local_date for s in record.sessions]
    days += [c.local_date for c in record.checkins]
    days += [a.local_date for a in record.assessments]
    days += [p.effective_from for p in record.prescriptions]
    return min(days)


def _history(ctx: AppContext, actor: Actor, walker_id: int, chosen: Period) -> HistoryOut:
    walker = walkers.get_walker(ctx, actor, walker_id)
    today = local_date(ctx.now(), walker.timezone)
    weeks = weeks_covering(chosen, today)
    return within(history.walker_history(ctx, actor, walker_id, weeks=weeks), chosen)


def _exercises(ctx: AppContext, actor: Actor, walker_id: int, chosen: Period) -> ExerciseAdherence:
    """Days with exercises done against planned, over the calendar weeks touching ``chosen``."""
    walker = walkers.get_walker(ctx, actor, walker_id)
    weeks = weeks_covering(chosen, local_date(ctx.now(), walker.timezone)) + 1
    found = exercise_log.exercise_adherence(ctx, actor, walker_id, weeks=min(weeks, WEEKS_MAX))
    inside = [
        w for w in found.weeks if chosen.since - timedelta(days=6) <= w.week_start <= chosen.until
    ]
    return ExerciseAdherence(
        sessions_done=sum(w.days_done for w in inside),
        sessions_planned=sum(w.days_planned for w in inside),
        weeks=len(inside),
    )


def report_record(ctx: AppContext, actor: Actor, walker_id: int, chosen: Period) -> WalkerRecord:
    """Everything the PDF and the FHIR bundle show for one walker over ``chosen``."""
    record = _history(ctx, actor, walker_id, chosen)
    tests = {a.id: AssessmentValues.from_answers(a.answers) for a in record.assessments}
    answers: dict[int, ScreeningAnswers] = {}
    for screening in record.screenings:
        try:
            answers[screening.id] = ScreeningAnswers.model_validate(screening.answers)
        except ValueError:
            raise ReportInputError(
                f"screening {screening.id}: its stored answers cannot be read; the record "
                "needs checking before a report can be made.",
                field="screening",
            ) from None
    return walker_record(
        history=record,
        generated_at=ctx.now(),
        clinician=walkers.walker_clinician(ctx, actor, walker_id),
        plan=plans.current_prescription(ctx, actor, walker_id),
        tests=tests,
        screening_answers=answers,
        policy=policies.clinic_policy(ctx),
        exercises=_exercises(ctx, actor, walker_id, chosen),
    )


def table_histories(
    ctx: AppContext,
    actor: Actor,
    walker_ids: list[int] | None,
    since: date | None,
    until: date | None,
) -> tuple[list[HistoryOut], dict[int, AssessmentValues]]:
    """The histories for the CSV tables: the walkers named, or every walker the actor
    looks after; with the values measured at each assessment."""
    ids = walker_ids or [w.id for w in walkers.list_walkers(ctx, actor)]
    histories = []
    tests: dict[int, AssessmentValues] = {}
    for walker_id in ids:
        chosen = choose_period(ctx, actor, walker_id, since, until)
        record = _history(ctx, actor, walker_id, chosen)
        histories.append(record)
        tests.update({a.id: AssessmentValues.from_answers(a.answers) for a in record.assessments})
    return histories, tests
