"""The sentence shown beside a plan's speed when it is the clinician's own setting (above
what retrowalk's rules set: :mod:`retrowalk.clinical.speed_override`), on every surface that
shows the walker a speed, whatever decision made the plan's current version."""

from __future__ import annotations

from retrowalk.clinical.prescription import Prescription
from retrowalk.clinical.speed_override import speed_override_reason
from retrowalk.services.context import AppContext
from retrowalk.services.policies import clinic_policy
from retrowalk.services.schemas import PrescriptionOut


def speed_note(ctx: AppContext, plan: PrescriptionOut | None) -> str | None:
    """The clinician's-setting sentence for this plan's speed, or None."""
    if plan is None:
        return None
    reason = speed_override_reason(Prescription.model_validate(plan.details), clinic_policy(ctx))
    return reason.message if reason is not None else None
