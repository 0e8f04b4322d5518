"""Where a plan's speed comes from, and a speed no rule of retrowalk would set: the
clinician's own setting, said as such.

The starting speed is the measured comfortable speed, never above the policy's starting
ceiling, and the progression raises it at most a policy fraction above the comfortable speed
(RULES.md §7.10, **policy**, a clinician may override). A plan faster than both can only be a
clinician's override: the walker is told it is their clinician's setting, whatever decision
came after, so a speed such as 3 m/s is never shown as if the program had chosen it.

Treadmill plans take their speed from the treadmill speed test (§2, van de Venis), never from
the 3-m walk; overground plans from the 3-m walk (§7.10). When a clinician moves a plan
across (:func:`speed_on_new_surface`), the speed and its ceiling follow the new surface's
own test; with no such test, only a speed the clinician gives and confirms is kept, and it
is said to be the clinician's own setting on every version after (:func:`speed_override_reason`).
"""

from __future__ import annotations

from collections.abc import Sequence

from retrowalk.clinical.errors import CannotDecideError
from retrowalk.clinical.fall_risk import Surface
from retrowalk.clinical.norms import BACKWARD_WALK_3M_SOURCES, KM_H_PER_M_S
from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.prescription import (
    TREADMILL_METHOD_SOURCES,
    TREADMILL_OVERSHOOT_M_S,
    TREADMILL_SURFACES,
    MeasuredSpeed,
    Prescription,
    SpeedMethod,
    SpeedSource,
    speed_for_surface,
)
from retrowalk.clinical.progression import speed_ceiling_m_s
from retrowalk.clinical.reasons import Reason

