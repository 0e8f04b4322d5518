"""Inputs and outputs of the use cases (pydantic v2).

Inputs say exactly what is allowed (the error names the field); outputs are plain frozen
models the CLI prints and the web app serialises (``model_dump(mode="json")``). Units are
in the field names.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from retrowalk.clinical.fall_risk import (
    BACKWARD_SPEED_MAX_M_S,
    CHAIR_STAND_COUNT_MAX,
    TANDEM_STANCE_MAX_S,
    TEST_TIME_MAX_S,
    TEST_TIME_MIN_S,
    Surface,
)
from retrowalk.clinical.norms import CR10_MAX, NPRS_MAX
from retrowalk.clinical.prescription import (
    INCLINE_STEPS_PCT,
    MAX_DURATION_MIN,
    MAX_SESSIONS_PER_WEEK,
    KneeCondition,
)
from retrowalk.clinical.progression import AdverseEvent
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.restrictions import Effect, RestrictionKind, Source
from retrowalk.clinical.screening import (
    AGE_MAX_YEARS,
    AGE_MIN_YEARS,
    KneeRedFlag,
    ScreeningOutcome,
    SteadiAnswers,
)
from retrowalk.services.clock import YEARS_ALLOWED, in_years


class Role(StrEnum):
    """Who an account is: it decides what they may reach (see :mod:`retrowalk.services.access`)."""

    WALKER = "walker"
    CLINICIAN = "clinician"
    ADMIN = "admin"


class Decision(StrEnum):
    """Why a plan version exists: the decision that made it (stored on every prescription).

    ``progress``, ``hold``, ``regress`` and ``stop`` are the clinical progression actions
    (:class:`retrowalk.clinical.progression.Action`); the others are made by the services."""

    START = "start"
    PROGRESS = "progress"
    HOLD = "hold"
    REGRESS = "regress"
    STOP = "stop"
    STEP_BACK = "step_back"
    ADJUST = "adjust"
    REASSESS = "reassess"
    CLEAR = "clear"
    REVIEW = "review"


class TodayStatus(StrEnum):
    """What today holds for a walker, the first that applies (see ``plans.todays_prescription``).

    ``stopped``: a red flag; ``waiting_for_review``: an adverse event a clinician must review;
    ``rest_day``: next-morning pain called for rest; ``waiting_for_clearance``: a clearance is
        needed. In each of these no session is offered (RULES.md §7). ``see_clinician``: no safe
    starting speed could be measured and the fall risk is high or not known;
    ``needs_speed_test``: a treadmill plan without the treadmill test."""

    NEEDS_SCREENING = "needs_screening"
    STOPPED = "stopped"
    WAITING_FOR_REVIEW = "waiting_for_review"
    REST_DAY = "rest_day"
    WAITING_FOR_CLEARANCE = "waiting_for_clearance"
    SEE_CLINICIAN = "see_clinician"
    NEEDS_ASSESSMENT = "needs_assessment"
    NEEDS_SPEED_TEST = "needs_speed_test"
    NEEDS_PLAN = "needs_plan"
    READY = "ready"
    DONE_TODAY = "done_today"

    @property
    def walk_allowed(self) -> bool:
        """A session may be shown and started today (also a second one the same day)."""
        return self in (TodayStatus.READY, TodayStatus.DONE_TODAY)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Input(_Frozen):
    """Base of every input: no infinite or not-a-number values reach a rule or a column."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


ID_MAX: Final[int] = 2**31 - 1
"""The largest id a stored row can have: ids are 32-bit INTEGER columns, and PostgreSQL
refuses (SQLite would overflow) anything larger, so inputs are checked here for both."""
SESSION_DURATION_MAX_MIN: Final[float] = 180.0
"""Input limit, not a clinical threshold: a reported session longer than 3 hours is a typing
error (the prescription itself never exceeds ``MAX_DURATION_MIN``)."""
GAIT_SPEED_MAX_M_S: Final[float] = 3.0
"""Input limit, not a clinical threshold: a forward gait speed above 3 m/s is a typing error."""
DISTANCE_MAX_M: Final[float] = 20000.0
STEPS_MAX: Final[int] = 100_000
"""Input limit: more steps than 3 hours at 9 steps a second is a counting error."""
"""Input limit: more than 20 km of backward walking in one session is a typing error."""
NUL_MESSAGE: Final[str] = (
    "must not contain a NUL character (\\x00); type or paste the text again without it"
)

