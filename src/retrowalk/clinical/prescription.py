"""The starting prescription of backward walking (RULES.md §2 and §4).

From the screening, the fall-risk result, the knee condition and the walker's **measured**
comfortable backward speed, build the first :class:`Prescription`: 10 min, 3 sessions a week,
flat (incline 0), at the measured speed, supervised, with forward-walking warm-up and
cool-down, posture and safety cues, and the strengthening exercises it is added to.

The program never guesses a speed (no source gives a typical backward speed in knee OA), never
writes a plan after a red flag, and marks a plan that waits for a clinician's clearance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from retrowalk.clinical.errors import CannotDecideError, ClinicalError, InvalidInputError
from retrowalk.clinical.fall_risk import FallRiskLevel, FallRiskResult, Supervision, Surface
from retrowalk.clinical.norms import (
    BACKWARD_WALK_3M_DISTANCE_M,
    BACKWARD_WALK_3M_SOURCES,
    KM_H_PER_M_S,
)
from retrowalk.clinical.norms import START_DURATION_MIN as START_DURATION_MIN
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.screening import ScreeningOutcome, ScreeningResult
from retrowalk.clinical.surfaces import describe_surfaces

RULE_VERSION: Final[str] = "retrowalk-rules-2026.12"
"""Version of the prescription and progression rules; stored with every decision."""

# --- Published numbers (RULES.md §2, §3, §4) --------------------------------------------------

START_SESSIONS_PER_WEEK: Final[int] = 3
"""10 min of supervised backward walking, 3 days a week, added to usual care (Alghadir 2019)."""
START_DOSE_SOURCES: Final[tuple[str, ...]] = ("alghadir2019",)

MAX_DURATION_MIN: Final[int] = 30
MAX_SESSIONS_PER_WEEK: Final[int] = 3
"""Ceiling seen in trials: walking up to 30 min a session, 3 times a week (Almutairi 2023)."""
CEILING_SOURCES: Final[tuple[str, ...]] = ("almutairi2023",)

INCLINE_STEPS_PCT: Final[tuple[int, ...]] = (0, 5, 10)
"""Treadmill incline steps 0 → 5 → 10 % (**policy**, RULES.md §3): within the range studied
in backward walking — Cipriani 1995 measured 0, 5 and 10 % grade; Shen 2021 trained at 0°, 5°,
10° and 15° (degrees: 10° is about 17.6 % grade) after ACL reconstruction. The steps are
retrowalk's choice inside that range, not a tested progression."""
INCLINE_POLICY_WORDS: Final[str] = (
    "the steps of 0, 5 and 10 % are retrowalk's choice, within the inclines studied in "
    "backward walking"
)
INCLINE_SOURCES: Final[tuple[str, ...]] = ("cipriani1995", "shen2021")

WARM_UP_MIN: Final[int] = 5
"""5 min of forward walking before backward walking (Parikh 2022)."""
WARM_UP_SOURCES: Final[tuple[str, ...]] = ("parikh2022",)

TREADMILL_OVERSHOOT_M_S: Final[float] = 0.3
"""Treadmill method: raise the belt 0.3 m/s above comfortable, lower it slowly until
comfortable, use the mean of the two comfortable speeds (van de Venis)."""
TREADMILL_METHOD_SOURCES: Final[tuple[str, ...]] = ("van_de_venis",)

BACKWARD_EXTRA_EFFORT_PCT: Final[tuple[int, int]] = (17, 20)
"""Backward walking costs 17–20 % more %HRmax/%VO2max than forward at the same speed
(Hooper 2004)."""
BACKWARD_EXTRA_EFFORT_SOURCES: Final[tuple[str, ...]] = ("hooper2004",)

COMFORTABLE_SPEED_SOURCES: Final[tuple[str, ...]] = ("lin2025", "hooper2004", "laufer2005")
"""Larger effects at comfortable speed (Lin 2025); backward walking costs 17–20 % more than
forward (Hooper 2004); older adults walk backward slower (Laufer 2005)."""

POSTURE_CUES: Final[tuple[str, ...]] = (
    "Walk slowly and deliberately on a flat surface.",
    "Keep your back straight.",
    "Engage your core.",
    "Use your arms as a guide.",
    "Have someone supervise you at first.",
)
"""The seed's own posture advice (RULES.md §4)."""

SAFETY_CUES: Final[tuple[str, ...]] = (
    "Clear the path before you start.",
    "Take short steps and land toes first.",
    "Glance over your shoulder now and then.",
)
"""Policy safety cues for every surface (RULES.md §4)."""

