"""Reassessment: what its fall-risk result does to the plan (RULES.md §1.3, §7.2–7.4), and
when the tests are due again (§5).

Repeated tests are recorded and change nothing but what makes the plan safer (§7.2):

- **high** or **not known** now → every later session supervised, on a surface the high-risk
  policy allows, whatever the plan said before (a walker who has become unsteady must not walk
  alone);
- **low** now → nothing changes: lifting a high-risk rule needs a clinician's clearance after
  a low-risk reassessment (§7.4, :func:`retrowalk.clinical.clearance.clinician_lift_fall_risk`).

Only the supervision and surface change here; the training load (minutes, speed, incline) is
the progression rule's business, and a clinician's adjustment is never undone.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from pydantic import BaseModel, ConfigDict

from retrowalk.clinical.fall_risk import FallRiskLevel, FallRiskResult
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.clinical.prescription import TREADMILL_SURFACES, Prescription
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.surfaces import Supervision, describe_surfaces


class ReassessmentDecision(BaseModel):
    """The plan after a reassessment, whether it changed, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    changed: bool
    next: Prescription
    reasons: tuple[Reason, ...]


def apply_reassessment(
    prescription: Prescription, fall_risk: FallRiskResult
) -> ReassessmentDecision:
    """Bring the plan's supervision and surface in line with a new fall-risk result.

    Rests on steadi (the fall-risk gate) and the policy consequences of RULES.md §1.3; the
    result's own ``supervision``, ``supervised_first_sessions`` and ``surfaces`` already carry
    the configured policy, so nothing here restates it.
    """
    if fall_risk.level is not FallRiskLevel.LOW:
        return _to_high_risk(prescription, fall_risk)
    return _to_low_risk(prescription, fall_risk)


def _to_high_risk(prescription: Prescription, fall_risk: FallRiskResult) -> ReassessmentDecision:
    surface = prescription.surface
    if surface not in fall_risk.surfaces:
        surface = fall_risk.surfaces[0]
    incline_pct = prescription.incline_pct if surface in TREADMILL_SURFACES else 0
    next_rx = prescription.model_copy(
        update={
            "supervision": Supervision.EVERY_SESSION,
            "supervised_first_sessions": None,
            "high_fall_risk": True,
            "surface": surface,
            "incline_pct": incline_pct,
        }
    )
    changed = next_rx != prescription
    level = "high" if fall_risk.level is FallRiskLevel.HIGH else "not known"
    message = (
        f"The reassessment showed a fall risk that is {level}: every session is supervised "
        f"from now on, on {describe_surfaces(fall_risk.surfaces)}, until your clinician clears "
        "it after a low-risk reassessment."
    )
    for_clinician = (
        f"The reassessment showed a fall risk that is {level}: every session is supervised "
        f"from now on, on {describe_surfaces(fall_risk.surfaces, for_clinician=True)}, until a "
        "clinician clears it after a low-risk reassessment."
    )
    if surface != prescription.surface:
        message += f" Your sessions move to {describe_surfaces([surface])}."
        for_clinician += (
            f" The walker's sessions move to {describe_surfaces([surface], for_clinician=True)}."
        )
    if incline_pct != prescription.incline_pct:
        message += " The incline goes back to 0 % (it needs a treadmill)."
        for_clinician += " The incline goes back to 0 % (it needs a treadmill)."
    reason = Reason(
        code="reassessment.high_fall_risk",
        message=message,
        clinician_message=for_clinician,
        sources=("steadi",),
        policy=True,
    )
    return ReassessmentDecision(changed=changed, next=next_rx, reasons=(reason, *fall_risk.reasons))


def _to_low_risk(prescription: Prescription, fall_risk: FallRiskResult) -> ReassessmentDecision:
    for_clinician: str | None = None
    if prescription.supervision is Supervision.EVERY_SESSION or prescription.high_fall_risk:
        message = (
            "The reassessment showed a low fall risk. It is recorded; only your clinician can "
            "lift the every-session supervision, after looking at it (retrowalk policy)."
        )
        for_clinician = (
            "The reassessment showed a low fall risk. It is recorded; only a clinician can "
            "lift the every-session supervision, after looking at it (retrowalk policy)."
        )
    else:
        message = "The reassessment confirmed a low fall risk: supervision stays as it was."
    reason = Reason(
        code="reassessment.low_fall_risk_unchanged",
        message=message,
        clinician_message=for_clinician,
        sources=("steadi",),
        policy=True,
    )
    return ReassessmentDecision(
        changed=False, next=prescription, reasons=(reason, *fall_risk.reasons)
    )


# --- when the tests are due again (RULES.md §5: every 2–6 weeks, **policy**) ------------

REASSESSMENT_SOURCES: Final[tuple[str, ...]] = ("almutairi2023", "gilbert2021")


def next_reassessment(last_assessment: date, policy: PolicyConfig = DEFAULT_POLICY) -> date:
    """The date the baseline tests and KOOS are due again (policy; RULES §5: 2–6 weeks).

    Never raises: an assessment dated at the calendar's end is due on its last day."""
    try:
        return last_assessment + timedelta(weeks=policy.reassessment_interval_weeks)
    except OverflowError:
        return date.max


def reassessment_due(
    last_assessment: date, today: date, policy: PolicyConfig = DEFAULT_POLICY
) -> bool:
    """True on or after the policy reassessment date."""
    return today >= next_reassessment(last_assessment, policy)
