"""The screening and the assessments (baseline tests, reassessments, KOOS)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StrictBool, StrictInt

from retrowalk.clinical.fall_risk import (
    BACKWARD_SPEED_MAX_M_S,
    CHAIR_STAND_COUNT_MAX,
    TANDEM_STANCE_MAX_S,
    TEST_TIME_MAX_S,
    TEST_TIME_MIN_S,
    FallRiskResult,
    Sex,
)
from retrowalk.clinical.prescription import KneeCondition, Prescription
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.red_flags import KneeRedFlag
from retrowalk.clinical.restriction_models import Restriction
from retrowalk.clinical.screening import ScreeningOutcome, ScreeningResult, SteadiAnswers
from retrowalk.clinical.surfaces import Surface
from retrowalk.services.schemas.base import (
    GAIT_SPEED_MAX_M_S,
    Answers,
    ClientKey,
    FrozenModel,
    InputModel,
    Number,
    SaneDate,
    Speed,
    WholeNumber,
    YesNo,
)
from retrowalk.services.schemas.restrictions import RestrictionOut


class ScreeningIn(InputModel):
    """The screening answers; the age comes from the walker's profile.

    Same shapes as :class:`retrowalk.clinical.screening.ScreeningAnswers` (and the answers
    file of ``retrowalk start``): ``parq`` is the 7 PAR-Q answers in order (true = YES).
    """

    used_to_activity: YesNo
    parq: tuple[YesNo, ...]
    red_flags: tuple[KneeRedFlag, ...]
    """The red flags the walker has, by code (e.g. ``cannot_bear_weight`` when they cannot
    put weight on the leg; ``hot_swollen_knee`` with or without fever); ``[]`` for none.
    Required like every other answer: left out, it is refused, never taken as "none"."""
    steadi: SteadiAnswers
    fever_or_unwell: YesNo
    """Asked separately from the hot, swollen knee (RULES.md §7.6)."""
    uses_walking_aid: YesNo
    """A cane, crutches or a walker (RULES.md §7.5: every session supervised)."""
    takes_anticoagulant: YesNo
    """Blood-thinning medicine (RULES.md §7.6)."""
    recent_knee_surgery: YesNo
    """Knee surgery in the last ``PolicyConfig.recent_knee_surgery_weeks`` weeks (§7.6)."""
    client_key: ClientKey | None = None
    """A key the page (or program) makes for this one submission: sent again, nothing new is
    stored and the first record comes back (``created`` false)."""


class ScreeningOut(FrozenModel):
    id: int
    walker_id: int
    created_at: datetime
    outcome: ScreeningOutcome
    """The walker's standing after this screening: these answers and every restriction still
    active (an earlier red flag still refers; clean answers never "clear" it)."""
    clearance_required: bool
    reasons: tuple[Reason, ...]
    result: dict[str, Any]
    """The clinical result of these answers alone (its own ``outcome`` and reasons)."""
    answers: dict[str, Any] = Field(default_factory=dict)
    """The answers as given (``ScreeningAnswers``), for a report or a record system."""
    rule_version: str
    restrictions: tuple[RestrictionOut, ...] = ()
    """The walker's active restrictions after this screening (a screening only adds)."""
    created: bool = True
    """False when this ``client_key`` was stored before: these are the first answers."""


class BaselineTestsIn(InputModel):
    """The baseline tests as measured (``None``: not done), with the clinical input bounds."""

    tug_s: Annotated[Number, Field(ge=TEST_TIME_MIN_S, le=TEST_TIME_MAX_S)] | None = None
    tandem_stance_s: Annotated[Number, Field(ge=0, le=TANDEM_STANCE_MAX_S)] | None = None
    chair_stand_count: Annotated[WholeNumber, Field(ge=0, le=CHAIR_STAND_COUNT_MAX)] | None = None
    chair_stand_used_arms: YesNo = False
    backward_walk_3m_s: Annotated[Number, Field(ge=TEST_TIME_MIN_S, le=TEST_TIME_MAX_S)] | None = (
        None
    )
    """Time for the 3-m backward walk: the comfortable backward speed is 3 m / this."""
    treadmill_speed_up_m_s: Annotated[Speed, Field(gt=0, le=BACKWARD_SPEED_MAX_M_S)] | None = None
    treadmill_speed_down_m_s: Annotated[Speed, Field(gt=0, le=BACKWARD_SPEED_MAX_M_S)] | None = None
    """Treadmill speed test (van de Venis): comfortable speed found going up, then coming
    down from ``TREADMILL_OVERSHOOT_M_S`` above; used instead of the 3-m walk when given."""


