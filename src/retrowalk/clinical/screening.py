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

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt

from retrowalk.clinical.errors import InvalidInputError
from retrowalk.clinical.norms import (
    BACKWARD_WALK_3M_SOURCES,
    PARQ_AGE_NOTE_ABOVE_YEARS,
    PARQ_SOURCES,
    RED_FLAG_SOURCES,
    STEADI_QUESTION_SOURCES,
)
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.red_flags import (
    KneeRedFlag,
    by_urgency,
    red_flag_reason,
)

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


USED_TO_ACTIVITY_QUESTION: Final[str] = (
    "Are you used to being physically active (for example, walking most days)?"
)
"""With age over 69, a "no" needs clearance (the PAR-Q note, RULES.md §1.1)."""

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
    answered_outcome: ScreeningOutcome | None = None
    """What these answers alone decided, where the result is the walker's standing after
    them (:func:`retrowalk.clinical.restrictions.screening_as_it_stands`); None: ``outcome``
    is the answers' own."""


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
                    clinician_message=(
                        f"Knee surgery in the last {policy.recent_knee_surgery_weeks} weeks: "
                        "rehabilitation after an operation belongs to the walker's surgical "
                        "team, so a clinician must clear her first (retrowalk policy)."
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
                    clinician_message=(
                        "The walker uses a walking aid: the 3-metre backward-walk limits were "
                        "found in people walking without one, so every session is supervised "
                        "(retrowalk policy) until a clinician decides otherwise."
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
                    clinician_message=(
                        "The walker takes a blood-thinning medicine: if her fall risk is high "
                        "or not known, a clinician must clear her first, because a fall costs "
                        "more (retrowalk policy)."
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
                    clinician_message="The walker has a fever or feels unwell.",
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
                            f'You answered yes to "{question}" (question {number} of the '
                            "PAR-Q). It is noted: most people with knee pain answer yes, so on "
                            "its own it does not need a clinician's clearance (retrowalk policy)."
                        ),
                        clinician_message=(
                            f'The walker answered yes to "{question}" (question {number} of '
                            "the PAR-Q). It is noted: most people with knee pain answer yes, so "
                            "on its own it does not need a clinician's clearance (retrowalk "
                            "policy)."
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
                            f'You answered yes to "{question}" (question {number} of the '
                            "PAR-Q): a clinician must clear you before the first session."
                        ),
                        clinician_message=(
                            f'The walker answered yes to "{question}" (question {number} of '
                            "the PAR-Q): a clinician must clear her before the first session."
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
                    clinician_message=(
                        f"Age {answers.age_years} (over {PARQ_AGE_NOTE_ABOVE_YEARS}) and not "
                        "used to being active: the PAR-Q asks the walker to check with a doctor "
                        "first."
                    ),
                    sources=PARQ_SOURCES,
                ),
                True,
            )
        )
    return found


def _steadi_reasons(steadi: SteadiAnswers) -> list[Reason]:
    return [
        Reason(
            code=f"screening.steadi.{name}",
            message=(
                f"You answered yes to “{STEADI_QUESTIONS[name]}”: it is kept for the "
                "fall-risk assessment."
            ),
            clinician_message=(
                f"STEADI question answered yes (“{STEADI_QUESTIONS[name]}”): recorded for the "
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
