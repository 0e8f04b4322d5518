"""The kinds of record as a clinician reads them: one table, so no page, list or export shows a
stored code ("checkin", "prescription", "session_recording") where it means a record.

The keys are the codes the store keeps: the ``entity`` of an audit entry, the ``source`` of a
restriction's trigger. Every kind a use case writes to the audit log has a name here (a test
reads the use cases' code for them), so a new kind cannot reach a page by its code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

RECORD_NAMES: Final[Mapping[str, str]] = {
    "walker": "Walker's profile",
    "account": "Account",
    "invitation": "Invitation",
    "setup_token": "Set-up token",
    "screening": "Screening",
    "assessment": "Assessment",
    "prescription": "Plan",
    "session": "Session",
    "session_recording": "Movement recording",
    "checkin": "Check-in",
    "missed_report": "Missed morning report",
    "red_flag_report": "Red-flag report",
    "clearance": "Clearance",
    "note": "Clinician's note",
    "policy": "Clinic policy",
    "calendar_feed": "Calendar link",
    "exercise_log": "Exercise log",
    "walker_exercise": "Exercise switch",
}
"""Record kind (its stored code) → its name, as the start of a line ("Check-in")."""

UNNAMED: Final[str] = "Record"
"""What a kind missing from :data:`RECORD_NAMES` is called (never its code)."""


def record_name(kind: str) -> str:
    """``checkin`` → "Check-in"; a kind not in the table → "Record"."""
    return RECORD_NAMES.get(kind, UNNAMED)


def record_noun(kind: str) -> str:
    """The name inside a sentence: ``checkin`` → "check-in" ("from this check-in")."""
    name = record_name(kind)
    return name[0].lower() + name[1:]
