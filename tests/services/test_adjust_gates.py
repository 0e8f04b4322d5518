"""The clinician's hand adjustment holds the rules it could otherwise slip past (found by the
outside-in test): a surface off what the fall-risk restriction allows is refused (only a
recorded clearance lifts a restriction, RULES.md §7.1, §7.3), a new speed above retrowalk's
own limit needs the clinician's confirmation (§7.10: the clinician may override, on
purpose), and the speed follows the surface (§7.10: a treadmill plan's speed from the
treadmill speed test, an overground one's from the 3-m walk). Refused means nothing stored:
no new plan version, no audit entry. The audit keeps only what changed, before → after."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retrowalk.clinical.speed_override import (
    CLINICIAN_SPEED_CODE,
    SPEED_SOURCE_CODE,
)
from retrowalk.services import accounts, assessments, audit_view, clinician, plans, screening
from retrowalk.services.context import AppContext
from retrowalk.services.errors import Conflict, InvalidRequest
from retrowalk.services.schemas import Actor
from retrowalk.services.speed_note import speed_note
from tests.services.factory import (
    MORE_NO,
    T0,
    TREADMILL_TEST,
    enrol,
    high_fall_risk_walker,
    planned_walker,
)
from tests.services.factory import clinician as make_clinician

LATER = timedelta(hours=1)


def _versions(ctx: AppContext, actor: Actor, walker_id: int) -> tuple[int, int]:
    plan = plans.current_prescription(ctx, actor, walker_id)
    assert plan is not None
    entries = audit_view.walker_audit(ctx, actor, walker_id).entries
    return plan.version, len(entries)


@pytest.mark.parametrize("surface", ["flat_clear_known_path", "treadmill"])
def test_under_fall_risk_the_surface_stays_on_what_the_restriction_allows(
    ctx: AppContext, surface: str
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = high_fall_risk_walker(ctx, dr)
    at = ctx.at(T0 + timedelta(hours=1))
    before = _versions(at, dr, walker.id)
    with pytest.raises(InvalidRequest) as refused:
        clinician.adjust_prescription(
            at, dr, walker.id, {"surface": surface, "reason": "She walks well"}
        )
    assert refused.value.field == "surface"
    said = str(refused.value)
    assert "fall-risk restriction is active" in said
    assert "must be a treadmill with handrails or a hallway with a rail and a spotter" in said
    assert "Clear the restriction first" in said
    assert _versions(at, dr, walker.id) == before
    plan = plans.current_prescription(at, dr, walker.id)
    assert plan is not None
    (other,) = {"treadmill_with_handrails", "hallway_with_rail_and_spotter"} - {plan.surface}
    assessments.record_assessment(at, dr, walker.id, TREADMILL_TEST)  # its speed, §7.10
    allowed = clinician.adjust_prescription(
        at, dr, walker.id, {"surface": other, "reason": "The other safe surface"}
    )
    assert allowed.surface == other


def test_without_a_restriction_on_surfaces_any_surface_may_be_planned(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + timedelta(hours=1))
    assessments.record_assessment(at, dr, walker.id, TREADMILL_TEST)
    moved = clinician.adjust_prescription(
        at, dr, walker.id, {"surface": "treadmill", "reason": "A treadmill at home"}
    )
    assert moved.surface == "treadmill"


def test_a_new_speed_above_the_limit_is_refused_until_confirmed(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + timedelta(hours=1))
    before = _versions(at, dr, walker.id)
    with pytest.raises(clinician.SpeedNotConfirmed) as refused:
        clinician.adjust_prescription(at, dr, walker.id, {"speed_m_s": 2.5, "reason": "Typo?"})
    assert refused.value.field == "speed_m_s"
    assert str(refused.value).startswith(
        "2.50 m/s (9.0 km/h) is above retrowalk's own limit for this walker, 0.90 m/s"
    )
    assert _versions(at, dr, walker.id) == before
    fast = clinician.adjust_prescription(
        at, dr, walker.id, {"speed_m_s": 2.5, "reason": "Athlete", "confirm_speed": True}
    )
    assert fast.speed_m_s == 2.5
    entry = next(
        e
        for e in audit_view.walker_audit(at, dr, walker.id).entries
        if e.action == "prescription.adjust"
    )
    assert entry.detail["speed_confirmed"] is True
    # the plan already above the limit: changing its minutes asks nothing again
    longer = clinician.adjust_prescription(
        at, dr, walker.id, {"duration_min": 12, "reason": "Feels fine"}
    )
    assert longer.speed_m_s == 2.5


def test_a_speed_within_the_limit_needs_no_confirmation(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + timedelta(hours=1))
    slower = clinician.adjust_prescription(
        at, dr, walker.id, {"speed_m_s": 0.9, "reason": "Feels fine"}
    )
    assert slower.speed_m_s == 0.9
    entry = next(
        e
        for e in audit_view.walker_audit(at, dr, walker.id).entries
        if e.action == "prescription.adjust"
    )
    assert "speed_confirmed" not in entry.detail
    assert "confirm_speed" not in entry.detail


def test_a_refusal_at_the_limit_never_reads_as_the_same_speed(ctx: AppContext) -> None:
    """0.903 m/s against a limit of 0.90: both would read "0.90 m/s" (found by the
    outside-in test: "0.84 m/s is above … 0.84 m/s")."""
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + timedelta(hours=1))
    with pytest.raises(clinician.SpeedNotConfirmed) as refused:
        clinician.adjust_prescription(at, dr, walker.id, {"speed_m_s": 0.903, "reason": "Quick"})
    assert str(refused.value).startswith("0.903 m/s is above retrowalk's own limit")
    assert "limit for this walker, 0.900 m/s" in str(refused.value)


def _adjust_entries(ctx: AppContext, actor: Actor, walker_id: int) -> list[dict[str, object]]:
    """The adjustments' audit details, newest first."""
    entries = audit_view.walker_audit(ctx, actor, walker_id).entries
    return [e.detail for e in entries if e.action == "prescription.adjust"]