TREADMILL_SAFETY_CUES: Final[tuple[str, ...]] = (
    "Hold the handrails.",
    "Start the belt slowly.",
    "Clip the emergency stop to your clothing.",
)
"""Policy safety cues added on a treadmill (RULES.md §4)."""

STRENGTHENING_EXERCISES: Final[tuple[str, ...]] = (
    "Straight-leg raise",
    "Isometric quadriceps",
    "Isometric hip adduction",
    "Terminal knee extension",
    "Semi-squat",
    "Leg press",
)
"""Alghadir 2019's usual-care set; backward walking helped as an add-on to it."""
STRENGTHENING_SOURCES: Final[tuple[str, ...]] = ("alghadir2019",)


class KneeCondition(StrEnum):
    """The knee conditions retrowalk supports (it never diagnoses: a clinician names it)."""

    OA = "oa"
    PATELLOFEMORAL_PAIN = "patellofemoral_pain"


class SpeedMethod(StrEnum):
    """How the comfortable backward speed was measured."""

    THREE_M_BACKWARD_WALK = "three_m_backward_walk"
    TREADMILL_VAN_DE_VENIS = "treadmill_van_de_venis"


class SpeedSource(StrEnum):
    """Where a plan's speed (and its ceiling) comes from (RULES.md §7.10): the speed test of
    its surface, or — with no such test — the clinician's own setting."""

    THREE_M_BACKWARD_WALK = SpeedMethod.THREE_M_BACKWARD_WALK.value
    TREADMILL_VAN_DE_VENIS = SpeedMethod.TREADMILL_VAN_DE_VENIS.value
    CLINICIAN = "clinician"


class MeasuredSpeed(BaseModel):
    """A measured comfortable backward walking speed; build it with the helpers below."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    speed_m_s: float = Field(gt=0)
    method: SpeedMethod


class ScreeningStopError(ClinicalError):
    """The screening said stop and refer: no prescription may be written."""


class Prescription(BaseModel):
    """What the walker does each session, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    knee_condition: KneeCondition
    duration_min: int = Field(gt=0)
    speed_m_s: float = Field(gt=0)
    comfortable_speed_m_s: float = Field(gt=0)
    """The measured comfortable backward speed the plan started from (speed ceiling base);
    with ``speed_source`` CLINICIAN, the clinician's own setting stands in for it."""
    speed_source: SpeedSource | None = None
    """Where ``comfortable_speed_m_s`` comes from: the speed test of the plan's surface, or the
    clinician (no test for it). None: a plan stored before the source was kept."""
    surface: Surface
    incline_pct: int = Field(ge=0)
    sessions_per_week: int = Field(gt=0)
    supervision: Supervision
    """From the fall-risk result: every session, or the first N sessions."""
    supervised_first_sessions: int | None = None
    """N when ``supervision`` is the first N sessions; None when every session is."""
    supervised_until_review: bool = False
    """True after an adverse event: every session supervised until a clinician reviews."""
    high_fall_risk: bool
    awaiting_clearance: bool
    """True while a clinician has not cleared the walker (PAR-Q): no session may start."""
    warm_up_min: int = Field(ge=0)
    cool_down_min: int = Field(ge=0)
    posture_cues: tuple[str, ...]
    safety_cues: tuple[str, ...]
    strengthening: tuple[str, ...]
    reasons: tuple[Reason, ...]
    rule_version: str = RULE_VERSION