RecordId = Annotated[
    int, Field(ge=1, le=ID_MAX, description=f"A stored record's id: a whole number 1–{ID_MAX}")
]


def refuse_nul(value: str) -> str:
    """Refuse text with a NUL character: SQLite would store it, PostgreSQL cannot, so both
    databases behave the same only if it never reaches them."""
    if "\x00" in value:
        raise ValueError(NUL_MESSAGE)
    return value


def _refuse_nul_inside(value: Any) -> Any:
    """:func:`refuse_nul` for every key and string inside a JSON-like value."""
    if isinstance(value, str):
        refuse_nul(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul_inside(key)
            _refuse_nul_inside(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_nul_inside(item)
    return value


class Actor(_Frozen):
    """Who is asking: every use case takes one and checks access itself."""

    account_id: RecordId
    role: Role


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(value: str) -> str:
    """Lower-cased, trimmed email; ValueError when it is not one."""
    value = refuse_nul(value).strip().lower()
    if not _EMAIL.match(value):
        raise ValueError("must be an email address like name@example.org")
    return value


def _timezone(value: str) -> str:
    refuse_nul(value)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            "must be an IANA time zone name such as Europe/London or America/New_York"
        ) from None
    if value not in available_timezones() and value != "UTC":
        raise ValueError("must be an IANA time zone name such as Europe/London")
    return value


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError("must include a time zone, e.g. 2026-03-01T09:30:00+00:00")
    if value is not None and not in_years(value):
        raise ValueError(f"must be {YEARS_ALLOWED}")
    return value


def _sane_date(value: date | None) -> date | None:
    if value is not None and not in_years(value):
        raise ValueError(f"must be {YEARS_ALLOWED}")
    return value


Email = Annotated[str, Field(max_length=320), AfterValidator(normalise_email)]
TimeZoneName = Annotated[str, AfterValidator(_timezone)]
AwareDatetime = Annotated[datetime | None, AfterValidator(_aware)]
SaneDate = Annotated[date | None, AfterValidator(_sane_date)]
Nprs = Annotated[
    int, Field(ge=0, le=NPRS_MAX, description=f"0–{NPRS_MAX} numeric pain rating scale")
]
Cr10 = Annotated[int, Field(ge=0, le=CR10_MAX, description=f"Borg CR10 effort, 0–{CR10_MAX}")]


def _words(value: str) -> str:
    """Text that says something: not only spaces (a reason of three spaces is no reason)."""
    if len(value.strip()) < 1:
        raise ValueError("must be written in words, not only spaces")
    return value


def _sentence(value: str) -> str:
    """A reason: at least 3 characters that are not spaces (who, what was found, why)."""
    if len(value.strip()) < 3:
        raise ValueError("must say why in a few words (at least 3 letters, not only spaces)")
    return value


Text = Annotated[
    str, Field(min_length=1, max_length=4000), AfterValidator(refuse_nul), AfterValidator(_words)
]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(refuse_nul)]
PasswordHash = Annotated[str, Field(min_length=1, max_length=512), AfterValidator(refuse_nul)]
Reason3 = Annotated[
    str, Field(min_length=3, max_length=4000), AfterValidator(refuse_nul), AfterValidator(_sentence)
]
Note = Annotated[str, Field(max_length=4000), AfterValidator(refuse_nul)]
Answers = Annotated[dict[str, Any], AfterValidator(_refuse_nul_inside)]
Sex = Literal["female", "male"]
KneeSide = Literal["left", "right", "both"]


# --- accounts ------------------------------------------------------------------------------


