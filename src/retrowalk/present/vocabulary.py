"""One vocabulary: every code the services return, in words, for the web, the CLI and reports.

The services and the clinical core speak in codes (``flat_clear_known_path``, ``step_back``,
``missed_sessions``); people read words. Each enum has ONE table here with two forms:

- ``short``: a phrase for a table cell, a tag or a terminal line ("step up");
- ``long``: the words a walker reads on a page ("Step up").

A :class:`Vocabulary` refuses to be built unless it has words for every member of its enum
(so a new code cannot ship without words), and words an unknown code with spaces instead of
hiding it or failing: one odd stored record never breaks a page or a list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Generic, Literal, TypeVar

from retrowalk.clinical.fall_risk import FallRiskLevel, Sex
from retrowalk.clinical.prescription import KneeCondition
from retrowalk.clinical.restriction_models import RestrictionKind
from retrowalk.clinical.screening import ScreeningOutcome
from retrowalk.clinical.session_records import AdverseEvent
from retrowalk.clinical.surfaces import SURFACE_WORDS, Surface
from retrowalk.present.numbers import speed_words
from retrowalk.services.schemas import Decision, Flag, Role, TodayStatus

E = TypeVar("E", bound=StrEnum)
Form = Literal["short", "long"]


class Vocabulary(Generic[E]):
    """The words of one enum's codes, in a short and a long form."""

    def __init__(self, enum: type[E], words: Mapping[E, tuple[str, str]]) -> None:
        missing = [member.value for member in enum if member not in words]
        if missing:
            raise ValueError(f"{enum.__name__}: no words for {', '.join(missing)}")
        self.enum = enum
        self._words = {member.value: pair for member, pair in words.items()}

    def _pair(self, code: object) -> tuple[str, str] | None:
        return self._words.get(str(getattr(code, "value", code)))

    def short(self, code: object) -> str:
        """The short phrase ("step up"); an unknown code with its underscores as spaces."""
        pair = self._pair(code)
        return pair[0] if pair else str(getattr(code, "value", code)).replace("_", " ")

    def long(self, code: object) -> str:
        """The walker's words ("Step up"); an unknown code capitalised, with spaces."""
        pair = self._pair(code)
        if pair:
            return pair[1]
        return str(getattr(code, "value", code)).replace("_", " ").capitalize()

    def words(self, code: object, form: Form = "long") -> str:
        return self.short(code) if form == "short" else self.long(code)

    def listed(self, codes: Iterable[object], form: Form = "short") -> str:
        """Several codes as one comma-separated phrase (``—`` when there are none)."""
        return ", ".join(self.words(code, form) for code in codes) or "—"

    def choices(self, form: Form = "long") -> dict[str, str]:
        """Code → words for every member, in the enum's order (for a form's options)."""
        return {member.value: self.words(member, form) for member in self.enum}


SURFACES = Vocabulary(
    Surface,
    {
        Surface.TREADMILL_WITH_HANDRAILS: (
            "treadmill with handrails",
            SURFACE_WORDS[Surface.TREADMILL_WITH_HANDRAILS],
        ),
        Surface.HALLWAY_WITH_RAIL_AND_SPOTTER: (
            "hallway with rail and spotter",
            SURFACE_WORDS[Surface.HALLWAY_WITH_RAIL_AND_SPOTTER],
        ),
        Surface.FLAT_CLEAR_KNOWN_PATH: (
            "flat, clear, known path",
            SURFACE_WORDS[Surface.FLAT_CLEAR_KNOWN_PATH],
        ),
        Surface.TREADMILL: ("treadmill", SURFACE_WORDS[Surface.TREADMILL]),
    },
)
"""The long form is the clinical core's own (its reasons use the same words)."""

DECISIONS = Vocabulary(
    Decision,
    {
        Decision.START: ("start", "Starting plan"),
        Decision.PROGRESS: ("step up", "Step up"),
        Decision.HOLD: ("stay", "Stay at this level"),
        Decision.REGRESS: ("step down", "Step down"),
        Decision.STOP: ("stop: adverse event", "Stop: something went wrong"),
        Decision.STEP_BACK: ("step back after a break", "Step back after a break"),
        Decision.ADJUST: ("changed by clinician", "Changed by your clinician"),
        Decision.REASSESS: ("changed after reassessment", "Changed after your reassessment"),
        Decision.CLEAR: ("cleared by clinician", "Cleared by your clinician"),
        Decision.REVIEW: ("reviewed by clinician", "Reviewed by your clinician"),
    },
)

