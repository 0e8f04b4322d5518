"""Screening before any plan (RULES.md §1.1, §1.2, and the STEADI key questions of §1.3).

Three questionnaires, kept here as data so every UI shows the same words:

- the classic 7-item PAR-Q (readiness for activity): any YES except item 5 → a clinician must
  clear the walker first; item 5 (a bone or joint problem) is expected YES in knee pain and is
  recorded without blocking (**policy**); over 69 and not used to activity → clearance too;
- knee red flags: any flag → stop and refer, no plan is generated;
- the STEADI key questions: recorded here, they feed :mod:`retrowalk.clinical.fall_risk` and do
  not change the screening outcome by themselves.

The program supports clinical care; a screening result is never a diagnosis.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt

from retrowalk.clinical.errors import InvalidInputError
from retrowalk.clinical.norms import (
    PARQ_AGE_NOTE_ABOVE_YEARS,
    PARQ_SOURCES,
    RED_FLAG_SOURCES,
    RED_FLAG_TRAUMA_SOURCES,
    STEADI_QUESTION_SOURCES,
)
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.clinical.reasons import Reason

# --- input limits (validation, not clinical thresholds) ---------------------------------------

AGE_MIN_YEARS: Final[int] = 18
"""retrowalk is for adults; younger people are outside its evidence base."""
AGE_MAX_YEARS: Final[int] = 120
"""Above any recorded human age: a larger number is a typing error."""
AGE_ALLOWED: Final[str] = (
    f"a whole number of years from {AGE_MIN_YEARS} to {AGE_MAX_YEARS} (retrowalk is for adults)"
)


def check_age_years(age_years: object, field: str = "age_years") -> int:
    """Return ``age_years`` if it is a whole number of adult years, else raise.

    Shared by screening and fall risk so both accept exactly the same ages.
    """
    if isinstance(age_years, bool) or not isinstance(age_years, int):
        raise InvalidInputError(field, age_years, AGE_ALLOWED)
    if not AGE_MIN_YEARS <= age_years <= AGE_MAX_YEARS:
        raise InvalidInputError(field, age_years, AGE_ALLOWED)
    return age_years


def check_answer(value: object, field: str) -> bool:
    """Return a yes/no answer if it is a real boolean (not 0/1, not "yes"), else raise."""
    if not isinstance(value, bool):
        raise InvalidInputError(field, value, "true (yes) or false (no)")
    return value


# --- 1.1 PAR-Q ----------------------------------------------------------------------------------

PARQ_QUESTIONS: Final[tuple[str, ...]] = (
    "Has a doctor ever said you have a heart condition and should only do physical activity "
    "recommended by a doctor?",
    "Do you feel pain in your chest when you do physical activity?",
    "In the past month, have you had chest pain when you were not doing physical activity?",
    "Do you lose your balance because of dizziness, or do you ever lose consciousness?",
    "Do you have a bone or joint problem (e.g. back, knee or hip) that could be made worse by a "
    "change in your physical activity?",
    "Is a doctor currently prescribing drugs for your blood pressure or heart condition?",
    "Do you know of any other reason why you should not do physical activity?",
)
"""The classic 7-item PAR-Q, word for word as RULES.md §1.1; item n is ``PARQ_QUESTIONS[n-1]``."""

PARQ_JOINT_PROBLEM_ITEM: Final[int] = 5
"""The PAR-Q item that asks about a bone or joint problem (RULES.md §1.1). Whether a YES to it
requires clearance is **policy**: ``PolicyConfig.parq_joint_problem_requires_clearance``
(default False: recorded, not blocking, as nearly everyone with knee pain answers YES)."""

# --- 1.2 knee red flags ------------------------------------------------------------------------


class RedFlagUrgency(StrEnum):
    """How soon a person with this red flag needs a doctor."""

    URGENT = "urgent"
    """Emergency care now."""
    SOON = "soon"
    """See a doctor soon."""


class RedFlagInfo(BaseModel):
    """What a red flag asks, how urgent it is and what the person should do, in plain words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str
    urgency: RedFlagUrgency
    action: str
    sources: tuple[str, ...]