class AccountIn(_Input):
    email: Email
    display_name: Name
    role: Role
    password_hash: PasswordHash | None = None
    """Made by the web layer (argon2); the services never see a password."""


class AccountOut(_Frozen):
    id: int
    email: str
    display_name: str
    role: Role
    has_password: bool
    created_at: datetime


class LoginAccount(_Frozen):
    """What the web layer needs to check a password: only returned by ``find_account_by_email``."""

    id: int
    email: str
    display_name: str
    role: Role
    password_hash: str | None

    @property
    def actor(self) -> Actor:
        return Actor(account_id=self.id, role=self.role)


class InvitationOut(_Frozen):
    """A fresh invitation; ``token`` is shown once and only its hash is stored."""

    id: int
    email: str
    clinician_id: int
    token: str
    expires_at: datetime


class InvitationState(StrEnum):
    """What an invitation link can still do, and nothing more (no email, no clinician)."""

    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"


class SetupTokenOut(_Frozen):
    """The one-time token for the first clinician/admin account (only its hash is stored)."""

    token: str


# --- walkers -------------------------------------------------------------------------------


class WalkerProfile(_Input):
    age_years: Annotated[int, Field(ge=AGE_MIN_YEARS, le=AGE_MAX_YEARS)]
    sex: Sex
    knee_condition: KneeCondition
    knee_side: KneeSide
    timezone: TimeZoneName = "UTC"


class WalkerIn(WalkerProfile):
    """Enrol a walker (a clinician enrols into their own list; an admin may name a clinician)."""

    email: Email
    display_name: Name
    clinician_id: RecordId | None = None


class WalkerSignup(WalkerProfile):
    """What a walker fills in when accepting an invitation."""

    display_name: Name
    password_hash: PasswordHash


class WalkerOut(_Frozen):
    id: int
    account_id: int
    email: str
    display_name: str
    age_years: int
    sex: Sex
    knee_condition: KneeCondition
    knee_side: KneeSide
    timezone: str
    clinician_id: int | None
    created_at: datetime


class Flag(StrEnum):
    """Why a clinician should look at a walker now (computed in the services).

    Every active restriction is a flag of its own (``red_flag`` … ``walking_aid``; the PAR-Q
    clearance keeps its name ``waiting_for_clearance``), beside the flags of the record."""

    RED_FLAG = "red_flag"
    ADVERSE_EVENT = "adverse_event"
    REST_DAY = "rest_day"
    WAITING_FOR_CLEARANCE = "waiting_for_clearance"
    FALL_RISK = "fall_risk"
    WALKING_AID = "walking_aid"
    WALKED_OUTSIDE_SUPERVISION = "walked_outside_supervision"
    PAIN_FLARE = "pain_flare"
    MORNING_PAIN_UP = "morning_pain_up"
    MISSED_SESSIONS = "missed_sessions"
    REASSESSMENT_DUE = "reassessment_due"
    RECORD_UNREADABLE = "record_unreadable"
    """A stored record the rules cannot read: the walker is marked, the list still shows."""


FLAG_OF_RESTRICTION: Final[dict[RestrictionKind, Flag]] = {
    RestrictionKind.RED_FLAG: Flag.RED_FLAG,
    RestrictionKind.ADVERSE_EVENT: Flag.ADVERSE_EVENT,
    RestrictionKind.REST_DAY: Flag.REST_DAY,
    RestrictionKind.CLEARANCE_REQUIRED: Flag.WAITING_FOR_CLEARANCE,
    RestrictionKind.FALL_RISK: Flag.FALL_RISK,
    RestrictionKind.WALKING_AID: Flag.WALKING_AID,
}
"""The flag each active restriction shows on the clinician's list."""


class TriggerOut(_Frozen):
    """A record that set a restriction: what, when, who recorded it, and why."""

    source: Source
    record_id: int | None
    at: datetime
    recorded_by: int | None
    recorded_by_name: str | None
    reasons: tuple[Reason, ...]


