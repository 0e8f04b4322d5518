"""The strengthening exercises wait while a restriction stops every session (a red flag: stop
and see a doctor; chest pain, dizziness or a fall: no further sessions until reviewed,
RULES.md §1.2, §7.7, §7.8; that the exercises wait too is retrowalk policy). The walker can
do nothing that lifts it; only the clinician's recorded clearance does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retrowalk.services import accounts, clinician, exercise_log, screening, sessions
from retrowalk.services.context import AppContext
from retrowalk.services.errors import NotReadyToWalk
from retrowalk.services.exercise_gate import EXERCISES_WAIT
from retrowalk.services.schemas import Actor, Role
from tests.services.factory import (
    MORE_NO,
    NO_STEADI,
    PARQ_CLEAR,
    T0,
    planned_walker,
    session_data,
)
from tests.services.factory import clinician as make_clinician

TICK = {"exercises": [{"exercise_key": "semi_squat", "sets_done": 2, "pain_nprs": 1}]}


def _people(ctx: AppContext) -> tuple[Actor, int, Actor]:
    admin = accounts.ensure_local_admin(ctx)
    desk = make_clinician(ctx, admin, "cleo@example.org")
    walker = planned_walker(ctx, desk)
    return desk, walker.id, Actor(account_id=walker.account_id, role=Role.WALKER)


def _tick(ctx: AppContext, actor: Actor, walker_id: int, key: str) -> object:
    return exercise_log.log_exercises(ctx, actor, walker_id, {**TICK, "client_key": key})


def test_a_red_flag_stops_the_exercises_until_the_clinician_clears_it(ctx: AppContext) -> None:
    desk, walker_id, me = _people(ctx)
    later = ctx.at(T0 + timedelta(hours=1))
    answers = {
        "used_to_activity": True,
        "parq": PARQ_CLEAR,
        "red_flags": ["calf_pain_swelling_warmth"],
        "steadi": NO_STEADI,
        **MORE_NO,
    }
    screening.screen_walker(later, me, walker_id, answers)
    with pytest.raises(NotReadyToWalk) as caught:
        _tick(later, me, walker_id, "red-1")
    assert "No exercises can be ticked now" in str(caught.value)
    assert EXERCISES_WAIT in str(caught.value)
    # Clean answers do not lift it; nor may her clinician tick for her meanwhile.
    screening.screen_walker(later, me, walker_id, {**answers, "red_flags": []})
    for actor in (me, desk):
        with pytest.raises(NotReadyToWalk):
            _tick(later, actor, walker_id, "red-2")
    assert exercise_log.exercise_adherence(later, me, walker_id).weeks[-1].sets_done == 0
    clinician.clear_walker(later, desk, walker_id, {"scope": "red_flag", "reason": "GP: no DVT"})
    assert _tick(later, me, walker_id, "red-3") is not None


@pytest.mark.parametrize("event", ["chest_pain", "dizziness", "fall"])
def test_chest_pain_dizziness_or_a_fall_stops_the_exercises_until_reviewed(
    ctx: AppContext, event: str
) -> None:
    desk, walker_id, me = _people(ctx)
    walked = T0 + timedelta(days=1)
    sessions.log_session(
        ctx.at(walked + timedelta(minutes=30)),
        me,
        walker_id,
        session_data("s1", walked, adverse_events=[event]),
    )
    after = ctx.at(walked + timedelta(hours=1))
    with pytest.raises(NotReadyToWalk, match="No exercises can be ticked now"):
        _tick(after, me, walker_id, f"{event}-1")
    clinician.clear_walker(after, desk, walker_id, {"scope": "adverse_event", "reason": "Seen"})
    assert _tick(after, me, walker_id, f"{event}-2") is not None


def test_a_near_fall_only_asks_for_supervision_and_the_exercises_go_on(ctx: AppContext) -> None:
    _, walker_id, me = _people(ctx)
    walked = T0 + timedelta(days=1)
    sessions.log_session(
        ctx.at(walked + timedelta(minutes=30)),
        me,
        walker_id,
        session_data("s1", walked, adverse_events=["near_fall"]),
    )
    assert _tick(ctx.at(walked + timedelta(hours=1)), me, walker_id, "nf-1") is not None
