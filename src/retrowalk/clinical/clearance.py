"""What a clinician's clearance does to the plan (RULES.md §7.1).

The clearance itself is a record (:class:`~retrowalk.clinical.restrictions.ClearanceFact`):
it lifts exactly the restriction kind it names. When a plan exists, the plan's own fields that
mirror a restriction follow it, as a new version with the clinician's reason:

- ``clearance_required`` → the plan no longer waits for clearance (PAR-Q, parq_classic);
- ``adverse_event`` → the review is done: no more "supervised until review";
- ``fall_risk`` → every-session supervision is lifted: the low-risk policy applies (the first
  sessions supervised, counted in supervised sessions; after that alone on the low-risk
  surfaces). The surface stays until the clinician changes it: the high-risk surfaces are at
  least as safe;
- ``red_flag``, ``walking_aid``, ``rest_day`` → nothing in the plan mirrors them: the version
  only records the reason.

The training load (minutes, speed, incline) is never changed here.
"""

from __future__ import annotations

from retrowalk.clinical.clinician_changes import check_note, clinician_clear, clinician_review
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.clinical.prescription import Prescription
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.restriction_models import RestrictionKind
from retrowalk.clinical.surfaces import Supervision

_RECORDED: dict[RestrictionKind, str] = {
    RestrictionKind.RED_FLAG: "Red flag cleared by a clinician",
    RestrictionKind.WALKING_AID: "Walking-aid supervision lifted by a clinician",
    RestrictionKind.REST_DAY: "Rest day ended by a clinician",
}


def clinician_lift_fall_risk(
    prescription: Prescription, reason: str, policy: PolicyConfig = DEFAULT_POLICY
) -> Prescription:
    """A clinician lifts the every-session supervision of high or not-known fall risk, after a
    reassessment that is low risk on its own (RULES.md §7.4; the restrictions check that)."""
    check_note(reason, "a sentence saying who cleared and why")
    first = policy.supervised_first_sessions_low_risk
    note = Reason(
        code="prescription.fall_risk_cleared",
        message=(
            f"Fall-risk supervision lifted by a clinician: {reason.strip()}. After the first "
            f"{first} supervised sessions you may walk alone on a surface your plan allows."
        ),
        clinician_message=(
            f"Fall-risk supervision lifted by a clinician: {reason.strip()}. After the first "
            f"{first} supervised sessions the walker may walk alone on a surface her plan "
            "allows."
        ),
        sources=("steadi",),
        policy=True,
    )
    return prescription.model_copy(
        update={
            "supervision": Supervision.FIRST_SESSIONS,
            "supervised_first_sessions": first,
            "high_fall_risk": False,
            "reasons": (*prescription.reasons, note),
        }
    )


def apply_clearance(
    prescription: Prescription,
    kind: RestrictionKind,
    reason: str,
    policy: PolicyConfig = DEFAULT_POLICY,
) -> Prescription:
    """The plan after a clearance of ``kind`` (see the module docstring)."""
    if kind is RestrictionKind.CLEARANCE_REQUIRED:
        return clinician_clear(prescription, reason)
    if kind is RestrictionKind.ADVERSE_EVENT:
        return clinician_review(prescription, reason)
    if kind is RestrictionKind.FALL_RISK:
        return clinician_lift_fall_risk(prescription, reason, policy)
    check_note(reason, "a sentence saying who cleared and why")
    note = Reason(
        code=f"prescription.cleared.{kind.value}", message=f"{_RECORDED[kind]}: {reason.strip()}"
    )
    return prescription.model_copy(update={"reasons": (*prescription.reasons, note)})