class RestrictionOut(_Frozen):
    """An active restriction (RULES.md §7), as the walker and the clinician see it."""

    kind: RestrictionKind
    effect: Effect
    title: str
    summary: str
    """One sentence with the numbers."""
    since: datetime
    triggers: tuple[TriggerOut, ...]
    reasons: tuple[Reason, ...]
    what_to_do: tuple[str, ...]
    emergency: str | None
    lifted_by: str
    can_clear: bool
    cannot_clear_because: str | None
    surfaces: tuple[Surface, ...]


class LiftedOut(_Frozen):
    """A restriction a clinician lifted, with the clearance."""

    kind: RestrictionKind
    clearance_id: int | None
    at: datetime
    cleared_by: int | None
    cleared_by_name: str | None
    reason: str
    triggers: tuple[TriggerOut, ...]


class AddedOut(_Frozen):
    """A record that added restrictions the walker did not have (from the audit log)."""

    entity: str
    """``screening``, ``assessment``, ``session`` or ``checkin``."""
    entity_id: int
    at: datetime
    kinds: tuple[RestrictionKind, ...]


class RestrictionsOut(_Frozen):
    """A walker's active restrictions (most serious first), the ones lifted before, and the
    records that added one."""

    walker_id: int
    active: tuple[RestrictionOut, ...]
    lifted: tuple[LiftedOut, ...]
    added: tuple[AddedOut, ...] = ()


class WalkerFlags(_Frozen):
    walker: WalkerOut
    flags: tuple[Flag, ...]
    details: tuple[str, ...]
    """One sentence per flag, with the numbers."""
    last_session_on: date | None
    current_prescription_version: int | None
    restrictions: tuple[RestrictionOut, ...] = ()
    """The active restrictions behind the restriction flags."""


# --- screening and assessment ----------------------------------------------------------------


class ScreeningIn(_Input):
    """The screening answers; the age comes from the walker's profile.

    Same shapes as :class:`retrowalk.clinical.screening.ScreeningAnswers` (and the answers
    file of ``retrowalk start``): ``parq`` is the 7 PAR-Q answers in order (true = YES).
    """

    used_to_activity: bool
    parq: tuple[bool, ...]
    red_flags: tuple[KneeRedFlag, ...] = ()
    """The red flags the walker has, by code (e.g. ``cannot_bear_weight`` when they cannot
    put weight on the leg; ``hot_swollen_knee`` with or without fever)."""
    steadi: SteadiAnswers
    fever_or_unwell: bool
    """Asked separately from the hot, swollen knee (RULES.md §7.6)."""
    uses_walking_aid: bool
    """A cane, crutches or a walker (RULES.md §7.5: every session supervised)."""
    takes_anticoagulant: bool
    """Blood-thinning medicine (RULES.md §7.6)."""
    recent_knee_surgery: bool
    """Knee surgery in the last ``PolicyConfig.recent_knee_surgery_weeks`` weeks (§7.6)."""


class ScreeningOut(_Frozen):
    id: int
    walker_id: int
    created_at: datetime
    outcome: ScreeningOutcome
    clearance_required: bool
    reasons: tuple[Reason, ...]
    result: dict[str, Any]
    rule_version: str
    restrictions: tuple[RestrictionOut, ...] = ()
    """The walker's active restrictions after this screening (a screening only adds)."""