NEXT_PLAN = Vocabulary(
    Decision,
    {
        Decision.START: ("the plan starts", "Your plan starts."),
        Decision.PROGRESS: ("the plan steps up", "Your next session steps up a little."),
        Decision.HOLD: ("the plan stays at this level", "Your next session stays the same."),
        Decision.REGRESS: ("the plan steps down", "Your next session is a little easier."),
        Decision.STOP: (
            "stop now: a clinician reviews what happened",
            "No more sessions until your clinician has reviewed what happened.",
        ),
        Decision.STEP_BACK: (
            "the plan steps back after a break",
            "After your break the next session is a little shorter.",
        ),
        Decision.ADJUST: ("the clinician changed the plan", "Your clinician changed your plan."),
        Decision.REASSESS: (
            "the plan follows the reassessment",
            "Your plan follows your new tests.",
        ),
        Decision.CLEAR: ("the plan goes on", "Your clinician cleared you: your plan goes on."),
        Decision.REVIEW: (
            "the plan goes on after review",
            "Your clinician reviewed what happened: your plan goes on.",
        ),
    },
)
"""What a decision means for the next session: a check-in's answer in a sentence."""

FLAGS = Vocabulary(
    Flag,
    {
        Flag.RED_FLAG: ("red flag", "Red flag"),
        Flag.ADVERSE_EVENT: ("adverse event", "Adverse event"),
        Flag.REST_DAY: ("rest day", "Rest day"),
        Flag.WAITING_FOR_CLEARANCE: ("waiting for clearance", "Waiting for clearance"),
        Flag.FALL_RISK: ("fall risk high or not known", "Fall risk high or not known"),
        Flag.WALKING_AID: ("walking aid", "Walking aid"),
        Flag.WALKED_OUTSIDE_SUPERVISION: (
            "walked alone or off the safe surfaces",
            "Walked alone or off the safe surfaces",
        ),
        Flag.WALKED_AGAINST_RESTRICTION: (
            "walked while sessions were stopped",
            "Walked while sessions were stopped",
        ),
        Flag.ABOVE_PLAN: (
            "well above the plan (retrowalk policy)",
            "Well above the plan (retrowalk policy)",
        ),
        Flag.PAIN_FLARE: ("pain flare", "Pain flare"),
        Flag.MORNING_PAIN_UP: ("next-morning pain up", "Next-morning pain up"),
        Flag.MISSED_SESSIONS: ("missed sessions", "Missed sessions"),
        Flag.MORE_SESSIONS_THAN_PLANNED: (
            "more sessions than planned",
            "More sessions than planned",
        ),
        Flag.RED_FLAGS_UNASKED: (
            "warning-sign questions unasked",
            "Warning-sign questions unasked",
        ),
        Flag.REASSESSMENT_DUE: ("reassessment due", "Reassessment due"),
        Flag.NO_CLINICIAN: ("no clinician", "No clinician"),
        Flag.NOT_SCREENED: ("not screened yet", "Not screened yet"),
        Flag.NO_PLAN: ("no plan yet", "No plan yet"),
        Flag.RECORD_UNREADABLE: ("record needs checking", "Record needs checking"),
    },
)

RESTRICTIONS = Vocabulary(
    RestrictionKind,
    {
        RestrictionKind.RED_FLAG: ("red flag", "A red flag: see a doctor first"),
        RestrictionKind.ADVERSE_EVENT: (
            "adverse-event review",
            "Something went wrong in a session: your clinician reviews it first",
        ),
        RestrictionKind.REST_DAY: ("rest day", "A rest day: no session until your clinician says"),
        RestrictionKind.CLEARANCE_REQUIRED: (
            "clearance to start",
            "A clinician must clear you before your first session",
        ),
        RestrictionKind.FALL_RISK: (
            "fall-risk supervision",
            "Someone with you at every session (your fall risk)",
        ),
        RestrictionKind.WALKING_AID: (
            "walking-aid supervision",
            "Someone with you at every session (your walking aid)",
        ),
    },
)

ADVERSE_EVENTS = Vocabulary(
    AdverseEvent,
    {
        AdverseEvent.FALL: ("fall", "I fell"),
        AdverseEvent.NEAR_FALL: ("near fall", "I nearly fell"),
        AdverseEvent.DIZZINESS: ("dizziness", "I felt dizzy or faint"),
        AdverseEvent.CHEST_PAIN: ("chest pain", "I had chest pain"),
        AdverseEvent.SHARP_KNEE_PAIN: ("sharp knee pain", "Sharp pain in my knee"),
    },
)
"""The long form is the walker's own voice: the answers of "Did anything go wrong?"."""

CONDITIONS = Vocabulary(
    KneeCondition,
    {
        KneeCondition.OA: ("osteoarthritis", "knee osteoarthritis"),
        KneeCondition.PATELLOFEMORAL_PAIN: (
            "patellofemoral pain",
            "patellofemoral pain (pain around the kneecap)",
        ),
    },
)