def is_positive_number(value: object) -> bool:
    """True for a finite int or float above 0 (not a bool, not text): the check every speed,
    time and duration a person types must pass before a rule uses it."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and value > 0


def speed_from_three_m_backward_walk(time_s: float) -> MeasuredSpeed:
    """Comfortable backward speed from the 3-m backward walk: 3 m / time (RULES.md §2)."""
    if not is_positive_number(time_s):
        raise InvalidInputError("backward_walk_3m_s", time_s, "a time in seconds above 0")
    return MeasuredSpeed(
        speed_m_s=BACKWARD_WALK_3M_DISTANCE_M / time_s,
        method=SpeedMethod.THREE_M_BACKWARD_WALK,
    )


def treadmill_overshoot_speed_m_s(comfortable_going_up_m_s: float) -> float:
    """The belt speed to raise to: 0.3 m/s above the speed felt comfortable going up."""
    if not is_positive_number(comfortable_going_up_m_s):
        raise InvalidInputError(
            "comfortable_going_up_m_s", comfortable_going_up_m_s, "a speed in m/s above 0"
        )
    return comfortable_going_up_m_s + TREADMILL_OVERSHOOT_M_S


def speed_from_treadmill(
    comfortable_going_up_m_s: float, comfortable_coming_down_m_s: float
) -> MeasuredSpeed:
    """Comfortable treadmill backward speed by the van de Venis method: the mean of the
    comfortable speed found going up and the one found coming down from 0.3 m/s above it."""
    ceiling_m_s = treadmill_overshoot_speed_m_s(comfortable_going_up_m_s)
    if not (
        is_positive_number(comfortable_coming_down_m_s)
        and comfortable_coming_down_m_s <= ceiling_m_s
    ):
        raise InvalidInputError(
            "comfortable_coming_down_m_s",
            comfortable_coming_down_m_s,
            f"a speed above 0 and at most the raised belt speed {ceiling_m_s:.2f} m/s",
        )
    return MeasuredSpeed(
        speed_m_s=(comfortable_going_up_m_s + comfortable_coming_down_m_s) / 2,
        method=SpeedMethod.TREADMILL_VAN_DE_VENIS,
    )


TREADMILL_SURFACES: Final[frozenset[Surface]] = frozenset(
    {Surface.TREADMILL, Surface.TREADMILL_WITH_HANDRAILS}
)
"""The surfaces where incline is possible and the treadmill safety cues apply."""


def safety_cues_for(surface: Surface) -> tuple[str, ...]:
    """The policy safety cues, with the treadmill ones on a treadmill."""
    if surface in TREADMILL_SURFACES:
        return SAFETY_CUES + TREADMILL_SAFETY_CUES
    return SAFETY_CUES


def speed_for_surface(surface: Surface, speeds: Sequence[MeasuredSpeed]) -> MeasuredSpeed | None:
    """The measured speed a plan on ``surface`` may start from (RULES.md §7.10): the treadmill
    speed test for a treadmill, the 3-m backward walk overground; never the other one."""
    wanted = (
        SpeedMethod.TREADMILL_VAN_DE_VENIS
        if surface in TREADMILL_SURFACES
        else SpeedMethod.THREE_M_BACKWARD_WALK
    )
    return next((speed for speed in speeds if speed.method is wanted), None)


def _no_speed_error(surface: Surface | None, fall_risk_gated: bool) -> CannotDecideError:
    if surface is not None and surface in TREADMILL_SURFACES:
        return CannotDecideError(
            "A treadmill plan starts from the treadmill speed test (raise the belt until "
            f"comfortable, then lower it from {TREADMILL_OVERSHOOT_M_S:g} m/s above): do that "
            "test first, or choose a surface on the ground, which starts from the 3-m "
            "backward walk."
        )
    if fall_risk_gated:
        return CannotDecideError(
            "Without the 3-metre backward walk there is no safe speed to start from, and your "
            "tests show that your fall risk is high or not known: backward walking is not for "
            "you yet. Please see your clinician, who can test you in person."
        )
    return CannotDecideError(
        "The comfortable backward walking speed was not measured: do the 3-m backward walk "
        "test (or, for a treadmill, the treadmill speed test) first; retrowalk never guesses it."
    )


def start_prescription(
    screening: ScreeningResult,
    fall_risk: FallRiskResult,
    knee_condition: KneeCondition,
    speed: MeasuredSpeed | Sequence[MeasuredSpeed] | None,
    surface: Surface | None = None,
    policy: PolicyConfig = DEFAULT_POLICY,
    *,
    fall_risk_restricted: bool = False,
    awaiting_clearance: bool | None = None,
    stop_and_refer: bool | None = None,
) -> Prescription:
    """The first prescription (RULES.md §2, §7.10; sources alghadir2019, lin2025, hooper2004,
    parikh2022, almutairi2023, van_de_venis).

    ``speed``: the measured comfortable speeds (one, several, or None). A treadmill plan
    starts from the treadmill test, an overground one from the 3-m walk; the start is never
    above ``policy.start_speed_ceiling_m_s`` (**policy**; a clinician may adjust it).
    ``surface`` is the walker's choice among the surfaces the fall risk allows (default: the
    first one with a speed measured for it). ``fall_risk_restricted``: a fall-risk
    restriction is active (:mod:`retrowalk.clinical.restrictions`), so the plan is made as
    for a high risk whatever the latest result. ``awaiting_clearance``: whether a clearance
    restriction is active (None: from ``screening``). ``stop_and_refer``: whether a red flag
    is active (None: from ``screening``; a clinician's clearance of the red flag makes it False
    whatever the latest screening said).

    Raises :class:`ScreeningStopError` after a red flag (nhs_knee_red_flags) and
    :class:`CannotDecideError` when no suitable comfortable backward speed was measured.
    """
    stopped = (
        screening.outcome is ScreeningOutcome.STOP_AND_REFER
        if stop_and_refer is None
        else stop_and_refer
    )
    if stopped:
        raise ScreeningStopError(
            "The screening found a reason to stop and see a doctor first, so retrowalk "
            "writes no walking plan; follow the referral advice."
        )
    gated = fall_risk_restricted or fall_risk.level is not FallRiskLevel.LOW
    # The result carries the surfaces of the policy it was assessed under; a restriction on
    # top of a low result gates with this policy's high-risk surfaces.
    allowed = (
        fall_risk.surfaces
        if fall_risk.level is not FallRiskLevel.LOW or not gated
        else (policy.high_risk_surfaces)
    )
    if not allowed:
        raise CannotDecideError("The fall-risk result allows no surface to walk on.")
    speeds: tuple[MeasuredSpeed, ...] = (
        () if speed is None else (speed,) if isinstance(speed, MeasuredSpeed) else tuple(speed)
    )
    if surface is None:
        surface = next((s for s in allowed if speed_for_surface(s, speeds)), None)
        if surface is None:
            raise _no_speed_error(None, gated)
    elif surface not in allowed:
        names = ", ".join(s.value for s in allowed)
        raise InvalidInputError("surface", surface.value, f"one of {names} for this walker")
    measured = speed_for_surface(surface, speeds)
    if measured is None:
        raise _no_speed_error(surface, gated)
    high_risk = gated
    awaiting = (
        screening.outcome is ScreeningOutcome.CLEARANCE_REQUIRED
        if awaiting_clearance is None
        else awaiting_clearance
    )
    if gated:
        supervision, supervised_first = Supervision.EVERY_SESSION, None
    else:
        supervision = fall_risk.supervision
        supervised_first = fall_risk.supervised_first_sessions
    start_speed = min(measured.speed_m_s, policy.start_speed_ceiling_m_s)
    measured_words = (
        f"{measured.speed_m_s:.2f} m/s ({measured.speed_m_s * KM_H_PER_M_S:.1f} km/h): "
        "effects were larger at comfortable speed, and walking backward takes "
        f"{BACKWARD_EXTRA_EFFORT_PCT[0]}–{BACKWARD_EXTRA_EFFORT_PCT[1]} % more effort "
        "than forward, so slower is better."
    )
    speed_reason = Reason(
        code="prescription.speed_measured",
        message=f"Walk at your measured comfortable backward speed, {measured_words}",
        clinician_message=(
            f"The walker walks at her measured comfortable backward speed, {measured_words}"
        ),
        sources=COMFORTABLE_SPEED_SOURCES
        + (
            BACKWARD_WALK_3M_SOURCES
            if measured.method is SpeedMethod.THREE_M_BACKWARD_WALK
            else TREADMILL_METHOD_SOURCES
        ),
    )
    if start_speed < measured.speed_m_s:
        ceiling = (
            f"{{whose}} measured comfortable backward speed was {measured.speed_m_s:.2f} m/s "
            f"({measured.speed_m_s * KM_H_PER_M_S:.1f} km/h); "
            f"the plan starts at {start_speed:.2f} m/s "
            f"({start_speed * KM_H_PER_M_S:.1f} km/h), the highest starting speed "
            "retrowalk uses (our policy: slower is safer when walking backward, and "
            "{who} can set a faster one). It can rise as {she} progress{es}."
        )
        speed_reason = Reason(
            code="prescription.speed_ceiling",
            message=ceiling.format(whose="Your", who="your clinician", she="you", es=""),
            clinician_message=ceiling.format(
                whose="The walker's", who="a clinician", she="she", es="es"
            ),
            sources=speed_reason.sources,
            policy=True,
        )
    reasons = [
        Reason(
            code="prescription.start_dose",
            message=(
                f"Start with {START_DURATION_MIN} min, {START_SESSIONS_PER_WEEK} sessions a "
                "week, added to strengthening exercise, as in the knee-OA trial that tested it."
            ),
            sources=tuple(dict.fromkeys(START_DOSE_SOURCES + STRENGTHENING_SOURCES)),
        ),
        speed_reason,
        Reason(
            code="prescription.flat",
            message=f"Start flat (incline {INCLINE_STEPS_PCT[0]} %).",
            sources=INCLINE_SOURCES,
        ),
        Reason(
            code="prescription.warm_up",
            message=f"Warm up with {WARM_UP_MIN} min of forward walking.",
            sources=WARM_UP_SOURCES,
        ),
        Reason(
            code="prescription.cool_down",
            message=(
                f"Cool down with {policy.cool_down_min} min of forward walking (the length of "
                "the cool-down is retrowalk's choice: the trial's was not found)."
            ),
            sources=WARM_UP_SOURCES,
            policy=True,
        ),
    ]
    if supervision is Supervision.EVERY_SESSION:
        reasons.append(
            Reason(
                code="prescription.supervision_every_session",
                message=(
                    "Your fall risk is high or not known, so every session is supervised, "
                    f"on {describe_surfaces(allowed)}, until your clinician clears it after "
                    "a reassessment that is low risk."
                ),
                clinician_message=(
                    "The walker's fall risk is high or not known, so every session is "
                    f"supervised, on {describe_surfaces(allowed, for_clinician=True)}, until a "
                    "clinician clears it after a reassessment that is low risk."
                ),
                sources=("steadi",),
                policy=True,
            )
        )
    else:
        reasons.append(
            Reason(
                code="prescription.supervision_first_sessions",
                message=(
                    f"{_first_sessions(supervised_first)}; after that you may "
                    f"walk alone on {describe_surfaces(allowed)}."
                ),
                clinician_message=(
                    f"{_first_sessions(supervised_first)}; after that the "
                    f"walker may walk alone on {describe_surfaces(allowed, for_clinician=True)}."
                ),
                sources=("alghadir2019",),
                policy=True,
            )
        )
    if awaiting:
        reasons.append(
            Reason(
                code="prescription.awaiting_clearance",
                message=(
                    "The readiness questions need a clinician's clearance: the plan is ready "
                    "but no session can start until you are cleared."
                ),
                clinician_message=(
                    "The readiness questions need a clinician's clearance: the plan is ready "
                    "but no session can start until the walker is cleared."
                ),
                sources=("parq_classic",),
            )
        )
    return Prescription(
        knee_condition=knee_condition,
        duration_min=START_DURATION_MIN,
        speed_m_s=start_speed,
        comfortable_speed_m_s=measured.speed_m_s,
        speed_source=SpeedSource(measured.method.value),
        surface=surface,
        incline_pct=INCLINE_STEPS_PCT[0],
        sessions_per_week=START_SESSIONS_PER_WEEK,
        supervision=supervision,
        supervised_first_sessions=supervised_first,
        high_fall_risk=high_risk,
        awaiting_clearance=awaiting,
        warm_up_min=WARM_UP_MIN,
        cool_down_min=policy.cool_down_min,
        posture_cues=POSTURE_CUES,
        safety_cues=safety_cues_for(surface),
        strengthening=STRENGTHENING_EXERCISES,
        reasons=tuple(reasons),
    )


def must_be_supervised(
    prescription: Prescription, sessions_done: int, open_adverse_event_review: bool
) -> bool:
    """Whether the plan's own rule supervises the next session (RULES §1.3, §3): every
    session, or the first N (``sessions_done`` counts the SUPERVISED sessions so far), or an
    adverse event waiting for a clinician's review.

    The restrictions add to this (:func:`retrowalk.clinical.restrictions.supervision_needed`
    is what the services ask).
    """
    if isinstance(sessions_done, bool) or not isinstance(sessions_done, int) or sessions_done < 0:
        raise InvalidInputError("sessions_done", sessions_done, "a whole count of 0 or more")
    if open_adverse_event_review or prescription.supervised_until_review:
        return True
    if prescription.supervision is Supervision.FIRST_SESSIONS:
        first = prescription.supervised_first_sessions or 0
        return sessions_done < first
    return True


SUPERVISED_START_COUNTS_FROM_MIN: Final[int] = 5
"""A supervised session counts toward the supervised start when it lasted this many minutes
or more, and one a day (**policy**, RULES.md §1.3 'Consequence'): the start is there so that
someone sees her walk backward for a while, on more than one day; two sessions of a few
seconds on one afternoon are not that (found by the outside-in test)."""


def _first_sessions(count: int | None) -> str:
    """ "The first 2 sessions are supervised (…)" / "The first session is supervised (…)",
    with what counts as one."""
    minutes = SUPERVISED_START_COUNTS_FROM_MIN
    if count == 1:
        return f"The first session is supervised ({minutes} minutes or more)"
    each = f"each on its own day, {minutes} minutes or more"
    return f"The first {count} sessions are supervised ({each})"