class AssessmentIn(_Input):
    """Baseline tests, fall questions and questionnaires (item-level answers kept as given)."""

    kind: Literal["baseline", "reassessment"] = "baseline"
    local_date: SaneDate = None
    """The walker's calendar date of the assessment (default: their today; a walker may
    give a date at most ``PolicyConfig.walker_backdate_max_days`` back, never ahead)."""
    tug_s: Annotated[float, Field(ge=TEST_TIME_MIN_S, le=TEST_TIME_MAX_S)] | None = None
    tandem_stance_s: Annotated[float, Field(ge=0, le=TANDEM_STANCE_MAX_S)] | None = None
    chair_stand_count: Annotated[int, Field(ge=0, le=CHAIR_STAND_COUNT_MAX)] | None = None
    chair_stand_used_arms: bool = False
    backward_walk_3m_s: Annotated[float, Field(ge=TEST_TIME_MIN_S, le=TEST_TIME_MAX_S)] | None = (
        None
    )
    """Time for the 3-m backward walk: the comfortable backward speed is 3 m / this."""
    treadmill_speed_up_m_s: Annotated[float, Field(gt=0, le=BACKWARD_SPEED_MAX_M_S)] | None = None
    treadmill_speed_down_m_s: Annotated[float, Field(gt=0, le=BACKWARD_SPEED_MAX_M_S)] | None = None
    """Treadmill speed test (van de Venis): comfortable speed found going up, then coming
    down from ``TREADMILL_OVERSHOOT_M_S`` above; used instead of the 3-m walk when given."""
    gait_speed_m_s: Annotated[float, Field(gt=0, le=GAIT_SPEED_MAX_M_S)] | None = None
    steadi: SteadiAnswers | None = None
    """The STEADI key questions (default: the answers of the latest screening)."""
    koos_answers: Answers | None = None
    """KOOS item code (e.g. ``P1``) → 0–4 as answered (checked by the clinical scoring)."""
    koos12_answers: Answers | None = None
    """KOOS-12 items by their KOOS codes, when only the short form was asked."""


class AssessmentOut(_Frozen):
    id: int
    walker_id: int
    local_date: date
    kind: str
    fall_risk: Literal["low", "high", "not_known"] | None
    """The verdict of this assessment's tests (None: no physical test, e.g. KOOS only)."""
    high_fall_risk: bool | None
    backward_speed_m_s: float | None
    scores: dict[str, Any]
    reasons: tuple[Reason, ...]
    rule_version: str


# --- plan, sessions, check-ins ------------------------------------------------------------------


class PrescriptionOut(_Frozen):
    id: int
    walker_id: int
    version: int
    created_at: datetime
    effective_from: date
    decision: Decision
    duration_min: float
    speed_m_s: float
    incline_pct: float
    surface: Surface
    supervision: str
    """``every_session`` or ``first_sessions`` (then ``supervised_first_sessions``)."""
    supervised_first_sessions: int | None
    high_fall_risk: bool
    sessions_per_week: int
    reasons: tuple[Reason, ...]
    rule_version: str
    made_by: int
    details: dict[str, Any]
    """The clinical prescription as it was dumped (cues, warm-up...)."""


class TodayOut(_Frozen):
    """What the walker should do on their local ``local_date``."""

    walker_id: int
    local_date: date
    status: TodayStatus
    message: str
    prescription: PrescriptionOut | None
    supervised: bool
    """Whether today's session must be supervised (first sessions, high or not-known fall
    risk, a walking aid, or an adverse event waiting for a clinician's review)."""
    supervision_why: tuple[str, ...] = ()
    """Why someone must be with the walker, in plain words (empty when not)."""
    session_offered: bool = False
    """Whether a session may start today (``ready``)."""
    step_back: bool
    """True when the break rule lowered today's load (the prescription shown is the lower one)."""
    reasons: tuple[Reason, ...]
    sessions_today: int
    reassessment_due: bool
    restrictions: tuple[RestrictionOut, ...] = ()
    """What stops or limits backward walking now, and what to do (RULES.md §7)."""
    step_rate_per_min: float | None = None
    """The walker's own measured cadence (from a recorded session), for the metronome of an
    overground plan; None when no recording gave one."""