SEXES = Vocabulary(Sex, {Sex.FEMALE: ("female", "female"), Sex.MALE: ("male", "male")})

FALL_RISKS = Vocabulary(
    FallRiskLevel,
    {
        FallRiskLevel.LOW: ("low fall risk", "Low fall risk"),
        FallRiskLevel.HIGH: ("high fall risk", "High fall risk"),
        FallRiskLevel.NOT_KNOWN: ("fall risk not known", "Fall risk not known"),
    },
)

SCREENING_OUTCOMES = Vocabulary(
    ScreeningOutcome,
    {
        ScreeningOutcome.CLEARED: ("cleared", "Nothing in your answers stops you from starting."),
        ScreeningOutcome.CLEARANCE_REQUIRED: (
            "clearance required",
            "A clinician needs to clear you before your first session.",
        ),
        ScreeningOutcome.STOP_AND_REFER: (
            "stop and refer",
            "Please do not start backward walking: a warning sign (red flag) stops it. Get the "
            "care it asks for, and only your clinician can lift the stop.",
        ),
    },
)

TODAY_STATUSES = Vocabulary(
    TodayStatus,
    {
        TodayStatus.NEEDS_SCREENING: ("safety questions first", "Answer the safety questions."),
        TodayStatus.STOPPED: (
            "stopped: red flag",
            "No backward walking: a warning sign (red flag) stops it. Get the care it asks "
            "for, and only your clinician can lift the stop.",
        ),
        TodayStatus.WAITING_FOR_REVIEW: (
            "waiting for review",
            "No session today: your clinician first reviews what happened.",
        ),
        TodayStatus.REST_DAY: (
            "rest day",
            "Today is a rest day: no session until your clinician has looked at how your knee "
            "is. Please contact your clinician.",
        ),
        TodayStatus.WAITING_FOR_CLEARANCE: (
            "waiting for clearance",
            "No session yet: your clinician must clear you first.",
        ),
        TodayStatus.SEE_CLINICIAN: (
            "see clinician",
            "Backward walking is not for you yet: please see your clinician.",
        ),
        TodayStatus.NEEDS_ASSESSMENT: ("tests first", "Do the baseline tests."),
        TodayStatus.NEEDS_SPEED_TEST: ("speed test first", "Do the speed test."),
        TodayStatus.NEEDS_PLAN: ("plan to make", "Make your plan."),
        TodayStatus.CHECKIN_FIRST: (
            "morning check-in first",
            "First the morning check-in: how your knee is the morning after decides today.",
        ),
        TodayStatus.RED_FLAGS_FIRST: (
            "warning-sign questions first",
            "First the questions about warning signs: a morning check-in was closed without "
            "your answers.",
        ),
        TodayStatus.READY: ("ready", "Here is today's session."),
        TodayStatus.DONE_TODAY: ("done today", "Today's session is logged."),
    },
)

ROLES = Vocabulary(
    Role,
    {
        Role.WALKER: ("walker", "Walker"),
        Role.CLINICIAN: ("clinician", "Clinician"),
        Role.ADMIN: ("admin", "Administrator"),
    },
)

RED_FLAGS_BEFORE_LOGGING = (
    "Before you log a session, please answer the questions about warning signs. Your morning "
    "check-in after your session on {day} was closed without your answers, because another "
    "session was logged first. It takes a moment."
)
"""The top of the log form while the warning-sign questions wait (found by the outside-in
test: the form said nothing, and the refusal after it came as "Please check: …")."""

ALL: tuple[Vocabulary[StrEnum], ...] = (
    SURFACES,
    DECISIONS,
    NEXT_PLAN,
    FLAGS,
    RESTRICTIONS,
    ADVERSE_EVENTS,
    CONDITIONS,
    SEXES,
    FALL_RISKS,
    SCREENING_OUTCOMES,
    TODAY_STATUSES,
    ROLES,
)  # type: ignore[assignment]
"""Every table (the test checks each has words for every member)."""


def knee(condition: object, side: object, form: Form = "long") -> str:
    """``knee osteoarthritis, left knee`` (or ``both knees``)."""
    where = str(getattr(side, "value", side))
    knees = "both knees" if where == "both" else f"{where} knee"
    return f"{CONDITIONS.words(condition, form)}, {knees}"


def plan_words(duration_min: float, speed_m_s: float, surface: object) -> str:
    """A plan in one line for the walker: ``10 minutes at 0.75 m/s (2.7 km/h), on a treadmill
    with handrails`` (the log form says it where its boxes are empty)."""
    minutes = "1 minute" if duration_min == 1 else f"{duration_min:g} minutes"
    return f"{minutes} at {speed_words(speed_m_s)}, on {SURFACES.long(surface)}"