def test_a_move_to_a_treadmill_takes_the_treadmill_test_and_back_the_3m_walk(
    ctx: AppContext,
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)  # overground, 3-m walk 0.75 m/s
    at = ctx.at(T0 + LATER)
    assessments.record_assessment(at, dr, walker.id, TREADMILL_TEST)  # 0.70 m/s on the belt
    moved = clinician.adjust_prescription(
        at, dr, walker.id, {"surface": "treadmill", "reason": "A treadmill at home"}
    )
    assert moved.speed_m_s == pytest.approx(0.7)
    assert moved.details["comfortable_speed_m_s"] == pytest.approx(0.7)
    assert moved.details["speed_source"] == "treadmill_van_de_venis"
    assert [r.code for r in moved.reasons] == [
        "prescription.clinician_adjustment",
        SPEED_SOURCE_CODE,
    ]
    said = moved.reasons[-1]
    assert said.message.startswith(
        "On a treadmill your speed comes from your treadmill speed test, not from the "
        "3-metre backward walk: it measured 0.70 m/s (2.5 km/h)"
    )
    assert said.policy
    assert "our policy: a new surface starts again from its own test" in said.message
    assert _adjust_entries(at, dr, walker.id)[0] == {
        "reason": "A treadmill at home",
        "surface": {"before": "flat_clear_known_path", "after": "treadmill"},
        "speed_m_s": {"before": 0.75, "after": pytest.approx(0.7)},
        "comfortable_speed_m_s": {"before": 0.75, "after": pytest.approx(0.7)},
        "speed_source": {"before": "three_m_backward_walk", "after": "treadmill_van_de_venis"},
    }
    back = clinician.adjust_prescription(
        at, dr, walker.id, {"surface": "flat_clear_known_path", "reason": "Winter is over"}
    )
    assert back.speed_m_s == 0.75
    assert back.details["speed_source"] == "three_m_backward_walk"
    assert "On the ground your speed comes from your 3-metre backward walk" in (
        back.reasons[-1].message
    )


def test_a_fast_treadmill_test_starts_at_the_policy_ceiling(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + LATER)
    fast = {"treadmill_speed_up_m_s": 1.2, "treadmill_speed_down_m_s": 1.4}  # 1.30 m/s
    assessments.record_assessment(at, dr, walker.id, fast)
    moved = clinician.adjust_prescription(
        at, dr, walker.id, {"surface": "treadmill", "reason": "Gym"}
    )
    assert moved.speed_m_s == pytest.approx(0.8)  # the policy's starting ceiling
    assert moved.details["comfortable_speed_m_s"] == pytest.approx(1.3)
    assert "the plan starts at 0.80 m/s (2.9 km/h), the highest starting speed" in (
        moved.reasons[-1].message
    )


