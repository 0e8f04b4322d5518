"""Plain words for the values the services return (surfaces, decisions, flags, statuses)."""

from __future__ import annotations

from retrowalk.clinical.fall_risk import Surface
from retrowalk.services.schemas import Flag

SURFACE_WORDS: dict[str, str] = {
    Surface.TREADMILL_WITH_HANDRAILS.value: "a treadmill with handrails",
    Surface.HALLWAY_WITH_RAIL_AND_SPOTTER.value: "a hallway with a rail, with someone beside you",
    Surface.FLAT_CLEAR_KNOWN_PATH.value: "a flat, clear path you know",
    Surface.TREADMILL.value: "a treadmill",
}

DECISION_WORDS: dict[str, str] = {
    "start": "Starting plan",
    "progress": "Step up",
    "hold": "Stay at this level",
    "regress": "Step down",
    "step_back": "Step back after a break",
    "adjust": "Changed by your clinician",
    "reassess": "Changed after your reassessment",
}

FLAG_WORDS: dict[str, str] = {
    Flag.PAIN_FLARE.value: "Pain flare",
    Flag.MORNING_PAIN_UP.value: "Next-morning pain up",
    Flag.ADVERSE_EVENT.value: "Adverse event",
    Flag.WAITING_FOR_CLEARANCE.value: "Waiting for clearance",
    Flag.MISSED_SESSIONS.value: "Missed sessions",
    Flag.REASSESSMENT_DUE.value: "Reassessment due",
}

ADVERSE_EVENT_WORDS: dict[str, str] = {
    "fall": "I fell",
    "near_fall": "I nearly fell",
    "dizziness": "I felt dizzy or faint",
    "chest_pain": "I had chest pain",
    "sharp_knee_pain": "Sharp pain in my knee",
}

CONDITION_WORDS: dict[str, str] = {
    "oa": "knee osteoarthritis",
    "patellofemoral_pain": "patellofemoral (kneecap) pain",
}

SCREENING_OUTCOME_WORDS: dict[str, str] = {
    "cleared": "You can go on to the baseline tests.",
    "clearance_required": "A clinician needs to clear you before your first session.",
    "stop_and_refer": "Please do not start backward walking: see a doctor first.",
}


def surface(value: object) -> str:
    key = getattr(value, "value", value)
    return SURFACE_WORDS.get(str(key), str(key).replace("_", " "))


def decision(value: str) -> str:
    return DECISION_WORDS.get(value, value.replace("_", " ").capitalize())


def flag(value: object) -> str:
    key = str(getattr(value, "value", value))
    return FLAG_WORDS.get(key, key.replace("_", " ").capitalize())


def adverse_event(value: str) -> str:
    return ADVERSE_EVENT_WORDS.get(value, value.replace("_", " "))