class AssessmentIn(BaselineTestsIn):
    """Baseline tests, fall questions and questionnaires (item-level answers kept as given)."""

    kind: Literal["baseline", "reassessment"] = "baseline"
    local_date: SaneDate = None
    """The walker's calendar date of the assessment (default: their today; a walker may
    give a date at most ``PolicyConfig.walker_backdate_max_days`` back, never ahead)."""
    gait_speed_m_s: Annotated[Speed, Field(gt=0, le=GAIT_SPEED_MAX_M_S)] | None = None
    steadi: SteadiAnswers | None = None
    """The STEADI key questions (default: the answers of the latest screening)."""
    koos_answers: Answers | None = None
    """KOOS item code (e.g. ``P1``) → 0–4 as answered (checked by the clinical scoring)."""
    koos12_answers: Answers | None = None
    """KOOS-12 items by their KOOS codes, when only the short form was asked."""
    client_key: ClientKey | None = None
    """A key the page (or program) makes for this one submission: sent again, nothing new is
    stored and the first record comes back (``created`` false)."""


class StartIn(ScreeningIn):
    """Everything ``retrowalk start`` asks someone who has no account yet (its answers file,
    ``examples/start-answers.json``): who they are, the screening and the baseline tests.

    Yes/no answers and the age must be JSON's own ``true``/``false`` and whole numbers (a
    typed ``0`` or ``"yes"`` for a health question is refused, never guessed)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    age_years: StrictInt
    sex: Sex
    knee_condition: KneeCondition
    used_to_activity: StrictBool
    parq: tuple[StrictBool, ...]
    fever_or_unwell: StrictBool
    uses_walking_aid: StrictBool
    takes_anticoagulant: StrictBool
    recent_knee_surgery: StrictBool
    tests: BaselineTestsIn = BaselineTestsIn()
    surface: Surface | None = None
    """Where they will walk: one the fall risk allows (default: the first it allows)."""


class StartPreviewOut(FrozenModel):
    """What the walk-through found, under the clinic's policy in force; nothing is stored.

    ``outcome``: ``stop_and_refer`` (a red flag: the referral advice, no plan),
    ``no_plan_yet`` (no safe starting speed was measured: ``why`` says what to do) or
    ``plan``. ``allowed_surfaces``: where the fall risk lets them walk (empty before tests)."""

    outcome: Literal["stop_and_refer", "no_plan_yet", "plan"]
    screening: ScreeningResult
    fall_risk: FallRiskResult | None
    restrictions: tuple[Restriction, ...]
    allowed_surfaces: tuple[Surface, ...]
    prescription: Prescription | None
    why: str | None = None
    policy_version: int


class AssessmentOut(FrozenModel):
    id: int
    walker_id: int
    created_at: datetime
    """When it was recorded (UTC): the moment its verdicts were made."""
    local_date: date
    """The walker's date of the tests (may be earlier than the day they were recorded)."""
    kind: str
    fall_risk: Literal["low", "high", "not_known"] | None
    """The verdict of this assessment's tests (None: no physical test, e.g. KOOS only)."""
    high_fall_risk: bool | None
    backward_speed_m_s: float | None
    scores: dict[str, Any]
    reasons: tuple[Reason, ...]
    answers: dict[str, Any] = Field(default_factory=dict)
    """The values entered (``AssessmentIn`` as stored): seconds, counts, item answers."""
    rule_version: str
    created: bool = True
    """False when this ``client_key`` was stored before: this is the first assessment."""


class ReassessmentStatus(FrozenModel):
    due: bool
    last_assessment_on: date | None
    due_on: date | None
    reasons: tuple[Reason, ...]
