"""A reason that lifts or changes something (a clearance, an adjustment, a policy change, a
move to another clinician) says why in letters: dots, digits alone or accents written alone
(combining marks) say nothing, and are refused with one sentence (RULES.md §7.1: who, when,
why). On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from retrowalk.services import accounts, clinician, policies, restrictions, screening, walkers
from retrowalk.services.context import AppContext
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.schemas import Actor
from tests.services.factory import MORE_NO, NO_STEADI, PARQ_CLEAR, T0, enrol, planned_walker
from tests.services.factory import clinician as make_clinician

SAY_NOTHING = ("...", "\u0301\u0301\u0301\u0301", "123", "?!-", "a.b", " x  y ")
"""Reasons of no letters, or fewer than three: each passed the old count of non-spaces."""


@pytest.fixture
def admin(ctx: AppContext) -> Actor:
    return accounts.ensure_local_admin(ctx)


def _red_flagged(ctx: AppContext, admin: Actor) -> int:
    walker = enrol(ctx, admin)
    screening.screen_walker(
        ctx.at(T0),
        admin,
        walker.id,
        {
            "used_to_activity": True,
            "parq": PARQ_CLEAR,
            "red_flags": ["calf_pain_swelling_warmth"],
            "steadi": NO_STEADI,
            **MORE_NO,
        },
    )
    return walker.id


def _kinds(ctx: AppContext, admin: Actor, walker_id: int) -> list[str]:
    return [r.kind for r in restrictions.walker_restrictions(ctx, admin, walker_id).active]


@pytest.mark.parametrize(
    ("reason", "then"),
    list(
        zip(
            SAY_NOTHING,
            ["Scan clear", "Δεν πονά", "超音波正常", "Doppler 2x: clear", "GP: ok", "seen"],
            strict=True,
        )
    ),
)
def test_a_reason_without_three_letters_never_lifts_an_emergency_red_flag(
    ctx: AppContext, admin: Actor, reason: str, then: str
) -> None:
    """Then a reason of letters in any script lifts it (a clinician may write in Greek)."""
    walker_id = _red_flagged(ctx, admin)
    with pytest.raises(InvalidRequest, match=r"reason: .*at least 3 letters") as refused:
        clinician.clear_walker(ctx, admin, walker_id, {"scope": "red_flag", "reason": reason})
    assert refused.value.field == "reason"
    assert "red_flag" in _kinds(ctx, admin, walker_id)
    clinician.clear_walker(ctx, admin, walker_id, {"scope": "red_flag", "reason": then})
    assert "red_flag" not in _kinds(ctx, admin, walker_id)


@pytest.mark.parametrize("reason", SAY_NOTHING)
def test_an_adjustment_needs_three_letters_of_reason_and_the_plan_stays(
    ctx: AppContext, admin: Actor, reason: str
) -> None:
    walker = planned_walker(ctx, admin)
    with pytest.raises(InvalidRequest, match=r"reason: .*at least 3 letters"):
        clinician.adjust_prescription(ctx, admin, walker.id, {"duration_min": 12, "reason": reason})
    again = clinician.adjust_prescription(
        ctx, admin, walker.id, {"duration_min": 12, "reason": "Knee calmer"}
    )
    assert again.version == 2  # the refused change made no version


@pytest.mark.parametrize("reason", SAY_NOTHING)
def test_a_policy_change_needs_three_letters_of_reason(
    ctx: AppContext, admin: Actor, reason: str
) -> None:
    before = policies.current_policy(ctx, admin).version
    with pytest.raises(InvalidRequest, match=r"reason: .*at least 3 letters"):
        policies.set_policy(ctx, admin, {"cool_down_min": 9}, reason)
    assert policies.current_policy(ctx, admin).version == before


def test_a_move_to_another_clinician_needs_three_letters_of_reason(
    ctx: AppContext, admin: Actor
) -> None:
    ola = make_clinician(ctx, admin, "ola@example.org")
    walker = enrol(ctx, admin)
    with pytest.raises(InvalidRequest, match=r"reason: .*at least 3 letters"):
        walkers.reassign_walker(
            ctx, admin, walker.id, {"clinician_id": ola.account_id, "reason": "..."}
        )
    assert walkers.get_walker(ctx, admin, walker.id).clinician_id != ola.account_id
