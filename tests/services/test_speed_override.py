"""RULES.md §7.10: the starting speed has a ceiling in the policy, which a clinician may
override. An override faster than retrowalk's rules would set is kept, and said to be the
clinician's own setting: in the plan's reasons (policy), in the audit, and beside the speed
whatever decision comes after."""

from __future__ import annotations

from datetime import timedelta

from retrowalk.clinical.speed_override import SPEED_OVERRIDE_CODE
from retrowalk.services import accounts, audit_view, clinician, plans
from retrowalk.services.context import AppContext
from retrowalk.services.speed_note import speed_note
from tests.services.factory import T0, planned_walker
from tests.services.factory import clinician as make_clinician


def test_a_speed_above_the_policy_is_the_clinicians_setting_in_words(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + timedelta(hours=1))
    fast = clinician.adjust_prescription(
        at, dr, walker.id, {"speed_m_s": 3.0, "reason": "Treadmill athlete", "confirm_speed": True}
    )
    codes = [r.code for r in fast.reasons]
    assert codes == ["prescription.clinician_adjustment", SPEED_OVERRIDE_CODE]
    override = fast.reasons[-1]
    assert override.policy
    assert "3.00 m/s (10.8 km/h), is your clinician's own setting" in override.message
    assert "at most 0.90 m/s" in override.message  # 0.75 m/s measured, +20 % (policy)
    note = speed_note(at, plans.todays_prescription(at, dr, walker.id).prescription)
    assert note == override.message
    entries = audit_view.walker_audit(at, dr, walker.id).entries
    adjusted = next(e for e in entries if e.action == "prescription.adjust")
    assert adjusted.detail["speed_above_policy"] == override.message
    assert adjusted.detail["speed_confirmed"] is True


def test_a_speed_within_the_policy_says_nothing_more(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + timedelta(hours=1))
    slow = clinician.adjust_prescription(at, dr, walker.id, {"speed_m_s": 0.6, "reason": "Sore"})
    assert [r.code for r in slow.reasons] == ["prescription.clinician_adjustment"]
    assert speed_note(at, plans.todays_prescription(at, dr, walker.id).prescription) is None