class SessionIn(_Input):
    """One session as the walker reports it. ``client_key`` makes a resubmission harmless.

    ``duration_min`` is the minutes of backward walking. It may be 0 only for a session that
    was stopped before any backward walking: one with an adverse event (e.g. a fall during
    the warm-up) or marked not ``completed``, so such a session can still be logged and
    decided (RULES §3: an adverse event regresses and flags the walker for review). A
    0-minute session needs no speed or distance; a distance, if given, must then be 0.
    """

    client_key: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
    performed_at: AwareDatetime = None
    """When the session started (default: now)."""
    duration_min: Annotated[float, Field(ge=0, le=SESSION_DURATION_MAX_MIN)]
    speed_m_s: Annotated[float, Field(gt=0, le=BACKWARD_SPEED_MAX_M_S)] | None = None
    distance_m: Annotated[float, Field(ge=0, le=DISTANCE_MAX_M)] | None = None
    incline_pct: Annotated[float, Field(ge=0, le=INCLINE_STEPS_PCT[-1])] = 0.0
    """The treadmill incline walked; the rules never go above the last incline step."""
    surface: Surface
    supervised: bool
    pain_before_nprs: Nprs
    pain_peak_nprs: Nprs
    pain_after_nprs: Nprs
    effort_cr10: Cr10
    adverse_events: tuple[AdverseEvent, ...] = ()
    completed: bool = True
    """False when the session was stopped early."""
    note: Note | None = None
    steps: Annotated[int, Field(ge=0, le=STEPS_MAX)] | None = None
    """Steps counted by a recording of the session, if any."""

    @model_validator(mode="after")
    def _speed_or_distance(self) -> SessionIn:
        if self.duration_min == 0:
            if self.completed and not self.adverse_events:
                raise ValueError(
                    "duration_min may be 0 only for a session stopped before any backward "
                    "walking: report the adverse event or mark the session not completed"
                )
            if self.distance_m:
                raise ValueError(
                    f"distance_m must be 0 when duration_min is 0 (got {self.distance_m:g} m)"
                )
        elif self.speed_m_s is None and self.distance_m is None:
            raise ValueError("give speed_m_s or distance_m (the speed is never guessed)")
        return self

    @property
    def speed_done_m_s(self) -> float:
        """The speed walked: as given, else distance / duration (0 when nothing was walked)."""
        if self.speed_m_s is not None:
            return self.speed_m_s
        if self.duration_min == 0 or self.distance_m is None:
            return 0.0
        return self.distance_m / (self.duration_min * 60.0)


class SessionOut(_Frozen):
    id: int
    walker_id: int
    client_key: str
    prescription_id: int | None
    performed_at: datetime
    local_date: date
    logged_at: datetime
    planned_duration_min: float | None
    planned_speed_m_s: float | None
    planned_incline_pct: float | None
    planned_surface: Surface | None
    planned_supervised: bool | None
    duration_min: float
    speed_m_s: float | None
    distance_m: float | None
    incline_pct: float
    surface: Surface
    supervised: bool
    pain_before_nprs: int
    pain_peak_nprs: int
    pain_after_nprs: int
    effort_cr10: int
    adverse_events: tuple[str, ...]
    completed: bool
    note: str | None
    steps: int | None = None
    created: bool = True
    """False when this client key was already stored: the first submission is returned."""
    notices: tuple[str, ...] = ()
    """What the walker should know about this session (e.g. walked alone when someone had to
    be there: stored, shown to the clinician, and why it matters)."""


CheckinRedFlag = Literal[
    "calf_pain_swelling_warmth",
    "hot_swollen_knee",
    "locked_knee",
    "knee_giving_way",
    "cannot_bear_weight",
]
"""The red flags the morning check-in asks about (``clinical.screening.CHECKIN_RED_FLAGS``)."""


class CheckinIn(_Input):
    """The next-morning report. Without ``session_id`` it is for the latest unreported session."""

    session_id: RecordId | None = None
    pain_nprs: Nprs
    stiffness_nprs: Nprs
    new_red_flags: tuple[CheckinRedFlag, ...]
    """What is new since the session, by code (empty: none of them); RULES.md §7.7 asks about
    calf pain or swelling, a hot swollen knee, locking, giving way, not bearing weight."""
    at: AwareDatetime = None
    """When it was reported (default: now)."""


