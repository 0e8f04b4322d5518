"""A known walker, built through the real use cases, and the report parts of their record.

Ann Example (66, female, knee osteoarthritis of the left knee), under Pat Physio: screened
and tested on 2026-01-05 (TUG 9 s, tandem 15 s, 13 chair stands, 3-m backward walk 4.0 s,
every KOOS item answered 1), a starting plan, six sessions over two weeks with next-morning
check-ins, a near fall on day 11 that a clinician reviews and clears on day 12, a note, and a
reassessment on day 13 (TUG 8.5 s, every KOOS item answered 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from retrowalk.clinical.measures.koos import ALL_KOOS_ITEMS
from retrowalk.clinical.screening import ScreeningAnswers
from retrowalk.reports.record import AssessmentValues, WalkerRecord, walker_record
from retrowalk.services import (
    accounts,
    assessments,
    checkins,
    clinician,
    history,
    plans,
    screening,
    sessions,
    walkers,
)
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import AccountOut, Actor, HistoryOut, Role
from retrowalk.store import repositories as repo
from tests.services.factory import MORE_NO, NO_STEADI, PARQ_CLEAR, T0, morning, session_data

WALKER_NAME = "Ann Example"
CLINICIAN_NAME = "Pat Physio"
SESSION_DAYS = (0, 2, 4, 7, 9, 11)
NEAR_FALL_DAY = 11
NOW = T0 + timedelta(days=14, hours=3)
BASELINE = {
    "tug_s": 9.0,
    "tandem_stance_s": 15,
    "chair_stand_count": 13,
    "backward_walk_3m_s": 4.0,
    "gait_speed_m_s": 1.1,
    "koos_answers": dict.fromkeys(ALL_KOOS_ITEMS, 1),
}
REASSESSMENT = {
    "kind": "reassessment",
    "tug_s": 8.5,
    "koos_answers": dict.fromkeys(ALL_KOOS_ITEMS, 0),
}
NOTE = "Walks well backwards on the treadmill; keep holding the rails."
CLEAR_REASON = "Seen in clinic on day 12: the near fall was a trip on a mat; mat removed."


@dataclass(frozen=True)
class Known:
    ctx: AppContext
    actor: Actor
    walker_id: int
    clinician: AccountOut
    record: HistoryOut

    def report(self, **extra: Any) -> WalkerRecord:
        """The WalkerRecord a web route or the CLI would build (answers from the store)."""
        with self.ctx.db.reader() as s:
            tests = {
                a.id: AssessmentValues.from_answers(a.answers_json)
                for a in repo.assessments(s, self.walker_id)
            }
            answers = {
                row.id: ScreeningAnswers.model_validate(row.answers_json)
                for row in repo.screenings(s, self.walker_id)
            }
        return walker_record(
            history=self.record,
            generated_at=NOW,
            clinician=self.clinician,
            plan=plans.current_prescription(self.ctx, self.actor, self.walker_id),
            tests={k: v for k, v in tests.items() if k in {a.id for a in self.record.assessments}},
            screening_answers=answers,
            **extra,
        )


def build(ctx: AppContext, email: str = "ann@example.org") -> Known:
    admin = accounts.ensure_local_admin(
        ctx.at(T0),
    )
    account = accounts.create_account(
        ctx.at(T0),
        admin,
        {"email": f"pat.{email}", "display_name": CLINICIAN_NAME, "role": "clinician"},
    )
    physio = Actor(account_id=account.id, role=Role.CLINICIAN)
    walker = walkers.enrol_walker(
        ctx.at(T0),
        physio,
        {
            "email": email,
            "display_name": WALKER_NAME,
            "age_years": 66,
            "sex": "female",
            "knee_condition": "oa",
            "knee_side": "left",
            "timezone": "Europe/London",
        },
    )
    screening.screen_walker(
        ctx.at(T0),
        physio,
        walker.id,
        {
            "used_to_activity": True,
            "parq": PARQ_CLEAR,
            "red_flags": [],
            "steadi": NO_STEADI,
            **MORE_NO,
        },
    )
    assessments.record_assessment(
        ctx.at(T0),
        physio,
        walker.id,
        BASELINE,
    )
    plans.make_plan(
        ctx.at(T0),
        physio,
        walker.id,
    )
    for day in SESSION_DAYS:
        at = T0 + timedelta(days=day, hours=1)
        extra: dict[str, Any] = {"adverse_events": ["near_fall"]} if day == NEAR_FALL_DAY else {}
        sessions.log_session(
            ctx.at(at + timedelta(hours=1)),
            physio,
            walker.id,
            session_data(f"d{day}", at, **extra),
        )
        checkins.morning_checkin(
            ctx.at(at + timedelta(hours=22)),
            physio,
            walker.id,
            morning(at),
        )
    day12 = T0 + timedelta(days=12, hours=2)
    clinician.clear_walker(
        ctx.at(day12),
        physio,
        walker.id,
        {"scope": "adverse_event", "reason": CLEAR_REASON},
    )
    clinician.add_note(
        ctx.at(day12),
        physio,
        walker.id,
        {"text": NOTE},
    )
    assessments.record_assessment(
        ctx.at(T0 + timedelta(days=13, hours=2)),
        physio,
        walker.id,
        REASSESSMENT,
    )
    record = history.walker_history(
        ctx.at(NOW),
        physio,
        walker.id,
        weeks=3,
    )
    return Known(ctx=ctx, actor=physio, walker_id=walker.id, clinician=account, record=record)


def when(day: int) -> datetime:
    return T0 + timedelta(days=day)