def test_a_move_between_treadmills_keeps_the_speed(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + LATER)
    assessments.record_assessment(at, dr, walker.id, TREADMILL_TEST)
    clinician.adjust_prescription(at, dr, walker.id, {"surface": "treadmill", "reason": "Gym"})
    rails = clinician.adjust_prescription(
        at, dr, walker.id, {"surface": "treadmill_with_handrails", "reason": "Rails"}
    )
    assert rails.speed_m_s == pytest.approx(0.7)
    assert [r.code for r in rails.reasons] == ["prescription.clinician_adjustment"]


def test_without_a_treadmill_test_the_move_is_refused_naming_the_test(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + LATER)
    before = _versions(at, dr, walker.id)
    with pytest.raises(clinician.NoSpeedTest) as refused:
        clinician.adjust_prescription(
            at, dr, walker.id, {"surface": "treadmill", "reason": "A treadmill at home"}
        )
    assert refused.value.field == "surface"
    said = str(refused.value)
    assert said.startswith("Ann has no treadmill speed test yet")
    assert "never from the 3-metre backward walk" in said
    assert "Record the treadmill speed test first" in said
    assert _versions(at, dr, walker.id) == before


def test_without_a_treadmill_test_a_speed_is_kept_only_when_meant(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + LATER)
    before = _versions(at, dr, walker.id)
    asked = {"surface": "treadmill", "speed_m_s": 0.6, "reason": "Tested by eye"}
    with pytest.raises(clinician.SpeedNotConfirmed) as refused:  # within the limit, still asked
        clinician.adjust_prescription(at, dr, walker.id, asked)
    assert refused.value.field == "speed_m_s"
    assert str(refused.value).startswith(
        "Ann has no treadmill speed test, so 0.60 m/s (2.2 km/h) would be your own setting"
    )
    assert _versions(at, dr, walker.id) == before
    kept = clinician.adjust_prescription(at, dr, walker.id, {**asked, "confirm_speed": True})
    assert kept.speed_m_s == 0.6
    assert kept.details["speed_source"] == "clinician"
    assert [r.code for r in kept.reasons][-1] == CLINICIAN_SPEED_CODE
    note = speed_note(at, plans.todays_prescription(at, dr, walker.id).prescription)
    assert note is not None
    assert note.startswith("This speed, 0.60 m/s (2.2 km/h), is your clinician's own setting")
    assert "treadmill speed test, which you have not done yet" in note
    detail = _adjust_entries(at, dr, walker.id)[0]
    assert detail["speed_source"] == {"before": "three_m_backward_walk", "after": "clinician"}
    assert detail["speed_confirmed"] is True
    assert detail["speed_untested"] == note
    # every later version still says so; a new speed asks again, until the test is done
    longer = clinician.adjust_prescription(
        at, dr, walker.id, {"duration_min": 12, "reason": "Feels fine"}
    )
    assert [r.code for r in longer.reasons][-1] == CLINICIAN_SPEED_CODE
    with pytest.raises(clinician.SpeedNotConfirmed):
        clinician.adjust_prescription(at, dr, walker.id, {"speed_m_s": 0.65, "reason": "Faster"})
    assessments.record_assessment(at, dr, walker.id, TREADMILL_TEST)
    tested = clinician.adjust_prescription(
        at, dr, walker.id, {"speed_m_s": 0.65, "reason": "Faster"}
    )
    assert tested.details["speed_source"] == "treadmill_van_de_venis"
    assert tested.details["comfortable_speed_m_s"] == pytest.approx(0.7)


def test_a_speed_given_with_the_move_is_held_to_the_new_tests_limit(ctx: AppContext) -> None:
    """0.86 m/s is within the 3-m walk's limit (0.75 × 1.2 = 0.90) but above the treadmill
    test's (the starting ceiling 0.80, or 0.70 × 1.2 = 0.84)."""
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + LATER)
    assessments.record_assessment(at, dr, walker.id, TREADMILL_TEST)
    asked = {"surface": "treadmill", "speed_m_s": 0.86, "reason": "Brisk"}
    with pytest.raises(clinician.SpeedNotConfirmed) as refused:
        clinician.adjust_prescription(at, dr, walker.id, asked)
    assert "limit for this walker, 0.84 m/s" in str(refused.value)
    within = clinician.adjust_prescription(
        at, dr, walker.id, {**asked, "speed_m_s": 0.8, "reason": "Brisk, within"}
    )
    assert within.speed_m_s == 0.8
    assert "your clinician set 0.80 m/s (2.9 km/h) from it" in within.reasons[-1].message


