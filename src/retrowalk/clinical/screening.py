"""Screening before any plan (RULES.md §1.1, §1.2, and the STEADI key questions of §1.3).

Three questionnaires, kept here as data so every UI shows the same words:

- the classic 7-item PAR-Q (readiness for activity): any YES except item 5 → a clinician must
  clear the walker first; item 5 (a bone or joint problem) is expected YES in knee pain and is
  recorded without blocking (**policy**); over 69 and not used to activity → clearance too;
- knee red flags: any flag → stop and refer, no plan is generated; a hot, swollen knee stops
  with or without fever (same-day doctor; with fever, emergency care: possible infection), and
  every question is asked positively, so "no" never means "no, I cannot" (RULES.md §7.6);
- the STEADI key questions: recorded here, they feed :mod:`retrowalk.clinical.fall_risk` and do
  not change the screening outcome by themselves;
- the questions of RULES.md §7.6, kept with the screening: a walking aid (every session
  supervised, **policy**), blood-thinning medicine (shown to the clinician; with high or
  unknown fall risk a clearance is needed, **policy**), knee surgery in the last
  ``PolicyConfig.recent_knee_surgery_weeks`` weeks (clearance required, **policy**), and fever.

What a screening *restricts* over time (and that a later screening can only add to it) is
:mod:`retrowalk.clinical.restrictions`' business.

The program supports clinical care; a screening result is never a diagnosis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt

from retrowalk.clinical.errors import InvalidInputError
from retrowalk.clinical.norms import (
    BACKWARD_WALK_3M_SOURCES,
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
    SAME_DAY = "same_day"
    """See a doctor today."""
    SOON = "soon"
    """See a doctor soon."""


class RedFlagInfo(BaseModel):
    """What a red flag asks, how urgent it is and what the person should do, in plain words.

    ``question`` is asked positively and answered yes or no; ``flag_when`` is the answer that
    raises the flag (``False`` for "Can you put weight on the leg and take 4 steps?").
    ``statement`` is the flag in the first person, for the tick list of the morning check-in.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str
    flag_when: bool = True
    statement: str
    urgency: RedFlagUrgency
    action: str
    sources: tuple[str, ...]


class KneeRedFlag(StrEnum):
    """The knee red flags of RULES.md §1.2; any one stops the program and refers the person."""

    INFECTION = "infection"
    """A hot, swollen knee WITH fever or feeling unwell (possible infection): emergency care.
    The screening derives it from :attr:`HOT_SWOLLEN_KNEE` and the separate fever question."""
    HOT_SWOLLEN_KNEE = "hot_swollen_knee"
    """A hot, swollen knee, with or without fever: a doctor the same day (RULES.md §7.6)."""
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
    KNEE_GIVING_WAY = "knee_giving_way"
    """Asked at the morning check-in (RULES.md §7.7): the knee gave way under the walker."""

    @property
    def info(self) -> RedFlagInfo:
        """The question, urgency and action of this flag."""
        return RED_FLAGS[self]


_EMERGENCY_NOW: Final[str] = (
    "Get emergency care now (an emergency department or your local emergency number); "
    "do not start or continue backward walking."
)
_SEE_DOCTOR_TODAY: Final[str] = (
    "See a doctor today (your GP or an urgent care service) and show them this answer; do "
    "not start or continue backward walking until they have seen you."
)
_SEE_DOCTOR_SOON: Final[str] = (
    "Book an appointment with your doctor soon and show them this answer; do not start "
    "backward walking until they have seen you."
)

