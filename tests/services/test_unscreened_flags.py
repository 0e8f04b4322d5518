"""A walker with no screening (or no plan) is not "fine": the clinician's list says so, through
the list's cache as well as for one walker, and the flag goes once the step is done."""

from __future__ import annotations

from datetime import timedelta

from retrowalk.services import accounts, assessments, clinician, plans, screening
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import Flag
from tests.services.factory import MORE_NO, NO_STEADI, PARQ_CLEAR, T0, enrol, planned_walker
from tests.services.factory import clinician as make_clinician


def _row(ctx: AppContext, dr: object, walker_id: int) -> tuple[tuple[Flag, ...], tuple[str, ...]]:
    rows = {r.walker.id: r for r in clinician.walker_flags(ctx, dr)}  # type: ignore[arg-type]
    return rows[walker_id].flags, rows[walker_id].details


def _screen(ctx: AppContext, dr: object, walker_id: int, *red_flags: str) -> None:
    answers = {
        "used_to_activity": True,
        "parq": PARQ_CLEAR,
        "red_flags": list(red_flags),
        "steadi": NO_STEADI,
        **MORE_NO,
    }
    screening.screen_walker(ctx, dr, walker_id, answers)  # type: ignore[arg-type]


def test_not_screened_then_no_plan_then_nothing_to_say(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = enrol(ctx, dr, "new@example.org")
    now = ctx.at(T0 + timedelta(minutes=5))
    flags, details = _row(now, dr, walker.id)
    assert flags == (Flag.NOT_SCREENED,)
    assert details[0].startswith("Not screened yet")
    assert clinician.walker_flag(now, dr, walker.id).flags == (Flag.NOT_SCREENED,)
    _screen(ctx.at(T0 + timedelta(minutes=10)), dr, walker.id)
    later = ctx.at(T0 + timedelta(minutes=15))
    assert _row(later, dr, walker.id)[0] == (Flag.NO_PLAN,)  # the cache saw the screening
    full = {"tug_s": 9.0, "tandem_stance_s": 15, "chair_stand_count": 13, "backward_walk_3m_s": 4}
    assessments.record_assessment(ctx.at(T0 + timedelta(minutes=20)), dr, walker.id, full)
    plans.make_plan(ctx.at(T0 + timedelta(minutes=25)), dr, walker.id)
    assert _row(ctx.at(T0 + timedelta(minutes=30)), dr, walker.id)[0] == ()


def test_a_red_flag_is_not_also_told_as_no_plan_yet(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = enrol(ctx, dr, "red@example.org")
    _screen(ctx.at(T0 + timedelta(minutes=10)), dr, walker.id, "locked_knee")
    flags, _ = _row(ctx.at(T0 + timedelta(minutes=15)), dr, walker.id)
    assert Flag.RED_FLAG in flags
    assert Flag.NO_PLAN not in flags
    assert Flag.NOT_SCREENED not in flags


def test_a_walker_with_a_plan_is_neither(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr, "plan@example.org")
    flags, _ = _row(ctx.at(T0 + timedelta(hours=1)), dr, walker.id)
    assert Flag.NOT_SCREENED not in flags
    assert Flag.NO_PLAN not in flags