def test_the_audit_lists_only_what_changed(ctx: AppContext) -> None:
    """Found by the outside-in test: "duration min: None" for every value left alone."""
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    at = ctx.at(T0 + LATER)
    clinician.adjust_prescription(at, dr, walker.id, {"duration_min": 12, "reason": "Feels fine"})
    assert _adjust_entries(at, dr, walker.id)[0] == {
        "reason": "Feels fine",
        "duration_min": {"before": 10, "after": 12},
    }
    plan = plans.current_prescription(at, dr, walker.id)
    assert plan is not None
    row_detail = _decision_detail(at, walker.id)
    assert row_detail == {"reason": "Feels fine", "duration_min": {"before": 10, "after": 12}}


def _decision_detail(ctx: AppContext, walker_id: int) -> object:
    from retrowalk.store import repositories as repo

    with ctx.db.reader() as tx:
        row = repo.latest_prescription(tx, walker_id)
        assert row is not None
        return row.decision_json


@pytest.mark.parametrize("held", [False, True])
def test_the_adjustments_answer_words_supervision_as_the_plan_does(
    ctx: AppContext, held: bool
) -> None:
    """The clinician's adjustment answered ``plan_supervision: null`` and no supervision
    words, while the plan read back said "the first 2 sessions" (or, under fall risk, every
    session): an app showing the answer showed no supervision at all. Its replay too."""
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = high_fall_risk_walker(ctx, dr) if held else planned_walker(ctx, dr)
    at = ctx.at(T0 + LATER)
    change = {"duration_min": 12, "reason": "A little longer", "client_key": "adj-words"}
    answer = clinician.adjust_prescription(at, dr, walker.id, change)
    again = clinician.adjust_prescription(at, dr, walker.id, change)
    plan = plans.current_prescription(at, dr, walker.id)
    assert plan is not None
    assert answer.plan_supervision is not None
    assert answer.supervision_words
    for field in ("supervision", "plan_supervision", "supervision_words", "supervision_held_by"):
        assert getattr(answer, field) == getattr(plan, field), field
        assert getattr(again, field) == getattr(plan, field), field
    assert again.created is False
    assert (answer.supervision == "every_session") is held


def test_anothers_key_on_the_same_walker_is_refused_not_answered_with_their_record(
    ctx: AppContext,
) -> None:
    """Found by the outside-in test: the clinician's key sent again by the administrator got
    the clinician's version back (200), and the administrator's change was never stored."""
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = high_fall_risk_walker(ctx, dr)
    at = ctx.at(T0 + LATER)
    mine = clinician.adjust_prescription(
        at, dr, walker.id, {"duration_min": 12, "reason": "A little longer", "client_key": "k1"}
    )
    before = _versions(at, dr, walker.id)
    with pytest.raises(Conflict, match="another person's change to the plan"):
        clinician.adjust_prescription(
            at, admin, walker.id, {"duration_min": 14, "reason": "Admin change", "client_key": "k1"}
        )
    assert _versions(at, dr, walker.id) == before
    assert mine.created


def test_anothers_clearance_key_on_the_same_walker_is_refused(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = enrol(ctx, dr)
    screening.screen_walker(
        ctx.at(T0),
        dr,
        walker.id,
        {
            "used_to_activity": True,
            "parq": [False] * 7,
            "red_flags": ["calf_pain_swelling_warmth"],
            "steadi": {
                "fell_past_12_months": False,
                "feels_unsteady": False,
                "worries_about_falling": False,
            },
            **MORE_NO,
        },
    )
    at = ctx.at(T0 + LATER)
    clinician.clear_walker(
        at, dr, walker.id, {"scope": "red_flag", "reason": "Scan clear", "client_key": "c1"}
    )
    with pytest.raises(Conflict, match="another person's clearance"):
        clinician.clear_walker(
            at, admin, walker.id, {"scope": "red_flag", "reason": "Also seen", "client_key": "c1"}
        )
    mine_again = clinician.clear_walker(
        at, dr, walker.id, {"scope": "red_flag", "reason": "Scan clear", "client_key": "c1"}
    )
    assert mine_again.created is False