class KneeRedFlag(StrEnum):
    """The knee red flags of RULES.md §1.2; any one stops the program and refers the person."""

    INFECTION = "infection"
    FRACTURE_DISLOCATION_OR_TENDON_RUPTURE = "fracture_dislocation_or_tendon_rupture"
    CANNOT_BEAR_WEIGHT = "cannot_bear_weight"
    LOCKED_KNEE = "locked_knee"
    RAPID_SWELLING_AFTER_INJURY = "rapid_swelling_after_injury"
    CALF_PAIN_SWELLING_WARMTH = "calf_pain_swelling_warmth"
    NEW_NUMBNESS_OR_WEAKNESS = "new_numbness_or_weakness"
    UNEXPLAINED_WEIGHT_LOSS = "unexplained_weight_loss"
    HARD_LUMP = "hard_lump"
    CONSTANT_PAIN_AT_NIGHT_OR_REST = "constant_pain_at_night_or_rest"
    NEW_SWELLING_OF_SEVERAL_JOINTS_OR_MORNING_STIFFNESS = (
        "new_swelling_of_several_joints_or_morning_stiffness"
    )

    @property
    def info(self) -> RedFlagInfo:
        """The question, urgency and action of this flag."""
        return RED_FLAGS[self]


_EMERGENCY_NOW: Final[str] = (
    "Get emergency care now (an emergency department or your local emergency number); "
    "do not start or continue backward walking."
)
_SEE_DOCTOR_SOON: Final[str] = (
    "Book an appointment with your doctor soon and show them this answer; do not start "
    "backward walking until they have seen you."
)