RED_FLAGS: Final[Mapping[KneeRedFlag, RedFlagInfo]] = {
    KneeRedFlag.INFECTION: RedFlagInfo(
        question="Is your knee hot and swollen, and do you have a fever or feel unwell?",
        statement="My knee is hot and swollen, and I have a fever or feel unwell",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW + " A hot, swollen knee with fever can be an infection.",
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.HOT_SWOLLEN_KNEE: RedFlagInfo(
        question="Is your knee hot and swollen (with or without a fever)?",
        statement="My knee is hot and swollen",
        urgency=RedFlagUrgency.SAME_DAY,
        action=_SEE_DOCTOR_TODAY + " A hot, swollen joint needs a doctor's check, even without "
        "a fever.",
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.FRACTURE_DISLOCATION_OR_TENDON_RUPTURE: RedFlagInfo(
        question=(
            "After an injury, could the knee be broken or dislocated, or a tendon torn "
            "(for example, you cannot straighten the leg)?"
        ),
        statement="After an injury, my knee could be broken, dislocated or a tendon torn",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW + " An X-ray or scan may be needed after an injury.",
        sources=RED_FLAG_TRAUMA_SOURCES,
    ),
    KneeRedFlag.CANNOT_BEAR_WEIGHT: RedFlagInfo(
        question="Can you put weight on the leg and take 4 steps?",
        flag_when=False,
        statement="I cannot put weight on the leg, or cannot take 4 steps",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW,
        sources=RED_FLAG_TRAUMA_SOURCES,
    ),
    KneeRedFlag.LOCKED_KNEE: RedFlagInfo(
        question="Is your knee locked (stuck, so that you cannot straighten or bend it)?",
        statement="My knee is locked (stuck, I cannot straighten or bend it)",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.RAPID_SWELLING_AFTER_INJURY: RedFlagInfo(
        question="Did your knee swell up a lot within about 2 hours of an injury?",
        statement="My knee swelled up a lot within about 2 hours of an injury",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.CALF_PAIN_SWELLING_WARMTH: RedFlagInfo(
        question="Is your calf painful, swollen or warm?",
        statement="My calf is painful, swollen or warm",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW + " Calf pain with swelling or warmth can be a blood clot.",
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.NEW_NUMBNESS_OR_WEAKNESS: RedFlagInfo(
        question="Do you have new numbness or weakness in the leg or foot?",
        statement="I have new numbness or weakness in the leg or foot",
        urgency=RedFlagUrgency.URGENT,
        action=_EMERGENCY_NOW,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.UNEXPLAINED_WEIGHT_LOSS: RedFlagInfo(
        question="Have you lost weight without trying?",
        statement="I have lost weight without trying",
        urgency=RedFlagUrgency.SOON,
        action=_SEE_DOCTOR_SOON,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.HARD_LUMP: RedFlagInfo(
        question="Is there a hard lump in or around the knee?",
        statement="There is a hard lump in or around my knee",
        urgency=RedFlagUrgency.SOON,
        action=_SEE_DOCTOR_SOON,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.CONSTANT_PAIN_AT_NIGHT_OR_REST: RedFlagInfo(
        question="Is the pain constant, even at night or when you rest?",
        statement="The pain is constant, even at night or when I rest",
        urgency=RedFlagUrgency.SOON,
        action=_SEE_DOCTOR_SOON,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.NEW_SWELLING_OF_SEVERAL_JOINTS_OR_MORNING_STIFFNESS: RedFlagInfo(
        question=(
            "Have several of your joints newly swollen, or are your joints stiff for more than "
            "30 minutes in the morning?"
        ),
        statement=(
            "Several of my joints are newly swollen, or my joints are stiff for more than "
            "30 minutes in the morning"
        ),
        urgency=RedFlagUrgency.SOON,
        action=_SEE_DOCTOR_SOON,
        sources=RED_FLAG_SOURCES,
    ),
    KneeRedFlag.KNEE_GIVING_WAY: RedFlagInfo(
        question="Has your knee given way (buckled) under you since your last session?",
        statement="My knee has given way (buckled) under me",
        urgency=RedFlagUrgency.SOON,
        action=(
            "Do not walk backward again until your clinician or a doctor has checked your "
            "knee: contact them today and tell them it gave way."
        ),
        sources=RED_FLAG_SOURCES,
    ),
}
"""Every red flag with its question, urgency and action (NHS knee red-flag pathways; the Ottawa
knee rule for injuries). The questions are plain-language paraphrases of RULES.md §1.2 and
§7.6–7.7. That the knee giving way asks for a check before walking again (not emergency care)
is retrowalk **policy**: RULES.md §7.7 lists it with the stop-and-refer flags without an
urgency."""

SCREENING_RED_FLAGS: Final[tuple[KneeRedFlag, ...]] = tuple(
    flag for flag in KneeRedFlag if flag not in (KneeRedFlag.INFECTION, KneeRedFlag.KNEE_GIVING_WAY)
)
"""The red-flag questions of the screening, in order. ``infection`` is not asked on its own:
it is a hot, swollen knee (asked) with fever (asked separately, RULES.md §7.6)."""

CHECKIN_RED_FLAGS: Final[tuple[KneeRedFlag, ...]] = (
    KneeRedFlag.CALF_PAIN_SWELLING_WARMTH,
    KneeRedFlag.HOT_SWOLLEN_KNEE,
    KneeRedFlag.LOCKED_KNEE,
    KneeRedFlag.KNEE_GIVING_WAY,
    KneeRedFlag.CANNOT_BEAR_WEIGHT,
)
"""What the morning check-in asks about as new since the last session (RULES.md §7.7)."""

FEVER_QUESTION: Final[str] = "Do you have a fever, or do you feel unwell?"
"""Asked separately from the hot, swollen knee (RULES.md §7.6)."""


def red_flag_from_answer(flag: KneeRedFlag, answer: bool) -> bool:
    """Whether this yes/no answer to the flag's (positively worded) question raises it."""
    return answer is RED_FLAGS[flag].flag_when


# --- RULES.md §7.5–7.6: more questions, asked once and kept with the screening ---------------

WALKING_AID_QUESTION: Final[str] = (
    "Do you use a walking stick (cane), crutches or a walking frame (walker) to get about?"
)
ANTICOAGULANT_QUESTION: Final[str] = (
    "Do you take a blood-thinning medicine (an anticoagulant, for example warfarin)?"
)


def recent_surgery_question(policy: PolicyConfig = DEFAULT_POLICY) -> str:
    """The knee-surgery question, with the policy's number of weeks in it."""
    return (
        "Have you had an operation on this knee (for example a knee replacement or an "
        f"arthroscopy) in the last {policy.recent_knee_surgery_weeks} weeks?"
    )


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
    fever_or_unwell: StrictBool | None = None
    """Asked separately from the hot, swollen knee; with it, the flag is a possible infection."""
    uses_walking_aid: StrictBool | None = None
    """A cane, crutches or a walker (RULES.md §7.5)."""
    takes_anticoagulant: StrictBool | None = None
    """Blood-thinning medicine (RULES.md §7.6)."""
    recent_knee_surgery: StrictBool | None = None
    """Knee surgery in the last ``PolicyConfig.recent_knee_surgery_weeks`` weeks (§7.6)."""
    # None on the four questions above = not asked: screenings recorded before 2026-12.


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
    uses_walking_aid: bool | None = None
    """Recorded; every session supervised (:mod:`retrowalk.clinical.restrictions`)."""
    takes_anticoagulant: bool | None = None
    """Recorded and shown to the clinician; with high or unknown fall risk, clearance."""


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
    for name in ("fever_or_unwell", "uses_walking_aid", "takes_anticoagulant"):
        value = getattr(answers, name)
        if value is not None:
            check_answer(value, name)
    if answers.recent_knee_surgery is not None:
        check_answer(answers.recent_knee_surgery, "recent_knee_surgery")


def present_red_flags(answers: ScreeningAnswers) -> frozenset[KneeRedFlag]:
    """The red flags the answers raise: a hot, swollen knee with fever is a possible
    infection (emergency care); without fever it still needs a doctor the same day."""
    flags = set(answers.red_flags)
    if KneeRedFlag.HOT_SWOLLEN_KNEE in flags and answers.fever_or_unwell:
        flags.discard(KneeRedFlag.HOT_SWOLLEN_KNEE)
        flags.add(KneeRedFlag.INFECTION)
    return frozenset(flags)


def _more_reasons(answers: ScreeningAnswers, policy: PolicyConfig) -> list[tuple[Reason, bool]]:
    """The §7.5–7.6 answers as reasons, with whether each requires clearance."""
    found: list[tuple[Reason, bool]] = []
    if answers.recent_knee_surgery:
        found.append(
            (
                Reason(
                    code="screening.recent_knee_surgery",
                    message=(
                        f"Knee surgery in the last {policy.recent_knee_surgery_weeks} weeks: "
                        "rehabilitation after an operation belongs to your surgical team, so a "
                        "clinician must clear you first (retrowalk policy)."
                    ),
                    policy=True,
                ),
                True,
            )
        )
    if answers.uses_walking_aid:
        found.append(
            (
                Reason(
                    code="screening.walking_aid",
                    message=(
                        "You use a walking aid: the 3-metre backward-walk limits were found in "
                        "people walking without one, so every session is supervised (retrowalk "
                        "policy) until your clinician decides otherwise."
                    ),
                    sources=BACKWARD_WALK_3M_SOURCES,
                    policy=True,
                ),
                False,
            )
        )
    if answers.takes_anticoagulant:
        found.append(
            (
                Reason(
                    code="screening.anticoagulant",
                    message=(
                        "You take a blood-thinning medicine: your clinician sees this, and if "
                        "your fall risk is high or not known they must clear you first, because "
                        "a fall costs more (retrowalk policy)."
                    ),
                    policy=True,
                ),
                False,
            )
        )
    if answers.fever_or_unwell and KneeRedFlag.HOT_SWOLLEN_KNEE not in answers.red_flags:
        found.append(
            (
                Reason(
                    code="screening.fever",
                    message="You have a fever or feel unwell: recorded for your clinician.",
                ),
                False,
            )
        )
    return found


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


URGENCY_WORDS: Final[Mapping[RedFlagUrgency, str]] = {
    RedFlagUrgency.URGENT: "emergency care now",
    RedFlagUrgency.SAME_DAY: "a doctor today",
    RedFlagUrgency.SOON: "a doctor soon",
}


def red_flag_reason(flag: KneeRedFlag, code_prefix: str = "screening.red_flag") -> Reason:
    """The reason a red flag gives, in the walker's words: what is wrong and how soon."""
    info = flag.info
    return Reason(
        code=f"{code_prefix}.{flag.value}",
        message=f"Red flag: {info.statement}, so you need {URGENCY_WORDS[info.urgency]}.",
        sources=info.sources,
        policy=flag is KneeRedFlag.KNEE_GIVING_WAY,
    )


def by_urgency(flags: Iterable[KneeRedFlag]) -> list[KneeRedFlag]:
    """Red flags most urgent first, then in the order of :class:`KneeRedFlag`."""
    order = list(RedFlagUrgency)
    return sorted(
        set(flags), key=lambda f: (order.index(f.info.urgency), list(KneeRedFlag).index(f))
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


def clearance_reasons(
    answers: ScreeningAnswers, policy: PolicyConfig = DEFAULT_POLICY
) -> tuple[Reason, ...]:
    """The reasons in these answers that require a clinician's clearance (empty: none)."""
    _check_answers(answers)
    found = _parq_reasons(answers, policy) + _more_reasons(answers, policy)
    return tuple(reason for reason, blocks in found if blocks)


def screen(answers: ScreeningAnswers, policy: PolicyConfig = DEFAULT_POLICY) -> ScreeningResult:
    """Decide whether a plan may be generated: cleared, clearance required, or stop and refer.

    Red flags win over clearance; every reason is returned, not just the one that decided.
    Raises :class:`~retrowalk.clinical.errors.InvalidInputError` for an age outside
    ``AGE_MIN_YEARS``–``AGE_MAX_YEARS``, a non-boolean answer or a PAR-Q without 7 answers.
    Sources: parq_classic, nhs_knee_red_flags, ottawa_knee_rule, steadi. Whether PAR-Q item 5
    alone requires clearance is **policy** (``policy.parq_joint_problem_requires_clearance``).
    """
    _check_answers(answers)
    flags = by_urgency(present_red_flags(answers))
    parq = _parq_reasons(answers, policy) + _more_reasons(answers, policy)
    reasons = [red_flag_reason(f) for f in flags]
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
        uses_walking_aid=answers.uses_walking_aid,
        takes_anticoagulant=answers.takes_anticoagulant,
    )
