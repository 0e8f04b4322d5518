"""A report's period and its one-walker record: bad input is a sentence, never a crash."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from retrowalk.reports.adherence import adherence_of
from retrowalk.reports.build import DEFAULT_WEEKS, choose_period
from retrowalk.reports.errors import ReportInputError
from retrowalk.reports.period import period, weeks_covering, within
from retrowalk.reports.record import AssessmentValues, walker_record
from retrowalk.services import accounts
from retrowalk.services.context import AppContext
from retrowalk.services.history import MAX_WEEKS
from tests.reports.known_walker import NOW, Known
from tests.services.factory import T0, enrol

FIRST_WEEK = (date(2026, 1, 5), date(2026, 1, 11))


def test_within_keeps_only_the_chosen_days(known: Known) -> None:
    cut = within(known.record, period(*FIRST_WEEK))
    assert (cut.since, cut.until) == FIRST_WEEK
    assert [s.local_date.isoformat() for s in cut.sessions] == [
        "2026-01-05",
        "2026-01-07",
        "2026-01-09",
    ]
    assert all(FIRST_WEEK[0] <= c.local_date <= FIRST_WEEK[1] for c in cut.checkins)
    assert [a.kind for a in cut.assessments] == ["baseline"]
    assert cut.notes == ()
    assert cut.clearances == ()
    assert cut.screenings == known.record.screenings


def test_adherence_counts_sessions_against_the_plan_in_force(known: Known) -> None:
    cut = within(known.record, period(*FIRST_WEEK))
    found = adherence_of(cut)
    (week,) = found.weeks
    assert (week.sessions_done, week.sessions_planned) == (3, 3)
    assert found.percent == pytest.approx(100.0)


def test_a_period_outside_the_history_is_refused(known: Known) -> None:
    with pytest.raises(ReportInputError, match="not inside the history"):
        within(known.record, period(date(2025, 1, 1), date(2025, 2, 1)))


@pytest.mark.parametrize(
    ("since", "until", "words"),
    [
        (date(2026, 2, 1), date(2026, 1, 1), r"the first day \(2026-02-01\) is after the last day"),
        (date(1999, 1, 1), date(2026, 1, 1), "years 2000 to 2100"),
    ],
)
def test_a_bad_period_is_a_sentence(since: date, until: date, words: str) -> None:
    with pytest.raises(ReportInputError, match=words):
        period(since, until)


def test_weeks_covering_reaches_back_to_since() -> None:
    today = NOW.date()
    assert weeks_covering(period(today - timedelta(days=6), today), today) == 1
    assert weeks_covering(period(today - timedelta(days=7), today), today) == 2
    with pytest.raises(ReportInputError, match="after today"):
        weeks_covering(period(today, today + timedelta(days=1)), today)
    with pytest.raises(ReportInputError, match=f"{MAX_WEEKS} weeks"):
        weeks_covering(period(today - timedelta(weeks=MAX_WEEKS + 1), today), today)


@pytest.mark.parametrize(
    "answers",
    [
        {"tug_s": "fast"},
        {"tug_s": float("nan")},
        {"chair_stand_count": -1},
        {"koos_answers": {"P1": 7}},
        {"koos_answers": {"Z9": 1}},
    ],
)
def test_malformed_stored_answers_are_a_sentence(answers: dict[str, object]) -> None:
    with pytest.raises(ReportInputError, match="assessment answers"):
        AssessmentValues.from_answers(answers)


def test_a_record_that_mixes_walkers_or_clinicians_is_refused(known: Known) -> None:
    ok = known.report()
    with pytest.raises(ReportInputError, match="not this walker's clinician"):
        walker_record(
            history=ok.history,
            generated_at=ok.generated_at,
            clinician=ok.clinician.model_copy(update={"id": 999}) if ok.clinician else None,
        )
    with pytest.raises(ReportInputError, match="not in the record"):
        walker_record(
            history=ok.history, generated_at=ok.generated_at, tests={999: AssessmentValues()}
        )
    with pytest.raises(ReportInputError, match="time zone"):
        walker_record(history=ok.history, generated_at=ok.generated_at.replace(tzinfo=None))
    assert ok.plan is not None
    with pytest.raises(ReportInputError, match="current plan of walker 999"):
        walker_record(
            history=ok.history,
            generated_at=ok.generated_at,
            plan=ok.plan.model_copy(update={"walker_id": 999}),
        )


def test_the_default_period_starts_no_earlier_than_the_walkers_enrolment(ctx: AppContext) -> None:
    """Found by the outside-in test: a report of a walker of two weeks showed ten weeks of
    "0 sessions" before she joined. Asked-for dates are kept as asked."""
    admin = accounts.ensure_local_admin(ctx)
    walker = enrol(ctx, admin)  # enrolled at T0 (Monday 5 January 2026, 09:00 UTC)
    two_weeks = choose_period(ctx.at(T0 + timedelta(days=14)), admin, walker.id, None, None)
    assert (two_weeks.since, two_weeks.until) == (date(2026, 1, 5), date(2026, 1, 19))
    later = choose_period(ctx.at(T0 + timedelta(weeks=30)), admin, walker.id, None, None)
    assert later.until - later.since == timedelta(weeks=DEFAULT_WEEKS) - timedelta(days=1)
    december = date(2025, 12, 1)
    asked = choose_period(ctx.at(T0 + timedelta(days=14)), admin, walker.id, december, None)
    assert asked.since == date(2025, 12, 1)
