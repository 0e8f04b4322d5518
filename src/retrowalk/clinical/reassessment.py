"""What a reassessment's fall-risk result does to the current plan (RULES.md §1.3, §5).

RULES.md §1.3: high fall risk means every session is supervised, on a treadmill with handrails
or a hallway with a rail and a spotter, "no unsupervised sessions until a reassessment clears
it". So a reassessment works both ways:

- **high** now → every later session supervised, on a surface the high-risk policy allows,
  whatever the plan said before (a walker who has become unsteady must not walk alone);
- **low** now, after a plan made under high risk → the reassessment clears it: unsupervised
  sessions are allowed again under the low-risk policy (first sessions supervised, counted
  from the walker's first session). The surface is kept: the high-risk surfaces are at least
  as safe, and a clinician can change it.

Only the supervision and surface change here; the training load (minutes, speed, incline) is
the progression rule's business. An open adverse-event review (``supervised_until_review``)
is never lifted by a reassessment: only a clinician's review lifts it (RULES.md §3).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from retrowalk.clinical.fall_risk import FallRiskLevel, FallRiskResult
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
    if fall_risk.level is FallRiskLevel.HIGH:
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
    message = (
        "The reassessment showed a high fall risk: every session is supervised from now on, "
        f"on {describe_surfaces(fall_risk.surfaces)}, until a later reassessment clears it."
    )
    if surface != prescription.surface:
        message += f" Your sessions move to {describe_surfaces([surface])}."
    if incline_pct != prescription.incline_pct:
        message += " The incline goes back to 0 % (it needs a treadmill)."
    reason = Reason(
        code="reassessment.high_fall_risk",
        message=message,
        sources=("steadi",),
        policy=True,
    )
    return ReassessmentDecision(changed=changed, next=next_rx, reasons=(reason, *fall_risk.reasons))


def _to_low_risk(prescription: Prescription, fall_risk: FallRiskResult) -> ReassessmentDecision:
    if prescription.supervision is not Supervision.EVERY_SESSION:
        reason = Reason(
            code="reassessment.low_fall_risk_unchanged",
            message="The reassessment confirmed a low fall risk: supervision stays as it was.",
            sources=("steadi",),
            policy=True,
        )
        return ReassessmentDecision(
            changed=False, next=prescription, reasons=(reason, *fall_risk.reasons)
        )
    next_rx = prescription.model_copy(
        update={
            "supervision": fall_risk.supervision,
            "supervised_first_sessions": fall_risk.supervised_first_sessions,
            "high_fall_risk": False,
        }
    )
    message = (
        "The reassessment showed a low fall risk, which clears the high-risk rule: after the "
        f"first {fall_risk.supervised_first_sessions} sessions you may walk alone on "
        f"{describe_surfaces(fall_risk.surfaces)}. Your surface stays "
        f"{describe_surfaces([prescription.surface])} until your clinician changes it."
    )
    if prescription.supervised_until_review:
        message += (
            " An adverse event is still waiting for your clinician's review, so every session "
            "stays supervised until then."
        )
    reason = Reason(
        code="reassessment.low_fall_risk_clears",
        message=message,
        sources=("steadi",),
        policy=True,
    )
    return ReassessmentDecision(changed=True, next=next_rx, reasons=(reason, *fall_risk.reasons))