class CheckinOut(_Frozen):
    id: int
    walker_id: int
    session_id: int
    local_date: date
    pain_nprs: int
    stiffness_nprs: int | None
    new_red_flags: tuple[KneeRedFlag, ...] = ()
    decision: Decision
    reasons: tuple[Reason, ...]
    next_prescription: PrescriptionOut | None
    rest_day: bool = False
    restrictions: tuple[RestrictionOut, ...] = ()
    """The walker's active restrictions after this check-in."""


class MissedReportOut(_Frozen):
    """A session decided without its next-morning report (the rule holds: RULES §3)."""

    id: int
    walker_id: int
    session_id: int
    local_date: date
    decision: Decision
    reasons: tuple[Reason, ...]
    next_prescription: PrescriptionOut | None


class ReassessmentStatus(_Frozen):
    due: bool
    last_assessment_on: date | None
    due_on: date | None
    reasons: tuple[Reason, ...]


# --- clinician -----------------------------------------------------------------------------------


LEGACY_SCOPES: Final[dict[str, str]] = {
    "start": RestrictionKind.CLEARANCE_REQUIRED.value,
    "unsupervised": RestrictionKind.FALL_RISK.value,
}
"""Older names a clearance may still be sent with (``--scope start`` in earlier docs)."""


def _scope(value: object) -> object:
    return LEGACY_SCOPES.get(value, value) if isinstance(value, str) else value


class ClearanceIn(_Input):
    scope: Annotated[RestrictionKind, BeforeValidator(_scope)]
    """The restriction this clearance lifts — exactly that one (RULES.md §7.1):
    ``red_flag``, ``adverse_event`` (reviewed), ``rest_day``, ``clearance_required`` (also
    ``start``), ``fall_risk`` (also ``unsupervised``; needs a low-risk reassessment first) or
    ``walking_aid``."""
    reason: Reason3


class ClearanceOut(_Frozen):
    id: int
    walker_id: int
    cleared_by: int
    created_at: datetime
    scope: RestrictionKind
    reason: str


class AdjustmentIn(_Input):
    """A clinician's change to the current prescription: at least one value and a reason.

    The bounds are the clinical ones, imported from :mod:`retrowalk.clinical.prescription`
    (never restated here); ``clinician_adjust`` checks the rest (an incline must be one of
    the steps ``INCLINE_STEPS_PCT``).
    """

    duration_min: Annotated[int, Field(ge=1, le=MAX_DURATION_MIN)] | None = None
    speed_m_s: Annotated[float, Field(gt=0, le=BACKWARD_SPEED_MAX_M_S)] | None = None
    incline_pct: Annotated[int, Field(ge=0, le=INCLINE_STEPS_PCT[-1])] | None = None
    surface: Surface | None = None
    sessions_per_week: Annotated[int, Field(ge=1, le=MAX_SESSIONS_PER_WEEK)] | None = None
    reason: Reason3


class NoteIn(_Input):
    text: Text


class NoteOut(_Frozen):
    id: int
    walker_id: int
    author_id: int
    created_at: datetime
    text: str


class HistoryOut(_Frozen):
    """A walker's record over a window of weeks, oldest first."""

    walker: WalkerOut
    since: date
    until: date
    sessions: tuple[SessionOut, ...]
    checkins: tuple[CheckinOut, ...]
    """Next-morning reports with the decision each led to."""
    missed_reports: tuple[MissedReportOut, ...] = ()
    """Sessions decided without a morning report (a later session came first)."""
    prescriptions: tuple[PrescriptionOut, ...]
    assessments: tuple[AssessmentOut, ...]
    screenings: tuple[ScreeningOut, ...]
    clearances: tuple[ClearanceOut, ...]
    notes: tuple[NoteOut, ...]
    restrictions: RestrictionsOut | None = None
    """Active and lifted restrictions (RULES.md §7)."""


# === Accounts, sign-ins, invitations, reset links, audit view (issue 9) =======================
# One block, kept together: the inputs and outputs of services.sign_ins, .sign_in_throttle,
# .passwords, .reset_links, .invitations, .audit_view and .my_data.


