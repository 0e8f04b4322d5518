"""Strengthening exercises in the services: the programme follows the walker's condition, the
walker ticks what she did, her clinician switches exercises and sees adherence — and nobody
else reaches any of it. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retrowalk.clinical.exercises import EXERCISES, programme_for
from retrowalk.services import accounts, audit_view, exercise_log, exercises
from retrowalk.services.context import AppContext
from retrowalk.services.errors import AccessDenied, InvalidRequest, KeyReused
from retrowalk.services.schemas import Actor, Role, WalkerOut
from tests.services.factory import T0, enrol
from tests.services.factory import clinician as make_clinician

MONDAY = T0 + timedelta(weeks=1)  # 2026-01-12, a Monday; the walkers are enrolled at T0


def _people(ctx: AppContext, **profile: object) -> tuple[Actor, WalkerOut, Actor]:
    """(her clinician, the walker, the walker as actor)."""
    admin = accounts.ensure_local_admin(ctx)
    clinician = make_clinician(ctx, admin, "cleo@example.org")
    walker = enrol(ctx, clinician, "ann@example.org", **profile)
    return clinician, walker, Actor(account_id=walker.account_id, role=Role.WALKER)


def _tick(key: str, *items: tuple[str, int, int | None]) -> dict[str, object]:
    return {
        "client_key": key,
        "exercises": [
            {"exercise_key": k, "sets_done": sets, "pain_nprs": pain} for k, sets, pain in items
        ],
    }


def test_the_programme_follows_the_condition_stored_on_the_walker(ctx: AppContext) -> None:
    clinician, oa, _ = _people(ctx)
    pfp = enrol(ctx, clinician, "pia@example.org", knee_condition="patellofemoral_pain")
    oa_set = exercises.walker_programme(ctx, clinician, oa.id)
    pfp_set = exercises.walker_programme(ctx, clinician, pfp.id)
    assert [i.key for i in oa_set.items] == list(programme_for("oa").exercises)
    assert "leg_press" in [i.key for i in oa_set.items]
    assert "clamshell" in [i.key for i in pfp_set.items]
    assert pfp_set.policy
    assert not oa_set.policy
    assert all(i.enabled for i in oa_set.items)
    press = next(i for i in oa_set.items if i.key == "leg_press")
    assert press.home_alternative is not None
    assert press.home_alternative.key == "sit_to_stand"


def test_a_tick_is_stored_with_the_servers_date_and_audited(ctx: AppContext) -> None:
    clinician, walker, me = _people(ctx)
    late_evening = MONDAY.replace(hour=23, minute=30)  # London: still Monday
    saved = exercise_log.log_exercises(
        ctx.at(late_evening),
        me,
        walker.id,
        _tick("t1", ("straight_leg_raise", 3, 2), ("semi_squat", 1, 4)),
    )
    assert saved.created
    assert saved.local_date == late_evening.date()
    assert saved.logged_at == late_evening
    assert [(e.exercise_key, e.sets_done, e.sets_planned) for e in saved.exercises] == [
        ("straight_leg_raise", 3, EXERCISES["straight_leg_raise"].dose.sets),
        ("semi_squat", 1, EXERCISES["semi_squat"].dose.sets),
    ]
    sent = _tick("t1", ("straight_leg_raise", 3, 2), ("semi_squat", 1, 4))
    again = exercise_log.log_exercises(ctx, me, walker.id, sent)
    assert not again.created
    assert again.id == saved.id
    with pytest.raises(KeyReused, match="this exercise tick was already saved"):
        exercise_log.log_exercises(ctx, me, walker.id, _tick("t1", ("semi_squat", 3, 0)))
    page = audit_view.walker_audit(ctx, clinician, walker.id)
    logged = [e for e in page.entries if e.action == "exercise.log"]
    assert len(logged) == 1
    assert logged[0].what == "ticked the strengthening exercises done"
    assert logged[0].detail["exercises"] == {"straight_leg_raise": 3, "semi_squat": 1}
    assert logged[0].at == late_evening


def test_a_tick_naming_another_programmes_exercise_says_which_field(ctx: AppContext) -> None:
    _, walker, me = _people(ctx)
    with pytest.raises(InvalidRequest) as caught:
        exercise_log.log_exercises(ctx, me, walker.id, _tick("t", ("clamshell", 2, 1)))
    assert caught.value.field == "exercises.0.exercise_key"
    assert "straight_leg_raise" in str(caught.value)


def test_sets_and_pain_out_of_range_are_refused_with_the_limit(ctx: AppContext) -> None:
    _, walker, me = _people(ctx)
    with pytest.raises(InvalidRequest) as caught:
        exercise_log.log_exercises(ctx, me, walker.id, _tick("t", ("semi_squat", 99, 11)))
    fields = {p.field: p for p in caught.value.problems}
    assert fields["exercises.0.sets_done"].limits["le"] == 10
    assert fields["exercises.0.pain_nprs"].limits["le"] == 10
    with pytest.raises(InvalidRequest, match="how much it hurt"):
        exercise_log.log_exercises(ctx, me, walker.id, _tick("t", ("semi_squat", 2, None)))


def test_a_bad_done_as_is_the_one_problem_reported(ctx: AppContext) -> None:
    """Found by the outside-in test: it also said "exercises: must not be empty" for a list
    of one (pydantic's echo of a refused item of a tuple)."""
    _, walker, me = _people(ctx)
    tick = _tick("t", ("semi_squat", 2, 1))
    tick["exercises"][0]["done_as"] = "standing_on_my_head"  # type: ignore[index]
    with pytest.raises(InvalidRequest) as caught:
        exercise_log.log_exercises(ctx, me, walker.id, tick)
    assert [p.field for p in caught.value.problems] == ["exercises.0.done_as"]
    assert "must not be empty" not in str(caught.value)
    with pytest.raises(InvalidRequest) as empty:  # an empty list is still refused, in words
        exercise_log.log_exercises(ctx, me, walker.id, {"client_key": "t2", "exercises": []})
    assert [p.field for p in empty.value.problems] == ["exercises"]
    assert "must not be empty" in str(empty.value)


def test_a_switched_off_exercise_cannot_be_ticked_and_drops_out_of_adherence(
    ctx: AppContext,
) -> None:
    clinician, walker, me = _people(ctx)
    out = exercises.switch_exercise(
        ctx.at(MONDAY),
        clinician,
        walker.id,
        {"exercise_key": "leg_press", "enabled": False, "reason": "No gym nearby"},
    )
    press = next(i for i in out.items if i.key == "leg_press")
    assert not press.enabled
    assert press.reason == "No gym nearby"
    assert press.changed_by_name == "cleo"
    with pytest.raises(InvalidRequest, match="switched off"):
        exercise_log.log_exercises(ctx, me, walker.id, _tick("t", ("leg_press", 3, 1)))
    adherence = exercise_log.exercise_adherence(ctx.at(MONDAY), clinician, walker.id, weeks=1)
    assert "leg_press" not in [e.exercise_key for e in adherence.weeks[-1].exercises]
    back_on = exercises.switch_exercise(
        ctx, clinician, walker.id, {"exercise_key": "leg_press", "enabled": True}
    )
    assert next(i for i in back_on.items if i.key == "leg_press").enabled
    actions = [e.action for e in audit_view.walker_audit(ctx, clinician, walker.id).entries]
    assert actions.count("exercise.switch_off") == 1
    assert actions.count("exercise.switch_on") == 1


def test_a_switch_of_an_exercise_outside_her_programme_is_refused(ctx: AppContext) -> None:
    clinician, walker, _ = _people(ctx)
    with pytest.raises(InvalidRequest) as caught:
        exercises.switch_exercise(
            ctx, clinician, walker.id, {"exercise_key": "clamshell", "enabled": False}
        )
    assert caught.value.field == "exercise_key"


def test_adherence_counts_days_and_sets_done_against_planned_per_week(ctx: AppContext) -> None:
    clinician, walker, me = _people(ctx)
    for day in (0, 2):
        exercise_log.log_exercises(
            ctx.at(MONDAY + timedelta(days=day)),
            me,
            walker.id,
            _tick(f"d{day}", ("straight_leg_raise", 3, 1), ("semi_squat", 0, None)),
        )
    exercise_log.log_exercises(
        ctx.at(MONDAY + timedelta(days=2, hours=3)),
        me,
        walker.id,
        _tick("again", ("straight_leg_raise", 1, 3)),
    )
    exercise_log.log_exercises(  # the week before, when she was enrolled
        ctx.at(MONDAY - timedelta(days=3)), me, walker.id, _tick("old", ("semi_squat", 2, 2))
    )
    out = exercise_log.exercise_adherence(
        ctx.at(MONDAY + timedelta(days=4)), clinician, walker.id, weeks=4
    )
    last, this = out.weeks  # not the weeks before she was enrolled
    assert this.week_start == MONDAY.date()
    assert last.week_start == (MONDAY - timedelta(weeks=1)).date()
    slr = next(e for e in this.exercises if e.exercise_key == "straight_leg_raise")
    dose = EXERCISES["straight_leg_raise"].dose
    assert (slr.days_done, slr.days_planned) == (2, dose.sessions_per_week)
    assert (slr.sets_done, slr.sets_planned) == (7, dose.sets * dose.sessions_per_week)
    assert slr.pain_peak_nprs == 3
    squat = next(e for e in this.exercises if e.exercise_key == "semi_squat")
    assert squat.days_done == 0
    assert this.days_done == 2
    assert next(e for e in last.exercises if e.exercise_key == "semi_squat").days_done == 1
    mine = exercise_log.exercise_adherence(ctx.at(MONDAY), me, walker.id, weeks=1)
    assert mine.walker_id == walker.id
    with pytest.raises(InvalidRequest, match="weeks"):
        exercise_log.exercise_adherence(ctx, me, walker.id, weeks=0)


def test_nobody_else_reaches_a_walkers_exercises(ctx: AppContext) -> None:
    clinician, walker, me = _people(ctx)
    admin = accounts.ensure_local_admin(ctx)
    other_clinician = make_clinician(ctx, admin, "otto@example.org")
    bob = enrol(ctx, other_clinician, "bob@example.org")
    as_bob = Actor(account_id=bob.account_id, role=Role.WALKER)
    switch = {"exercise_key": "semi_squat", "enabled": False}
    for actor in (as_bob, other_clinician):
        with pytest.raises(AccessDenied):
            exercises.walker_programme(ctx, actor, walker.id)
        with pytest.raises(AccessDenied):
            exercise_log.log_exercises(ctx, actor, walker.id, _tick("x", ("semi_squat", 1, 1)))
        with pytest.raises(AccessDenied):
            exercise_log.exercise_adherence(ctx, actor, walker.id)
        with pytest.raises(AccessDenied):
            exercises.switch_exercise(ctx, actor, walker.id, switch)
    with pytest.raises(AccessDenied):  # the walker herself may not switch her exercises
        exercises.switch_exercise(ctx, me, walker.id, switch)
    assert all(i.enabled for i in exercises.walker_programme(ctx, clinician, walker.id).items)
    assert exercise_log.exercise_adherence(ctx, clinician, walker.id).weeks[-1].days_done == 0


def test_an_exercise_that_hurt_too_much_is_said_and_flagged_for_her_clinician(
    ctx: AppContext,
) -> None:
    """Pain above the acceptable level during an exercise (the red zone) comes back with the
    tick, so the walker is told, and puts a pain flag on her clinician's list for the flag
    window; pain within the acceptable level does neither."""
    from retrowalk.clinical.pain_monitoring import PAIN_ACCEPTABLE_MAX_NPRS
    from retrowalk.services import clinician as clinician_service
    from retrowalk.services.schemas import Flag

    clinician, walker, me = _people(ctx)
    fine = exercise_log.log_exercises(
        ctx.at(MONDAY),
        me,
        walker.id,
        _tick("ok", ("semi_squat", 2, PAIN_ACCEPTABLE_MAX_NPRS), ("straight_leg_raise", 0, 9)),
    )
    assert [e.pain_nprs for e in fine.exercises] == [PAIN_ACCEPTABLE_MAX_NPRS, 9]
    assert fine.too_painful == ("straight_leg_raise",)  # stopped at once because it hurt
    rows = clinician_service.walker_flags(ctx.at(MONDAY), clinician)
    assert Flag.PAIN_FLARE in rows[0].flags
    calm = exercise_log.log_exercises(
        ctx.at(MONDAY), me, walker.id, _tick("calm", ("semi_squat", 2, PAIN_ACCEPTABLE_MAX_NPRS))
    )
    assert calm.too_painful == ()
    hurt = exercise_log.log_exercises(
        ctx.at(MONDAY + timedelta(days=1)),
        me,
        walker.id,
        _tick("hurt", ("semi_squat", 1, PAIN_ACCEPTABLE_MAX_NPRS + 1), ("leg_press", 2, 1)),
    )
    assert hurt.too_painful == ("semi_squat",)
    soon = ctx.at(MONDAY + timedelta(days=2))
    row = clinician_service.walker_flags(soon, clinician)[0]
    assert Flag.PAIN_FLARE in row.flags
    said = next(d for d in row.details if "exercise" in d)
    assert EXERCISES["semi_squat"].name in said
    assert f"{PAIN_ACCEPTABLE_MAX_NPRS + 1}/10" in said
    assert clinician_service.walker_flag(soon, clinician, walker.id) == row
    weeks_later = ctx.at(MONDAY + timedelta(days=30))
    assert Flag.PAIN_FLARE not in clinician_service.walker_flags(weeks_later, clinician)[0].flags
