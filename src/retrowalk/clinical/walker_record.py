"""What the program knows about a walker, as facts in recording order: the record every
restriction is computed from (:func:`retrowalk.clinical.restrictions.active_restrictions`).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from retrowalk.clinical.fall_risk import FallRiskResult
from retrowalk.clinical.red_flags import KneeRedFlag
from retrowalk.clinical.restriction_models import (
    RestrictionKind,
)
from retrowalk.clinical.screening import (
    ScreeningAnswers,
)
from retrowalk.clinical.session_records import AdverseEvent


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    record_id: int | None = None
    at: datetime
    """When it happened (or was said to have happened): shown to people."""
    seq: int | None = None
    """The order in which the program recorded it (an always-increasing number, such as the
    id of its audit entry). A clearance lifts what was recorded BEFORE it, whatever times
    were typed; without ``seq`` the times are compared."""
    recorded_by: int | None = None
    """The account that recorded it (the walker, or a clinician)."""


class ScreeningFact(Fact):
    answers: ScreeningAnswers


class AssessmentFact(Fact):
    kind: str = "baseline"
    fall_risk: FallRiskResult | None
    """None when the assessment had no physical test (a questionnaire only)."""


class SessionFact(Fact):
    local_date: date
    adverse_events: frozenset[AdverseEvent] = frozenset()
    supervised: bool = True


class CheckinFact(Fact):
    local_date: date
    pain_nprs: int | None = Field(default=None, ge=0)
    """None for a session decided without its morning report."""
    usual_pain_nprs: float | None = Field(default=None, ge=0)
    """The usual pain level the report was compared with (None: not known)."""
    red_flags: frozenset[KneeRedFlag] = frozenset()
    """Red flags reported as new since the session (RULES.md §7.7)."""


class RedFlagReportFact(Fact):
    """Red flags the walker reported as new at any time, outside a morning check-in (RULES.md
    §7.7: she need not wait for the next morning). An empty set answers "none of these": it
    is kept, and it never lifts anything (§7.1)."""

    local_date: date
    red_flags: frozenset[KneeRedFlag] = frozenset()


class ClearanceFact(Fact):
    kind: RestrictionKind
    reason: str
    covers_seq: int | None = None
    """The recording order up to which the clinician saw the record when clearing: a record
    of this kind recorded after it (a new warning sign while her page was open) is not lifted
    by this clearance, although it came before it. None (a clearance stored before this was
    kept): everything recorded before the clearance."""


class WalkerRecord(BaseModel):
    """Everything the restrictions are computed from, in any order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    screenings: tuple[ScreeningFact, ...] = ()
    assessments: tuple[AssessmentFact, ...] = ()
    sessions: tuple[SessionFact, ...] = ()
    checkins: tuple[CheckinFact, ...] = ()
    red_flag_reports: tuple[RedFlagReportFact, ...] = ()
    clearances: tuple[ClearanceFact, ...] = ()