RED_FLAGS: Final[Mapping[KneeRedFlag, RedFlagInfo]] = {
    KneeRedFlag.INFECTION: RedFlagInfo(
        question="Is your knee hot, red and swollen, and do you have a fever or feel unwell?",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW + " A hot, swollen knee with fever can be an infection.",
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.FRACTURE_DISLOCATION_OR_TENDON_RUPTURE: RedFlagInfo(
        question=(
            "After an injury, could the knee be broken or dislocated, or a tendon torn "
            "(you cannot straighten the leg)?"
        ),
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW + " An X-ray or scan may be needed after an injury.",
        sources=RED_FLAG_TRAUMA_SOURCES,
    ),
    KneeRedFlag.CANNOT_BEAR_WEIGHT: RedFlagInfo(
        question="Can you not put weight on the leg, or not take 4 steps?",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW,
        sources=RED_FLAG_TRAUMA_SOURCES,
    ),
    KneeRedFlag.LOCKED_KNEE: RedFlagInfo(
        question="Is your knee locked (stuck, you cannot straighten or bend it)?",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.RAPID_SWELLING_AFTER_INJURY: RedFlagInfo(
        question="Did your knee swell up a lot within about 2 hours of an injury?",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.CALF_PAIN_SWELLING_WARMTH: RedFlagInfo(
        question="Is your calf painful, swollen or warm?",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW + " Calf pain with swelling or warmth can be a blood clot.",
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.NEW_NUMBNESS_OR_WEAKNESS: RedFlagInfo(
        question="Do you have new numbness or weakness in the leg or foot?",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.UNEXPLAINED_WEIGHT_LOSS: RedFlagInfo(
        question="Have you lost weight without trying?",
        urgency=RedFlagUrgency.SOON,
        action=_SEE_DOCTOR_SOON,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.HARD_LUMP: RedFlagInfo(
        question="Is there a hard lump in or around the knee?",
        urgency=RedFlagUrgency.SOON,
        action=_SEE_DOCTOR_SOON,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.CONSTANT_PAIN_AT_NIGHT_OR_REST: RedFlagInfo(
        question="Is the pain constant, even at night or when you rest?",
        urgency=RedFlagUrgency.SOON,
        action=_SEE_DOCTOR_SOON,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.NEW_SWELLING_OF_SEVERAL_JOINTS_OR_MORNING_STIFFNESS: RedFlagInfo(
        question=(
            "Have several of your joints newly swollen, or are your joints stiff for more than "
            "30 minutes in the morning?"
        ),
        urgency=RedFlagUrgency.SOON,
        action=_SEE_DOCTOR_SOON,
        sources=RED_FLAG_SOURCES,
    ),
}
"""Every red flag with its question, urgency and action (NHS knee red-flag pathways; the Ottawa
knee rule for injuries). The questions are plain-language paraphrases of RULES.md §1.2."""

# --- STEADI key questions --------------------------------------------------------------------


class SteadiAnswers(BaseModel):
    """The three STEADI key questions; any YES marks high fall risk in fall_risk."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fell_past_12_months: StrictBool
    feels_unsteady: StrictBool
    worries_about_falling: StrictBool

    def yes_fields(self) -> tuple[str, ...]:
        """The names of the questions answered YES, in question order."""
        return tuple(name for name in STEADI_QUESTIONS if getattr(self, name))


STEADI_QUESTIONS: Final[Mapping[str, str]] = {
    "fell_past_12_months": "Have you fallen in the past 12 months?",
    "feels_unsteady": "Do you feel unsteady when you are standing or walking?",
    "worries_about_falling": "Do you worry about falling?",
}
"""The STEADI key questions (CDC STEADI), keyed by the field of :class:`SteadiAnswers`."""

# --- the screening itself ------------------------------------------------------------------


class ScreeningOutcome(StrEnum):
    """What the screening allows next."""

    CLEARED = "cleared"
    """Go on to the baseline tests."""
    CLEARANCE_REQUIRED = "clearance_required"
    """A clinician must clear the walker before the first session."""
    STOP_AND_REFER = "stop_and_refer"
    """A red flag: no plan is generated; the person is told whom to see and how soon."""


class ScreeningAnswers(BaseModel):
    """Everything the walker answered in the screening.

    ``parq`` holds the 7 PAR-Q answers in item order (True = YES); ``red_flags`` the red flags
    the person has (empty = none). Types are checked here, ranges by :func:`screen`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    age_years: StrictInt
    used_to_activity: StrictBool
    parq: tuple[StrictBool, ...]
    red_flags: frozenset[KneeRedFlag] = frozenset()
    steadi: SteadiAnswers


class ScreeningResult(BaseModel):
    """The outcome, EVERY reason that contributed, and what the person should do."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    outcome: ScreeningOutcome
    reasons: tuple[Reason, ...]
    actions: tuple[str, ...]
    """Plain-language steps, most urgent first, without repeats."""
    red_flags: tuple[KneeRedFlag, ...]
    """The red flags present, urgent ones first."""
    steadi: SteadiAnswers
    """Recorded for the fall-risk assessment; they do not change :attr:`outcome`."""


CLEARANCE_ACTION: Final[str] = (
    "Ask your doctor or physiotherapist to clear you for backward walking before your first "
    "session."
)
CLEARED_ACTION: Final[str] = "You can go on to the baseline tests."


def _check_answers(answers: ScreeningAnswers) -> None:
    check_age_years(answers.age_years)
    check_answer(answers.used_to_activity, "used_to_activity")
    if len(answers.parq) != len(PARQ_QUESTIONS):
        raise InvalidInputError(
            "parq", answers.parq, f"exactly {len(PARQ_QUESTIONS)} yes/no answers, one per item"
        )
    for number, answer in enumerate(answers.parq, start=1):
        check_answer(answer, f"parq item {number}")
    for name in STEADI_QUESTIONS:
        check_answer(getattr(answers.steadi, name), f"steadi.{name}")
    for flag in answers.red_flags:
        if not isinstance(flag, KneeRedFlag):
            allowed = ", ".join(f.value for f in KneeRedFlag)
            raise InvalidInputError("red_flags", flag, f"one of {allowed}")


def _parq_reasons(answers: ScreeningAnswers, policy: PolicyConfig) -> list[tuple[Reason, bool]]:
    """Each PAR-Q reason with whether it requires clearance."""
    found: list[tuple[Reason, bool]] = []
    for number, (question, yes) in enumerate(zip(PARQ_QUESTIONS, answers.parq, strict=True), 1):
        if not yes:
            continue
        if number == PARQ_JOINT_PROBLEM_ITEM and not policy.parq_joint_problem_requires_clearance:
            found.append(
                (
                    Reason(
                        code=f"screening.parq.item{number}",
                        message=(
                            f"PAR-Q item {number} answered YES ({question}). Recorded: "
                            "expected with knee pain, it does not require clearance on its own "
                            "(retrowalk policy)."
                        ),
                        sources=PARQ_SOURCES,
                        policy=True,
                    ),
                    False,
                )
            )
        else:
            found.append(
                (
                    Reason(
                        code=f"screening.parq.item{number}",
                        message=(
                            f"PAR-Q item {number} answered YES ({question}): a clinician must "
                            "clear you before the first session."
                        ),
                        sources=PARQ_SOURCES,
                    ),
                    True,
                )
            )
    if answers.age_years > PARQ_AGE_NOTE_ABOVE_YEARS and not answers.used_to_activity:
        found.append(
            (
                Reason(
                    code="screening.parq.age",
                    message=(
                        f"Age {answers.age_years} (over {PARQ_AGE_NOTE_ABOVE_YEARS}) and not "
                        "used to being active: the PAR-Q asks you to check with a doctor first."
                    ),
                    sources=PARQ_SOURCES,
                ),
                True,
            )
        )
    return found


def _red_flag_reason(flag: KneeRedFlag) -> Reason:
    info = flag.info
    when = "emergency care now" if info.urgency is RedFlagUrgency.URGENT else "a doctor soon"
    return Reason(
        code=f"screening.red_flag.{flag.value}",
        message=f"Red flag: {info.question} You answered YES, so you need {when}.",
        sources=info.sources,
    )


def _steadi_reasons(steadi: SteadiAnswers) -> list[Reason]:
    return [
        Reason(
            code=f"screening.steadi.{name}",
            message=(
                f"STEADI question answered YES ({STEADI_QUESTIONS[name]}): recorded for the "
                "fall-risk assessment."
            ),
            sources=STEADI_QUESTION_SOURCES,
        )
        for name in steadi.yes_fields()
    ]


def screen(answers: ScreeningAnswers, policy: PolicyConfig = DEFAULT_POLICY) -> ScreeningResult:
    """Decide whether a plan may be generated: cleared, clearance required, or stop and refer.

    Red flags win over clearance; every reason is returned, not just the one that decided.
    Raises :class:`~retrowalk.clinical.errors.InvalidInputError` for an age outside
    ``AGE_MIN_YEARS``–``AGE_MAX_YEARS``, a non-boolean answer or a PAR-Q without 7 answers.
    Sources: parq_classic, nhs_knee_red_flags, ottawa_knee_rule, steadi. Whether PAR-Q item 5
    alone requires clearance is **policy** (``policy.parq_joint_problem_requires_clearance``).
    """
    _check_answers(answers)
    flags = sorted(
        answers.red_flags,
        key=lambda f: (f.info.urgency is not RedFlagUrgency.URGENT, list(KneeRedFlag).index(f)),
    )
    parq = _parq_reasons(answers, policy)
    reasons = [_red_flag_reason(f) for f in flags]
    reasons += [reason for reason, _ in parq]
    reasons += _steadi_reasons(answers.steadi)
    needs_clearance = any(blocks for _, blocks in parq)

    actions: list[str] = []
    if flags:
        outcome = ScreeningOutcome.STOP_AND_REFER
        for flag in flags:
            if flag.info.action not in actions:
                actions.append(flag.info.action)
    elif needs_clearance:
        outcome = ScreeningOutcome.CLEARANCE_REQUIRED
        actions.append(CLEARANCE_ACTION)
    else:
        outcome = ScreeningOutcome.CLEARED
        actions.append(CLEARED_ACTION)
    if not reasons:
        reasons.append(
            Reason(
                code="screening.cleared",
                message="No PAR-Q item needing clearance and no knee red flag.",
                sources=PARQ_SOURCES + RED_FLAG_SOURCES,
            )
        )
    return ScreeningResult(
        outcome=outcome,
        reasons=tuple(reasons),
        actions=tuple(actions),
        red_flags=tuple(flags),
        steadi=answers.steadi,
    )