class SignInOut(_Frozen):
    """A live sign-in as the web layer needs it (never the cookie's value)."""

    id: int
    account_id: int
    role: Role
    display_name: str
    walker_id: int | None
    csrf_token: str
    flash: tuple[str, ...]


class NewSignIn(_Frozen):
    """A sign-in just started: ``token`` is the cookie's value, returned once, stored hashed."""

    token: str
    sign_in: SignInOut


class InvitationSummary(_Frozen):
    """An invitation in its sender's list: who, which role, until when; never the token."""

    id: int
    email: str
    role: Role
    invited_by: int
    created_at: datetime
    expires_at: datetime
    state: InvitationState


class InvitationPreview(_Frozen):
    """What a link holder may learn before signing up: whether it works, for which role, and
    (while it works) the email the account will have — the one they will sign in with."""

    state: InvitationState
    role: Role
    email: str | None = None


class ClinicianSignup(_Input):
    """A clinician's sign-up through an administrator's invitation."""

    display_name: Name
    password_hash: PasswordHash


class ResetLinkOut(_Frozen):
    """A fresh one-time password link; ``token`` is shown once and only its hash is stored."""

    id: int
    account_id: int
    email: str
    display_name: str
    role: Role
    token: str
    expires_at: datetime


class ResetLinkState(StrEnum):
    """What a password link can still do."""

    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


class ResetLinkPreview(_Frozen):
    """The reset page's heading: whose password the link sets (for its holder only)."""

    state: ResetLinkState
    email: str | None = None
    display_name: str | None = None


AUDIT_PAGE_MAX = 500
"""The most audit entries one page of the audit view holds."""
AuditDate = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]
"""A date of the audit view's filter: retrowalk holds nothing before 2000 or after 2100."""


class AuditFilter(_Input):
    """Which audit entries to show: an action kind, who did it, a date range (UTC dates)."""

    action: Annotated[str, Field(max_length=64, pattern=r"^[a-z_.]*$")] | None = None
    """An action (``session.log``) or its kind (``session``)."""
    actor_account_id: RecordId | None = None
    since: AuditDate | None = None
    until: AuditDate | None = None
    limit: Annotated[int, Field(ge=1, le=AUDIT_PAGE_MAX)] = 100
    offset: Annotated[int, Field(ge=0, le=ID_MAX)] = 0

    @model_validator(mode="after")
    def _ordered(self) -> AuditFilter:
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError("since must be on or before until")
        return self


class AuditEntryOut(_Frozen):
    """Who changed what, and when."""

    id: int
    at: datetime
    actor_account_id: int | None
    actor_name: str
    actor_role: str
    action: str
    what: str
    """The action in words ("logged a session")."""
    entity: str
    entity_id: int | None
    detail: dict[str, Any]


class AuditPerson(_Frozen):
    account_id: int
    name: str
    role: str


class AuditPage(_Frozen):
    """One page of a walker's audit trail, newest first, with what the filters can choose."""

    walker_id: int
    walker_name: str
    entries: tuple[AuditEntryOut, ...]
    total: int
    """How many entries match the filter (all pages)."""
    actions: tuple[str, ...]
    """Every action found in this walker's trail (for the filter)."""
    people: tuple[AuditPerson, ...]
    """Everyone who appears in this walker's trail (for the filter)."""


# --- the clinic's policy -------------------------------------------------------------------------


class PolicyField(_Frozen):
    """One policy threshold: its value in force, the built-in default, and what it means."""

    name: str
    value: Any
    default: Any
    description: str


class PolicyOut(_Frozen):
    """The clinic policy version in force (0: the built-in default)."""

    version: int
    set_at: datetime | None
    set_by_name: str | None
    reason: str
    rule_version: str
    fields: tuple[PolicyField, ...]

    def value(self, name: str) -> Any:
        """The value in force of the policy ``name``."""
        return next(f.value for f in self.fields if f.name == name)


class PolicyChangeIn(_Input):
    """Changes to the clinic's policy (field → new value) and why."""

    changes: Answers
    reason: Reason3
