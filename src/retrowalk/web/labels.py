"""The questions of the web forms, as each page shows them: the error summary names a wrong
answer in these words. The words for codes (surfaces, decisions, flags…) are the one
vocabulary of :mod:`retrowalk.present.vocabulary`."""

from __future__ import annotations

from retrowalk.clinical.norms import BACKWARD_WALK_3M_DISTANCE_M, CHAIR_STAND_DURATION_S

# --- form questions, as each page shows them (the error summary names them in these words) ---
# tests/web/test_walker_usability.py checks that each appears on its page, so they cannot drift.

LOG_FIELDS: dict[str, str] = {
    "pain_peak_nprs": "Your worst knee pain during the session",
    "pain_before_nprs": "Knee pain just before you started",
    "pain_after_nprs": "Knee pain now",
    "effort_cr10": "How hard was it?",
    "adverse_events": "Did anything go wrong?",
    "supervised": "Was someone with you?",
    "duration_min": "Minutes of backward walking",
    "speed_m_s": "Speed, if you know it",
    "incline_pct": "Treadmill incline (%)",
    "surface": "Where did you walk?",
    "note": "Note (optional)",
}

ANOTHER_TODAY_FIELD = {"another_today": "Is this another session today?"}
"""Asked on the log only when a session of today is already logged (so not in LOG_FIELDS)."""

CHECKIN_FIELDS: dict[str, str] = {
    "pain_nprs": "Knee pain this morning",
    "stiffness_nprs": "Knee stiffness this morning",
    "new_red_flags": "Is any of these new since your session",
}

RED_FLAG_FIELDS: dict[str, str] = {
    "new_red_flags": "Is any of these new since your last session",
}
"""The warning-sign report (``/red-flags``): the check-in's red-flag questions, at any time."""

TEST_FIELDS: dict[str, str] = {
    "backward_walk_3m_s": f"Time for {BACKWARD_WALK_3M_DISTANCE_M:g} metres backwards (seconds)",
    "tug_s": "Timed Up and Go (seconds)",
    "chair_stand_count": f"Number of full stands in {CHAIR_STAND_DURATION_S:d} seconds",
    "tandem_stance_s": "Seconds held heel to toe",
    "treadmill_speed_up_m_s": "Comfortable speed going up",
    "treadmill_speed_down_m_s": "Comfortable speed coming down",
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
    "clinician_id": "Move to",
    "reassign_reason": "Why (required)",
    "timezone": "The walker's time zone",
    "backward_walk_3m_s": "3-m backward walk (s)",
    "tug_s": "Timed Up and Go (s)",
    "chair_stand_count": "30-s chair stand (full stands)",
    "tandem_stance_s": "Tandem stance (s)",
    "gait_speed_m_s": "Forward gait speed (m/s)",
    "koos_answers": "KOOS answers",
}
