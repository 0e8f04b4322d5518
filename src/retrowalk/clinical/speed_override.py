"""A speed no rule of retrowalk would set: the clinician's own setting, said as such.

The starting speed is the measured comfortable speed, never above the policy's starting
ceiling, and the progression raises it at most a policy fraction above the comfortable speed
(RULES.md §7.10, **policy**, a clinician may override). A plan faster than both can only be a
clinician's override: the walker is told it is their clinician's setting, whatever decision
came after, so a speed such as 3 m/s is never shown as if the program had chosen it.
"""

from __future__ import annotations

from retrowalk.clinical.norms import KM_H_PER_M_S
from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.prescription import Prescription
from retrowalk.clinical.progression import speed_ceiling_m_s
from retrowalk.clinical.reasons import Reason

SPEED_OVERRIDE_CODE = "prescription.speed_above_policy_ceiling"


def policy_speed_max_m_s(prescription: Prescription, policy: PolicyConfig) -> float:
    """The fastest speed retrowalk's own rules set for this plan: the starting ceiling, or
    the progression's ceiling above the measured comfortable speed, whichever is higher."""
    return max(policy.start_speed_ceiling_m_s, speed_ceiling_m_s(prescription, policy))


SPEED_TOLERANCE_M_S = 1e-6
"""Speeds closer than this are the same speed: the limit is computed (0.75 m/s × 1.2 is
0.8999… in floating point), and 0.90 m/s typed by a clinician is not above it."""


def above_policy_speed(prescription: Prescription, policy: PolicyConfig) -> bool:
    """Whether the plan's speed is faster than any rule of retrowalk would set."""
    most = policy_speed_max_m_s(prescription, policy)
    return prescription.speed_m_s > most + SPEED_TOLERANCE_M_S


def speed_override_reason(prescription: Prescription, policy: PolicyConfig) -> Reason | None:
    """The reason that says the speed is the clinician's setting, or None when a rule of
    retrowalk could have set it."""
    if not above_policy_speed(prescription, policy):
        return None
    most = policy_speed_max_m_s(prescription, policy)
    speed = prescription.speed_m_s
    comfortable = prescription.comfortable_speed_m_s
    return Reason(
        code=SPEED_OVERRIDE_CODE,
        message=(
            f"This speed, {speed:.2f} m/s ({speed * KM_H_PER_M_S:.1f} km/h), is your "
            "clinician's own setting: retrowalk's own limits (a choice of the program, not "
            "a number from the studies) would set at most "
            f"{most:.2f} m/s ({most * KM_H_PER_M_S:.1f} km/h) for you (the highest starting "
            f"speed, or {policy.speed_ceiling_fraction_above_comfortable:.0%} above your "
            f"measured comfortable backward speed of {comfortable:.2f} m/s). If it feels too "
            "fast, walk slower and tell your clinician."
        ),
        clinician_message=(
            f"This speed, {speed:.2f} m/s ({speed * KM_H_PER_M_S:.1f} km/h), is a clinician's "
            "own setting: retrowalk's own limits (a choice of the program, not a number from "
            f"the studies) would set at most {most:.2f} m/s ({most * KM_H_PER_M_S:.1f} km/h) "
            "for the walker (the highest starting speed, or "
            f"{policy.speed_ceiling_fraction_above_comfortable:.0%} above her measured "
            f"comfortable backward speed of {comfortable:.2f} m/s). She is told to walk slower "
            "and tell her clinician if it feels too fast."
        ),
        policy=True,
    )
