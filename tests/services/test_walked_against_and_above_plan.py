"""A session walked against a restriction, or far above its plan, reaches the clinician
(RULES.md §7.9 "stored as told and flagged to the clinician, and the walker is told why it
matters"), on SQLite and PostgreSQL.

Found by the outside-in probe: on a rest day a session reporting sharp knee pain (30 min at
2.0 m/s against a plan of 12 min at 0.77 m/s) was stored with no notice and no flag but the
adverse event's. The adverse event is still always taken; nothing here lifts a restriction,
and the above-plan thresholds are retrowalk **policy** (``PolicyConfig.above_plan_*``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from retrowalk.services import checkins, clinician, plans, policies, restrictions, sessions
from retrowalk.services.context import AppContext
from retrowalk.services.errors import AccessDenied, NotReadyToWalk
from retrowalk.services.schemas import Actor, Role, SessionOut, WalkerOut
from retrowalk.store import repositories as repo
from tests.services.factory import T0, morning, session_data
from tests.services.test_restriction_gates import admin, planned, screen

__all__ = ["admin"]

DAY = timedelta(days=1)
ABOVE = "More than your plan: your clinician will see it."


def as_walker(ctx: AppContext, walker: WalkerOut) -> Actor:
    with ctx.db.reader() as tx:
        account = repo.account(tx, walker.account_id)
        assert account is not None
    return Actor(account_id=walker.account_id, role=Role.WALKER)


def on_a_rest_day(ctx: AppContext, admin: Actor) -> tuple[WalkerOut, Actor, datetime]:
    """A planned walker (10 min at 0.75 m/s) whose morning pain 8 made today a rest day."""
    walker = planned(ctx, admin)
    sessions.log_session(ctx.at(T0), admin, walker.id, session_data("s0", T0))
    out = checkins.morning_checkin(ctx.at(T0 + DAY), admin, walker.id, morning(T0, pain=8))
    assert out.rest_day
    me = as_walker(ctx, walker)
    rest = T0 + DAY + timedelta(hours=3)
    assert plans.todays_prescription(ctx.at(rest), me, walker.id).status == "rest_day"
    return walker, me, rest


def flags_of(ctx: AppContext, admin: Actor, walker: WalkerOut, at: datetime) -> Any:
    return clinician.walker_flag(ctx.at(at), admin, walker.id)


def the_probe(at: datetime, key: str = "probe", **more: Any) -> dict[str, Any]:
    return session_data(
        key,
        at,
        adverse_events=["sharp_knee_pain"],
        duration_min=30,
        speed_m_s=2.0,
        surface="treadmill",
        supervised=False,
        **more,
    )


def test_a_session_with_an_adverse_event_on_a_rest_day_is_stored_told_and_flagged(
    ctx: AppContext, admin: Actor
) -> None:
    walker, me, rest = on_a_rest_day(ctx, admin)
    saved = sessions.log_session(ctx.at(rest), me, walker.id, the_probe(rest))
    assert saved.created  # stored as told: the adverse event is never refused
    assert saved.completed
    assert saved.walked_against == ("rest_day",)
    against = [n for n in saved.notices if "on a rest day" in n]
    assert len(against) == 1
    assert "very painful in the morning" in against[0]  # why it matters, in plain words
    assert "until your clinician says you can" in against[0]
    assert [n for n in saved.notices if ABOVE in n] == [saved.notices[-1]]  # once, last
    assert "30 minutes at 2.00 m/s (7.2 km/h)" in saved.notices[-1]
    assert "your plan was 8 minutes at 0.75 m/s (2.7 km/h)" in saved.notices[-1]  # stepped down
    flags = flags_of(ctx, admin, walker, rest)
    assert {"walked_against_restriction", "above_plan", "rest_day", "adverse_event"} <= set(
        flags.flags
    )
    walked = next(d for d in flags.details if d.startswith("Walked backward 30 min"))
    assert "a rest day after a painful morning stopped every session" in walked
    above = next(d for d in flags.details if d.startswith("Well above the plan"))
    assert "retrowalk policy" in above
    assert "more than 5 min longer or 25% faster" in above
    with ctx.db.reader() as tx:
        actions = [e.action for e in repo.audit_entries(tx, walker_id=walker.id)]
    assert "session.walked_against_restriction" in actions


def test_walking_against_a_rest_day_lifts_nothing_and_opens_no_way_round_it(
    ctx: AppContext, admin: Actor
) -> None:
    walker, me, rest = on_a_rest_day(ctx, admin)
    sessions.log_session(ctx.at(rest), me, walker.id, the_probe(rest))
    kinds = {r.kind for r in restrictions.walker_restrictions(ctx.at(rest), me, walker.id).active}
    assert {"rest_day", "adverse_event"} <= kinds
    assert plans.todays_prescription(ctx.at(rest), me, walker.id).status == "rest_day"
    with pytest.raises(NotReadyToWalk):  # a plain session is still refused
        sessions.log_session(ctx.at(rest), me, walker.id, session_data("plain", rest))
    with pytest.raises(AccessDenied):  # and the walker cannot clear it
        clinician.clear_walker(
            ctx.at(rest), me, walker.id, {"scope": "rest_day", "reason": "I feel fine"}
        )
    # the key sent again says the same again, and stores nothing twice
    again = sessions.log_session(ctx.at(rest), me, walker.id, the_probe(rest))
    assert not again.created
    assert again.walked_against == ("rest_day",)
    assert any("on a rest day" in n for n in again.notices)
    assert sum(ABOVE in n for n in again.notices) == 1


def test_a_report_of_zero_minutes_on_a_rest_day_went_against_nothing(
    ctx: AppContext, admin: Actor
) -> None:
    """A fall during the warm-up (no backward walking) is a report, not a session walked."""
    walker, me, rest = on_a_rest_day(ctx, admin)
    fell = session_data(
        "fell", rest, adverse_events=["fall"], duration_min=0, speed_m_s=None, completed=False
    )
    saved = sessions.log_session(ctx.at(rest), me, walker.id, fell)
    assert saved.walked_against == ()
    assert saved.notices == ()
    flags = flags_of(ctx, admin, walker, rest).flags
    assert "adverse_event" in flags
    assert "walked_against_restriction" not in flags
    assert "above_plan" not in flags


def test_a_session_walked_while_sessions_are_stopped_for_review_is_flagged(
    ctx: AppContext, admin: Actor
) -> None:
    """Chest pain stops every session; its own session went against nothing, a session
    walked after it (reporting dizziness) went against the review it waits for."""
    walker = planned(ctx, admin)
    chest = session_data("chest", T0, adverse_events=["chest_pain"], completed=False)
    first = sessions.log_session(ctx.at(T0), admin, walker.id, chest)
    assert first.walked_against == ()
    assert "walked_against_restriction" not in flags_of(ctx, admin, walker, T0).flags
    later = T0 + DAY
    dizzy = session_data("dizzy", later, adverse_events=["dizziness"], duration_min=8)
    saved = sessions.log_session(ctx.at(later), admin, walker.id, dizzy)
    assert saved.walked_against == ("adverse_event",)
    assert any("before your clinician had reviewed" in n for n in saved.notices)
    assert not any(ABOVE in n for n in saved.notices)  # 8 min at 0.75: within the plan
    flags = flags_of(ctx, admin, walker, later)
    assert "walked_against_restriction" in flags.flags
    assert "above_plan" not in flags.flags
    assert any("an adverse event waiting for your review" in d for d in flags.details)


def test_a_session_far_above_the_plan_is_told_once_and_flagged_as_policy(
    ctx: AppContext, admin: Actor
) -> None:
    walker = planned(ctx, admin)
    before = plans.current_prescription(ctx.at(T0), admin, walker.id)
    fast = session_data("fast", T0 + DAY, duration_min=30, speed_m_s=2.5, supervised=False)
    saved = sessions.log_session(ctx.at(T0 + DAY), admin, walker.id, fast)
    assert saved.walked_against == ()
    assert [n for n in saved.notices if ABOVE in n] == [saved.notices[-1]]
    flags = flags_of(ctx, admin, walker, T0 + DAY)
    assert "above_plan" in flags.flags
    assert any("retrowalk policy" in d for d in flags.details if d.startswith("Well above"))
    after = plans.current_prescription(ctx.at(T0 + DAY), admin, walker.id)
    assert before is not None
    assert after is not None
    assert after.version == before.version  # the log changes no plan: the rule decides as before


@pytest.mark.parametrize(
    ("minutes", "speed", "distance", "flagged"),
    [
        (15, 0.75, None, False),  # 10 planned + 5: not more than the policy's 5 minutes
        (15.5, 0.75, None, True),
        (10, 0.9375, None, False),  # exactly 25 % faster than 0.75 m/s
        (10, 0.95, None, True),
        (10, None, 600.0, True),  # 600 m in 10 min: 1.0 m/s, from the distance
        (10, None, 450.0, False),  # 0.75 m/s
    ],
)
def test_the_above_plan_thresholds_are_the_policys(
    ctx: AppContext,
    admin: Actor,
    minutes: float,
    speed: float | None,
    distance: float | None,
    flagged: bool,
) -> None:
    walker = planned(ctx, admin)
    data = session_data("s", T0 + DAY, duration_min=minutes, speed_m_s=speed, distance_m=distance)
    saved = sessions.log_session(ctx.at(T0 + DAY), admin, walker.id, data)
    assert any(ABOVE in n for n in saved.notices) is flagged
    assert ("above_plan" in flags_of(ctx, admin, walker, T0 + DAY).flags) is flagged


def test_a_clinic_sets_its_own_above_plan_thresholds(ctx: AppContext, admin: Actor) -> None:
    walker = planned(ctx, admin)
    longer = session_data("longer", T0 + DAY, duration_min=18)
    assert any(ABOVE in n for n in sessions.log_session(ctx, admin, walker.id, longer).notices)
    assert "above_plan" in flags_of(ctx, admin, walker, T0 + DAY).flags
    policies.set_policy(
        ctx, admin, {"above_plan_extra_min": 10}, "Our walkers often add a few minutes."
    )
    assert "above_plan" not in flags_of(ctx, admin, walker, T0 + DAY).flags
    flags = flags_of(ctx, admin, walker, T0 + DAY)
    assert not any(d.startswith("Well above") for d in flags.details)


def test_a_past_session_a_clinician_enters_before_a_red_flag_went_against_nothing(
    ctx: AppContext, admin: Actor
) -> None:
    """Walked at 09:00, the red flag reported at 10:00: a record of the past (RULES.md §7.7),
    stored without a walked-against mark (it stood only later)."""
    walker = planned(ctx, admin)
    ten = T0 + DAY + timedelta(hours=10)
    screen(ctx, admin, walker, ten, red_flags=["locked_knee"])
    nine = ten - timedelta(hours=1)
    out: SessionOut = sessions.log_session(
        ctx.at(ten + timedelta(hours=1)),
        admin,
        walker.id,
        session_data("nine", nine, adverse_events=["sharp_knee_pain"]),
    )
    assert out.walked_against == ()
    assert "walked_against_restriction" not in flags_of(ctx, admin, walker, ten).flags
