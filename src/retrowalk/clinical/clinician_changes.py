"""A clinician's changes to a plan: an adjustment within the clinical limits, a clearance after
a stop, a review of an adverse event. Each needs a reason, kept with the new version.
"""

from __future__ import annotations

from retrowalk.clinical.errors import InvalidInputError
from retrowalk.clinical.fall_risk import BACKWARD_SPEED_MAX_M_S, Surface
from retrowalk.clinical.prescription import (
    INCLINE_STEPS_PCT,
    MAX_DURATION_MIN,
    MAX_SESSIONS_PER_WEEK,
    TREADMILL_SURFACES,
    Prescription,
    is_positive_number,
    safety_cues_for,
)
from retrowalk.clinical.reasons import Reason


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_note(reason: object, allowed: str) -> None:
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInputError("reason", reason, allowed)


ADJUSTABLE = ("duration_min", "speed_m_s", "incline_pct", "sessions_per_week", "surface")
"""What a clinician's adjustment may change (one at least, or it is refused)."""
ADJUSTABLE_WORDS = "the minutes, the speed, the incline, the sessions a week or the surface"
"""``ADJUSTABLE`` in the words of the forms: a sentence never shows ``speed_m_s``."""


def clinician_adjust(
    prescription: Prescription,
    reason: str,
    *,
    duration_min: int | None = None,
    speed_m_s: float | None = None,
    incline_pct: int | None = None,
    sessions_per_week: int | None = None,
    surface: Surface | None = None,
) -> Prescription:
    """A clinician sets the prescription by hand; it is checked against the ceilings
    (almutairi2023: 30 min, 3×/week; cipriani1995: incline 0/5/10 % on a treadmill) and the
    clinician's reason is recorded. Nothing out of range is clamped: it is refused (a value of
    the wrong type too, since ``model_copy`` does not validate)."""
    check_note(reason, "a sentence saying why the plan is changed")
    update: dict[str, object] = {}
    if duration_min is not None:
        if not _is_whole(duration_min) or not 1 <= duration_min <= MAX_DURATION_MIN:
            raise InvalidInputError(
                "duration_min",
                duration_min,
                f"a whole number of minutes from 1 to {MAX_DURATION_MIN}",
            )
        update["duration_min"] = duration_min
    if speed_m_s is not None:
        if not is_positive_number(speed_m_s) or speed_m_s > BACKWARD_SPEED_MAX_M_S:
            raise InvalidInputError(
                "speed_m_s",
                speed_m_s,
                f"a speed in m/s above 0 and at most {BACKWARD_SPEED_MAX_M_S:g}",
            )
        update["speed_m_s"] = float(speed_m_s)
    if sessions_per_week is not None:
        if not _is_whole(sessions_per_week) or not 1 <= sessions_per_week <= MAX_SESSIONS_PER_WEEK:
            raise InvalidInputError(
                "sessions_per_week",
                sessions_per_week,
                f"a whole number of sessions a week from 1 to {MAX_SESSIONS_PER_WEEK}",
            )
        update["sessions_per_week"] = sessions_per_week
    if surface is not None and not isinstance(surface, Surface):
        allowed_surfaces = ", ".join(s.value for s in Surface)
        raise InvalidInputError("surface", surface, f"one of {allowed_surfaces}")
    if incline_pct is not None and not _is_whole(incline_pct):
        allowed = ", ".join(str(step) for step in INCLINE_STEPS_PCT)
        raise InvalidInputError("incline_pct", incline_pct, f"one of {allowed} %")
    new_surface = surface if surface is not None else prescription.surface
    update["surface"] = new_surface
    update["safety_cues"] = safety_cues_for(new_surface)
    new_incline = incline_pct if incline_pct is not None else prescription.incline_pct
    if new_incline not in INCLINE_STEPS_PCT:
        allowed = ", ".join(str(step) for step in INCLINE_STEPS_PCT)
        raise InvalidInputError("incline_pct", incline_pct, f"one of {allowed} %")
    if new_incline > 0 and new_surface not in TREADMILL_SURFACES:
        raise InvalidInputError("incline_pct", new_incline, "0 % unless the surface is a treadmill")
    update["incline_pct"] = new_incline
    changed = [
        name
        for name in ADJUSTABLE
        if name in update and update[name] != getattr(prescription, name)
    ]
    if not changed:
        raise InvalidInputError(
            "adjustment",
            "no change",
            f"a change to at least one of {ADJUSTABLE_WORDS}, as the plan already has these "
            "values (a change that changes nothing would start a new plan version for nothing)",
        )
    note = Reason(
        code="prescription.clinician_adjustment",
        message=f"Adjusted by a clinician: {reason.strip()}",
    )
    update["reasons"] = (*prescription.reasons, note)
    return prescription.model_copy(update=update)


def clinician_clear(prescription: Prescription, reason: str) -> Prescription:
    """A clinician clears a walker who was waiting for clearance (PAR-Q, parq_classic)."""
    check_note(reason, "a sentence saying who cleared and why")
    note = Reason(
        code="prescription.cleared",
        message=f"Cleared by a clinician: {reason.strip()}",
        sources=("parq_classic",),
    )
    return prescription.model_copy(
        update={"awaiting_clearance": False, "reasons": (*prescription.reasons, note)}
    )


def clinician_review(prescription: Prescription, reason: str) -> Prescription:
    """A clinician has reviewed an adverse event: sessions return to the supervision the
    fall-risk level allows (every session, or the first N)."""
    check_note(reason, "a sentence saying what the review found")
    note = Reason(
        code="prescription.reviewed", message=f"Reviewed by a clinician: {reason.strip()}"
    )
    return prescription.model_copy(
        update={"supervised_until_review": False, "reasons": (*prescription.reasons, note)}
    )
