"""Plain words for the coded values the terminal shows (surfaces, flags, conditions, decisions).

The services return codes such as ``flat_clear_known_path`` or ``missed_sessions``; a walker or
a physiotherapist reading the terminal should see words. ``--json`` output keeps the codes.
(The web app has its own wording in ``retrowalk.web.labels``.)
"""

from __future__ import annotations

from collections.abc import Iterable

from retrowalk.clinical.fall_risk import Sex
from retrowalk.clinical.norms import KM_H_PER_M_S
from retrowalk.clinical.prescription import KneeCondition
from retrowalk.clinical.surfaces import Surface
from retrowalk.services.schemas import Flag

SURFACE_WORDS: dict[str, str] = {
    Surface.TREADMILL_WITH_HANDRAILS.value: "a treadmill with handrails",
    Surface.HALLWAY_WITH_RAIL_AND_SPOTTER.value: "a hallway with a rail, with someone beside you",
    Surface.FLAT_CLEAR_KNOWN_PATH.value: "a flat, clear path you know",
    Surface.TREADMILL.value: "a treadmill",
}

CONDITION_WORDS: dict[str, str] = {
    KneeCondition.OA.value: "knee osteoarthritis",
    KneeCondition.PATELLOFEMORAL_PAIN.value: "patellofemoral pain (pain around the kneecap)",
}

CONDITION_SHORT_WORDS: dict[str, str] = {
    KneeCondition.OA.value: "osteoarthritis",
    KneeCondition.PATELLOFEMORAL_PAIN.value: "patellofemoral pain",
}
"""For the narrow ``knee`` column of ``walker list``."""

SEX_WORDS: dict[str, str] = {Sex.FEMALE.value: "female", Sex.MALE.value: "male"}

FLAG_WORDS: dict[str, str] = {
    Flag.RED_FLAG.value: "red flag",
    Flag.REST_DAY.value: "rest day",
    Flag.FALL_RISK.value: "fall risk high or not known",
    Flag.WALKING_AID.value: "walking aid",
    Flag.WALKED_OUTSIDE_SUPERVISION.value: "walked alone or off the safe surfaces",
    Flag.PAIN_FLARE.value: "pain flare",
    Flag.MORNING_PAIN_UP.value: "next-morning pain up",
    Flag.ADVERSE_EVENT.value: "adverse event",
    Flag.WAITING_FOR_CLEARANCE.value: "waiting for clearance",
    Flag.MISSED_SESSIONS.value: "missed sessions",
    Flag.REASSESSMENT_DUE.value: "reassessment due",
    Flag.RECORD_UNREADABLE.value: "record needs checking",
}

DECISION_WORDS: dict[str, str] = {
    "start": "start",
    "progress": "step up",
    "hold": "stay",
    "regress": "step down",
    "step_back": "step back after a break",
    "adjust": "changed by clinician",
    "reassess": "changed after reassessment",
    "stop": "stop: adverse event",
    "clear": "cleared by clinician",
    "review": "reviewed by clinician",
}

CHECKIN_DECISION_WORDS: dict[str, str] = {
    "progress": "the plan steps up",
    "hold": "the plan stays at this level",
    "regress": "the plan steps down",
    "step_back": "the plan steps back after a break",
    "stop": "stop now: a clinician reviews what happened",
}
"""What a check-in's decision means for the next session, in a sentence."""

ADVERSE_EVENT_WORDS: dict[str, str] = {
    "fall": "fall",
    "near_fall": "near fall",
    "dizziness": "dizziness",
    "chest_pain": "chest pain",
    "sharp_knee_pain": "sharp knee pain",
}


def speed_words(speed_m_s: float | None) -> str:
    """``0.75 m/s (2.7 km/h)``: a walker sees km/h beside m/s (RULES.md §7.10)."""
    if speed_m_s is None:
        return "—"
    return f"{speed_m_s:.2f} m/s ({speed_m_s * KM_H_PER_M_S:.1f} km/h)"


def _code(value: object) -> str:
    return str(getattr(value, "value", value))


def words(table: dict[str, str], value: object) -> str:
    """The plain words for a code; an unknown code is shown with spaces, never hidden."""
    code = _code(value)
    return table.get(code, code.replace("_", " "))


def word_list(table: dict[str, str], values: Iterable[object]) -> str:
    """Several codes as one comma-separated phrase (``—`` when there are none)."""
    return ", ".join(words(table, v) for v in values) or "—"


def knee(condition: object, side: object) -> str:
    """``knee osteoarthritis, left knee`` (or ``both knees``)."""
    where = _code(side)
    knees = "both knees" if where == "both" else f"{where} knee"
    return f"{words(CONDITION_WORDS, condition)}, {knees}"
