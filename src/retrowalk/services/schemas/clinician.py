"""The clinician's decisions (clearances, adjustments, notes) and the walker's history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Final

from pydantic import BeforeValidator, Field

from retrowalk.clinical.fall_risk import (
    BACKWARD_SPEED_MAX_M_S,
    Surface,
)
from retrowalk.clinical.prescription import (
    INCLINE_STEPS_PCT,
    MAX_DURATION_MIN,
    MAX_SESSIONS_PER_WEEK,
)
from retrowalk.clinical.restriction_models import RestrictionKind
from retrowalk.services.schemas.base import (
    ID_MAX,
    ClientKey,
    FrozenModel,
    InputModel,
    Reason3,
    Speed,
    Text,
    WholeNumber,
    YesNo,
)
from retrowalk.services.schemas.onboarding import AssessmentOut, ScreeningOut
from retrowalk.services.schemas.restrictions import RestrictionsOut
from retrowalk.services.schemas.walkers import WalkerOut
from retrowalk.services.schemas.walking import (
    CheckinOut,
    MissedReportOut,
    PrescriptionOut,
    RedFlagReportOut,
    SessionOut,
)

LEGACY_SCOPES: Final[dict[str, str]] = {
    "start": RestrictionKind.CLEARANCE_REQUIRED.value,
    "unsupervised": RestrictionKind.FALL_RISK.value,
}


"""Older names a clearance may still be sent with (``--scope start`` in earlier docs)."""


def _scope(value: object) -> object:
    return LEGACY_SCOPES.get(value, value) if isinstance(value, str) else value


class ClearanceIn(InputModel):
    scope: Annotated[RestrictionKind, BeforeValidator(_scope)]
    """The restriction this clearance lifts — exactly that one (RULES.md §7.1):
    ``red_flag``, ``adverse_event`` (reviewed), ``rest_day``, ``clearance_required`` (also
    ``start``), ``fall_risk`` (also ``unsupervised``; needs a low-risk reassessment first) or
    ``walking_aid``."""
    reason: Reason3
    client_key: ClientKey | None = None
    """A key the page (or program) makes for this one submission: sent again, nothing new is
    stored and the first record comes back (``created`` false)."""
    seen_through: Annotated[WholeNumber, Field(ge=0, le=ID_MAX)] | None = None
    """The restriction's ``seen_through`` as you read it (the page sends it): a record of this
    kind that came in after it — a new warning sign while the page was open — refuses the
    clearance, naming it, and is never lifted by it. Without it the clearance lifts what is
    recorded when it is stored, and says what that was (``lifted``)."""


class ClearanceOut(FrozenModel):
    id: int
    walker_id: int
    cleared_by: int
    created_at: datetime
    scope: RestrictionKind
    reason: str
    created: bool = True
    """False when this ``client_key`` was stored before: this is the first clearance."""
    lifted: tuple[str, ...] = ()
    """What it lifted, one line per record, in the clinician's words ("Check-in of Friday 4
    December: …"); empty on a replay."""


class AdjustmentIn(InputModel):
    """A clinician's change to the current prescription: at least one value and a reason.

    The bounds are the clinical ones, imported from :mod:`retrowalk.clinical.prescription`
    (never restated here); ``clinician_adjust`` checks the rest (an incline must be one of
    the steps ``INCLINE_STEPS_PCT``).
    """

    duration_min: Annotated[WholeNumber, Field(ge=1, le=MAX_DURATION_MIN)] | None = None
    speed_m_s: Annotated[Speed, Field(gt=0, le=BACKWARD_SPEED_MAX_M_S)] | None = None
    incline_pct: Annotated[WholeNumber, Field(ge=0, le=INCLINE_STEPS_PCT[-1])] | None = None
    surface: Surface | None = None
    sessions_per_week: Annotated[WholeNumber, Field(ge=1, le=MAX_SESSIONS_PER_WEEK)] | None = None
    reason: Reason3
    confirm_speed: YesNo = False
    """The clinician means a new speed above retrowalk's own limit for this walker (RULES.md
    §7.10: the clinician may override the policy's ceiling, but not by a slip of the keys)."""
    client_key: ClientKey | None = None
    """A key the page (or program) makes for this one submission: sent again, nothing new is
    stored and the version it made comes back (``created`` false)."""


class NoteIn(InputModel):
    text: Text
    client_key: ClientKey | None = None
    """A key the page (or program) makes for this one submission: sent again, nothing new is
    stored and the first record comes back (``created`` false)."""


class NoteOut(FrozenModel):
    id: int
    walker_id: int
    author_id: int
    created_at: datetime
    text: str
    created: bool = True
    """False when this ``client_key`` was stored before: this is the first note, unchanged."""


class HistoryOut(FrozenModel):
    """A walker's record over a window of weeks, oldest first."""

    walker: WalkerOut
    since: date
    until: date
    sessions: tuple[SessionOut, ...]
    checkins: tuple[CheckinOut, ...]
    """Next-morning reports with the decision each led to."""
    missed_reports: tuple[MissedReportOut, ...] = ()
    """Sessions decided without a morning report (a later session came first)."""
    red_flag_reports: tuple[RedFlagReportOut, ...] = ()
    """Red flags reported at any time, outside a morning check-in (RULES.md §7.7), "none of
    these" included; oldest first (their ``restrictions`` are left empty here: the history's
    own ``restrictions`` say what is active now)."""
    prescriptions: tuple[PrescriptionOut, ...]
    assessments: tuple[AssessmentOut, ...]
    screenings: tuple[ScreeningOut, ...]
    clearances: tuple[ClearanceOut, ...]
    notes: tuple[NoteOut, ...]
    restrictions: RestrictionsOut | None = None
    """Active and lifted restrictions (RULES.md §7)."""