SPEED_OVERRIDE_CODE = "prescription.speed_above_policy_ceiling"
CLINICIAN_SPEED_CODE = "prescription.speed_set_by_clinician"
"""The plan's speed is the clinician's own setting, without the speed test of its surface."""
SPEED_SOURCE_CODE = "prescription.speed_source"
"""The plan moved between the ground and a treadmill: where its new speed comes from."""
CLINICIAN_SETTING_CODES = frozenset({SPEED_OVERRIDE_CODE, CLINICIAN_SPEED_CODE})
"""The reasons that say the speed is the clinician's own setting (said once, not twice)."""


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
    retrowalk could have set it: above the policy's limit, or (``speed_source`` CLINICIAN) on
    a surface whose speed test the walker has not done."""
    if prescription.speed_source is SpeedSource.CLINICIAN:
        return _untested_reason(prescription)
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


# --- the speed of a plan moved between the ground and a treadmill (RULES.md §7.10) ----------


TEST_NAMES: dict[SpeedMethod, str] = {
    SpeedMethod.TREADMILL_VAN_DE_VENIS: "treadmill speed test",
    SpeedMethod.THREE_M_BACKWARD_WALK: "3-metre backward walk",
}
"""Each speed test in the words of the pages."""
WHERE: dict[SpeedMethod, str] = {
    SpeedMethod.TREADMILL_VAN_DE_VENIS: "on a treadmill",
    SpeedMethod.THREE_M_BACKWARD_WALK: "on the ground",
}
HOW: dict[SpeedMethod, str] = {
    SpeedMethod.TREADMILL_VAN_DE_VENIS: (
        "raise the belt until comfortable, then lower it from "
        f"{TREADMILL_OVERSHOOT_M_S:g} m/s above; the mean of the two"
    ),
    SpeedMethod.THREE_M_BACKWARD_WALK: "3 metres walked backward at a comfortable pace, timed",
}


SOURCE_WORDS: dict[str, str] = {
    SpeedSource.THREE_M_BACKWARD_WALK.value: "the 3-metre backward walk",
    SpeedSource.TREADMILL_VAN_DE_VENIS.value: "the treadmill speed test",
    SpeedSource.CLINICIAN.value: "the clinician's own setting (no speed test)",
}
"""Where a plan's speed comes from, in the clinician's words (the audit's "speed from")."""


def speed_words(speed_m_s: float) -> str:
    """``0.75 m/s (2.7 km/h)``, the km/h from the m/s as shown."""
    shown = float(f"{speed_m_s:.2f}")
    return f"{shown:.2f} m/s ({shown * KM_H_PER_M_S:.1f} km/h)"


def speed_test_for(surface: Surface) -> SpeedMethod:
    """The speed test a plan on ``surface`` takes its speed from (RULES.md §7.10)."""
    if surface in TREADMILL_SURFACES:
        return SpeedMethod.TREADMILL_VAN_DE_VENIS
    return SpeedMethod.THREE_M_BACKWARD_WALK


def source_of(prescription: Prescription) -> SpeedSource:
    """Where the plan's speed comes from; a plan stored before the source was kept took it
    from the test of its surface (the starting plan never used the other one)."""
    if prescription.speed_source is not None:
        return prescription.speed_source
    return SpeedSource(speed_test_for(prescription.surface).value)


def crosses_speed_tests(before: Surface, after: Surface) -> bool:
    """Whether a plan moved from ``before`` to ``after`` needs the other speed test (between
    the ground and a treadmill; not between two treadmills, nor two overground surfaces)."""
    return speed_test_for(before) is not speed_test_for(after)


def no_speed_test_words(surface: Surface, walker: str) -> str:
    """The refusal of a move to ``surface`` for a walker without its speed test, when the
    clinician gave no speed of their own: which test is needed, and the way past it."""
    test = speed_test_for(surface)
    other = TEST_NAMES[next(m for m in SpeedMethod if m is not test)]
    return (
        f"{walker} has no {TEST_NAMES[test]} yet, and a plan {WHERE[test]} takes its speed "
        f"from the {TEST_NAMES[test]} ({HOW[test]}), never from the {other}. Record the "
        f"{TEST_NAMES[test]} first; or, if you mean a speed of your own without it, give "
        "the speed and confirm it (the walker will read that it is your own setting, not a "
        "measured speed)."
    )


def untested_speed_words(surface: Surface, walker: str, speed_m_s: float) -> str:
    """The question before a clinician's speed is kept on a surface without its test."""
    test = speed_test_for(surface)
    return (
        f"{walker} has no {TEST_NAMES[test]}, so {speed_words(speed_m_s)} would be your own "
        f"setting, not a measured speed (a plan {WHERE[test]} takes its speed from the "
        f"{TEST_NAMES[test]}). If you mean this speed, confirm it; the walker will read that "
        "it is your own setting."
    )


def speed_on_new_surface(
    updated: Prescription,
    speeds: Sequence[MeasuredSpeed],
    policy: PolicyConfig,
    *,
    speed_given: bool,
) -> Prescription:
    """The plan ``updated`` (already moved to its new surface by ``clinician_adjust``) with
    the speed, its ceiling base and its source of the new surface (RULES.md §7.10).

    - With the new surface's speed test in ``speeds``: the ceiling base is that test's
      measured speed; the speed is the clinician's when ``speed_given``, else the measured
      speed, never above the starting ceiling — **policy**: a new surface starts again from
      its own test, as a starting plan would, since progress on one surface says nothing of
      the other. A reason says so, in the walker's words.
    - Without it: only a speed the clinician gave is kept (the services ask for its
      confirmation first); it becomes the ceiling base (**policy**: the clinician's setting
      stands in for the missing test) and the source is the clinician, which
      :func:`speed_override_reason` says on this version and every later one.

    Raises :class:`CannotDecideError` without the test and without a given speed (the
    services refuse that first, naming the walker, with :func:`no_speed_test_words`).
    """
    measured = speed_for_surface(updated.surface, speeds)
    if measured is None:
        if not speed_given:
            raise CannotDecideError(no_speed_test_words(updated.surface, "The walker"))
        return updated.model_copy(
            update={
                "comfortable_speed_m_s": updated.speed_m_s,
                "speed_source": SpeedSource.CLINICIAN,
            }
        )
    start = min(measured.speed_m_s, policy.start_speed_ceiling_m_s)
    speed = updated.speed_m_s if speed_given else start
    moved = updated.model_copy(
        update={
            "speed_m_s": speed,
            "comfortable_speed_m_s": measured.speed_m_s,
            "speed_source": SpeedSource(measured.method.value),
        }
    )
    reason = _source_reason(moved, measured, speed_given=speed_given)
    return moved.model_copy(update={"reasons": (*moved.reasons, reason)})


def _source_reason(plan: Prescription, measured: MeasuredSpeed, *, speed_given: bool) -> Reason:
    test = measured.method
    other = TEST_NAMES[next(m for m in SpeedMethod if m is not test)]
    head = (
        f"{WHERE[test].capitalize()} {{whose}} speed comes from {{whose}} {TEST_NAMES[test]}, "
        f"not from the {other}: it measured {speed_words(measured.speed_m_s)}"
    )
    if speed_given:
        tail = f", and {{who}} set {speed_words(plan.speed_m_s)} from it."
    elif plan.speed_m_s < measured.speed_m_s:
        tail = (
            f", and the plan starts at {speed_words(plan.speed_m_s)}, the highest starting "
            "speed retrowalk uses (our policy: a new surface starts again from its own test, "
            "and slower is safer when walking backward)."
        )
    else:
        tail = (
            ", and the plan uses that speed (our policy: a new surface starts again from its "
            "own test)."
        )
    words = head + tail
    return Reason(
        code=SPEED_SOURCE_CODE,
        message=words.format(whose="your", who="your clinician"),
        clinician_message=words.format(whose="the walker's", who="a clinician"),
        sources=BACKWARD_WALK_3M_SOURCES
        if test is SpeedMethod.THREE_M_BACKWARD_WALK
        else TREADMILL_METHOD_SOURCES,
        policy=not speed_given,
    )


def _untested_reason(prescription: Prescription) -> Reason:
    test = speed_test_for(prescription.surface)
    speed = speed_words(prescription.speed_m_s)
    return Reason(
        code=CLINICIAN_SPEED_CODE,
        message=(
            f"This speed, {speed}, is your clinician's own setting, not a measured speed: a "
            f"plan {WHERE[test]} takes its speed from the {TEST_NAMES[test]}, which you have "
            "not done yet (keeping your clinician's speed without it is a choice of the "
            "program). If it feels too fast, walk slower and tell your clinician."
        ),
        clinician_message=(
            f"This speed, {speed}, is a clinician's own setting, not a measured speed: a plan "
            f"{WHERE[test]} takes its speed from the {TEST_NAMES[test]}, which the walker has "
            "not done yet (keeping a clinician's speed without it is a choice of the "
            "program). She is told to walk slower and tell her clinician if it feels too fast."
        ),
        policy=True,
    )
