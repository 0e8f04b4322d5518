"""Knee red flags (RULES.md §1.2, §7.6): each sign, how urgent it is, the question that asks
for it (positively, so a walker answers yes to a warning sign), and what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from retrowalk.clinical.norms import (
    RED_FLAG_SOURCES,
    RED_FLAG_TRAUMA_SOURCES,
)
from retrowalk.clinical.reasons import Reason


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
    "not start or continue backward walking until your clinician has lifted this stop."
)


_SEE_DOCTOR_SOON: Final[str] = (
    "Book an appointment with your doctor soon and show them this answer; do not start "
    "backward walking until your clinician has lifted this stop."
)
"""A doctor's visit does not lift the stop by itself: only the clinician's recorded clearance
does (RULES.md §7.1), so the action says who (found by the outside-in test of the words)."""


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
            "Contact your clinician soon and tell them your knee gave way; do not walk "
            "backward again until they have checked your knee and lifted this stop."
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
"""What the morning check-in asks about as new since the last session (RULES.md §7.7), and
what a walker can report at any time, without waiting for the next morning."""


FEVER_QUESTION: Final[str] = "Do you have a fever, or do you feel unwell?"
"""Asked separately from the hot, swollen knee (RULES.md §7.6)."""


def red_flag_from_answer(flag: KneeRedFlag, answer: bool) -> bool:
    """Whether this yes/no answer to the flag's (positively worded) question raises it."""
    return answer is RED_FLAGS[flag].flag_when


URGENCY_WORDS: Final[Mapping[RedFlagUrgency, str]] = {
    RedFlagUrgency.URGENT: "emergency care now",
    RedFlagUrgency.SAME_DAY: "a doctor today",
    RedFlagUrgency.SOON: "a doctor soon",
}

URGENCY_WHEN: Final[Mapping[RedFlagUrgency, str]] = {
    RedFlagUrgency.URGENT: "now",
    RedFlagUrgency.SAME_DAY: "today",
    RedFlagUrgency.SOON: "soon",
}
"""The one word of each urgency that a flag's action and every sentence quoting the flag
share (found by the outside-in test: the knee giving way read "soon" and "today" on one
page)."""


def red_flag_reason(flag: KneeRedFlag, code_prefix: str = "screening.red_flag") -> Reason:
    """The reason a red flag gives, in the walker's words (what is wrong and how soon) and in
    the clinician's (its clinical name and how soon)."""
    info = flag.info
    return Reason(
        code=f"{code_prefix}.{flag.value}",
        # Her own words quoted as hers (found by the outside-in test: "Red flag: My calf is
        # painful…" read as if the program spoke in the first person).
        message=(
            f"Red flag: you said “{info.statement}”, so you need {URGENCY_WORDS[info.urgency]}."
        ),
        clinician_message=f"Red flag: {red_flag_for_clinician(flag)}.",
        sources=info.sources,
        policy=flag is KneeRedFlag.KNEE_GIVING_WAY,
    )


CLINICIAN_NAMES: Final[Mapping[KneeRedFlag, str]] = {
    KneeRedFlag.INFECTION: "hot, swollen knee with fever or feeling unwell (possible infection)",
    KneeRedFlag.HOT_SWOLLEN_KNEE: "hot, swollen knee",
    KneeRedFlag.FRACTURE_DISLOCATION_OR_TENDON_RUPTURE: (
        "suspected fracture, dislocation or tendon rupture"
    ),
    KneeRedFlag.CANNOT_BEAR_WEIGHT: "cannot bear weight or take 4 steps",
    KneeRedFlag.LOCKED_KNEE: "locked knee",
    KneeRedFlag.RAPID_SWELLING_AFTER_INJURY: "rapid large swelling within about 2 h of an injury",
    KneeRedFlag.CALF_PAIN_SWELLING_WARMTH: "calf pain, swelling or warmth (possible DVT)",
    KneeRedFlag.NEW_NUMBNESS_OR_WEAKNESS: "new numbness or weakness (neurovascular)",
    KneeRedFlag.UNEXPLAINED_WEIGHT_LOSS: "unexplained weight loss",
    KneeRedFlag.HARD_LUMP: "a hard lump",
    KneeRedFlag.CONSTANT_PAIN_AT_NIGHT_OR_REST: "constant pain at night or at rest",
    KneeRedFlag.NEW_SWELLING_OF_SEVERAL_JOINTS_OR_MORNING_STIFFNESS: (
        "new swelling of several joints or morning stiffness over 30 min"
    ),
    KneeRedFlag.KNEE_GIVING_WAY: "knee giving way",
}
"""Each red flag as RULES.md §1.2 and §7.7 name it: for the clinician's screens and the exports,
where the walker's own first-person ticks ("My calf is painful") would read as the clinician's."""


def red_flag_for_clinician(flag: KneeRedFlag) -> str:
    """One red flag for the clinician: its clinical name and how soon a doctor is needed."""
    return f"{CLINICIAN_NAMES[flag]}, needing {URGENCY_WORDS[flag.info.urgency]}"


_URGENCY_ORDER: Final[tuple[RedFlagUrgency, ...]] = tuple(RedFlagUrgency)


def urgency_rank(flag: KneeRedFlag) -> int:
    """0 for the most urgent: emergency care, then a doctor today, then a doctor soon
    (RULES.md §1.2 "Urgent" and "Soon", §7.6 "the same day"; :class:`RedFlagUrgency`)."""
    return _URGENCY_ORDER.index(flag.info.urgency)


def by_urgency(flags: Iterable[KneeRedFlag]) -> list[KneeRedFlag]:
    """Red flags most urgent first, then in the order of :class:`KneeRedFlag`."""
    found = set(flags)
    if not found:
        return []  # the usual case, on every record read: no list of the enums built
    return sorted(found, key=lambda f: (urgency_rank(f), list(KneeRedFlag).index(f)))
