"""Plain words for the values the services return (surfaces, decisions, flags, statuses)."""

from __future__ import annotations

from retrowalk.clinical.fall_risk import Surface
from retrowalk.clinical.norms import BACKWARD_WALK_3M_DISTANCE_M, CHAIR_STAND_DURATION_S
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
    "stop": "Stop: something went wrong",
    "clear": "Cleared by your clinician",
    "review": "Reviewed by your clinician",
}

FLAG_WORDS: dict[str, str] = {
    Flag.RED_FLAG.value: "Red flag",
    Flag.REST_DAY.value: "Rest day",
    Flag.FALL_RISK.value: "Fall risk high or not known",
    Flag.WALKING_AID.value: "Walking aid",
    Flag.WALKED_OUTSIDE_SUPERVISION.value: "Walked alone or off the safe surfaces",
    Flag.PAIN_FLARE.value: "Pain flare",
    Flag.MORNING_PAIN_UP.value: "Next-morning pain up",
    Flag.ADVERSE_EVENT.value: "Adverse event",
    Flag.WAITING_FOR_CLEARANCE.value: "Waiting for clearance",
    Flag.MISSED_SESSIONS.value: "Missed sessions",
    Flag.REASSESSMENT_DUE.value: "Reassessment due",
    Flag.RECORD_UNREADABLE.value: "Record needs checking",
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

BLOCKED_STATUS_WORDS: dict[str, str] = {
    "stopped": "No backward walking: please see a doctor first.",
    "waiting_for_review": "No session today: your clinician first reviews what happened.",
    "rest_day": "Today is a rest day: no session. Please contact your clinician.",
    "waiting_for_clearance": "No session yet: your clinician must clear you first.",
}
"""What "today" says when a restriction stops every session (RULES.md §7)."""

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


def condition(value: object) -> str:
    key = str(getattr(value, "value", value))
    return CONDITION_WORDS.get(key, key.replace("_", " "))


def adverse_event(value: str) -> str:
    return ADVERSE_EVENT_WORDS.get(value, value.replace("_", " "))


# --- form questions, as each page shows them (the error summary names them in these words) ---
# tests/web/test_audit.py checks that every one of these appears on its page, so they cannot drift.

LOG_FIELDS: dict[str, str] = {
    "pain_peak_nprs": "Your worst knee pain during the session",
    "pain_before_nprs": "Knee pain just before you started",
    "pain_after_nprs": "Knee pain now",
    "effort_cr10": "How hard was it?",
    "adverse_events": "Did anything go wrong?",
    "supervised": "Was someone with you?",
    "duration_min": "Minutes of backward walking",
    "speed_m_s": "Speed (m/s), if you know it",
    "incline_pct": "Treadmill incline (%)",
    "surface": "Where did you walk?",
    "note": "Note (optional)",
}

CHECKIN_FIELDS: dict[str, str] = {
    "pain_nprs": "Knee pain this morning",
    "stiffness_nprs": "Knee stiffness this morning",
    "new_red_flags": "Is any of these new since your session?",
}

TEST_FIELDS: dict[str, str] = {
    "backward_walk_3m_s": f"Time for {BACKWARD_WALK_3M_DISTANCE_M:g} metres backwards (seconds)",
    "tug_s": "Timed Up and Go (seconds)",
    "chair_stand_count": f"Number of full stands in {CHAIR_STAND_DURATION_S:d} seconds",
    "tandem_stance_s": "Seconds held heel to toe",
    "treadmill_speed_up_m_s": "Comfortable speed going up (m/s)",
    "treadmill_speed_down_m_s": "Comfortable speed coming down (m/s)",
}

JOIN_FIELDS: dict[str, str] = {
    "display_name": "Your name",
    "password": "Choose a password",
    "age_years": "Your age in years",
    "sex": "Sex",
    "knee_condition": "What has your clinician said your knee problem is?",
    "knee_side": "Which knee?",
    "timezone": "Your time zone",
}

SETUP_FIELDS: dict[str, str] = {"display_name": "Your name", "email": "Email"}

CLINICIAN_FIELDS: dict[str, str] = {
    "scope": "Restrictions",
    "clear_reason": "Why you clear it",
    "duration_min": "Minutes",
    "speed_m_s": "Speed (m/s)",
    "incline_pct": "Incline (%)",
    "sessions_per_week": "Sessions a week",
    "surface": "Surface",
    "adjust_reason": "Reason (required)",
    "note_text": "Note",
    "backward_walk_3m_s": "3-m backward walk (s)",
    "tug_s": "Timed Up and Go (s)",
    "chair_stand_count": "30-s chair stand (full stands)",
    "tandem_stance_s": "Tandem stance (s)",
    "gait_speed_m_s": "Forward gait speed (m/s)",
    "koos_answers": "KOOS answers",
}
