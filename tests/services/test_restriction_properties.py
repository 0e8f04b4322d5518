"""Properties of the gates through the real use cases and a real (SQLite) database:

- no sequence of the walker's own actions (screenings, tests, sessions, check-ins, red-flag
  reports — "none of these" included —, asking for a plan) ever removes a restriction;
- a walker with a restriction that stops sessions is never offered one, and a session without
  an adverse event is refused; one that needs supervision is never offered alone.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrowalk.clinical.errors import ClinicalError
from retrowalk.clinical.red_flags import CHECKIN_RED_FLAGS, SCREENING_RED_FLAGS
from retrowalk.clinical.session_records import AdverseEvent
from retrowalk.services import (
    accounts,
    assessments,
    checkins,
    plans,
    red_flag_reports,
    restrictions,
    screening,
    sessions,
)
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.errors import ServiceError
from retrowalk.services.schemas import Actor, Role
from tests.services.factory import T0, enrol, session_data

yes_no = st.booleans()
screenings = st.fixed_dictionaries(
    {
        "used_to_activity": yes_no,
        "parq": st.lists(yes_no, min_size=7, max_size=7),
        "red_flags": st.lists(st.sampled_from([f.value for f in SCREENING_RED_FLAGS]), max_size=2),
        "steadi": st.fixed_dictionaries(
            {
                "fell_past_12_months": yes_no,
                "feels_unsteady": yes_no,
                "worries_about_falling": yes_no,
            }
        ),
        "fever_or_unwell": yes_no,
        "uses_walking_aid": yes_no,
        "takes_anticoagulant": yes_no,
        "recent_knee_surgery": yes_no,
    }
)
maybe = st.one_of
tests = st.fixed_dictionaries(
    {},
    optional={
        "tug_s": st.floats(5.0, 20.0),
        "tandem_stance_s": st.floats(0.0, 30.0),
        "chair_stand_count": st.integers(0, 25),
        "backward_walk_3m_s": st.floats(1.5, 9.0),
        "treadmill_speed_up_m_s": st.just(0.6),
        "treadmill_speed_down_m_s": st.just(0.7),
    },
)
walks = st.fixed_dictionaries(
    {
        "adverse_events": st.lists(st.sampled_from([e.value for e in AdverseEvent]), max_size=1),
        "supervised": yes_no,
        "pain_peak_nprs": st.integers(0, 10),
        "pain_after_nprs": st.integers(0, 10),
    }
)
mornings = st.fixed_dictionaries(
    {
        "pain_nprs": st.integers(0, 10),
        "stiffness_nprs": st.integers(0, 10),
        "new_red_flags": st.lists(
            st.sampled_from([f.value for f in CHECKIN_RED_FLAGS]), max_size=1
        ),
    }
)
actions = st.lists(
    st.one_of(
        st.tuples(st.just("screen"), screenings),
        st.tuples(st.just("assess"), tests),
        st.tuples(st.just("plan"), st.none()),
        st.tuples(st.just("walk"), walks),
        st.tuples(st.just("checkin"), mornings),
        st.tuples(st.just("report"), mornings.map(lambda m: m["new_red_flags"])),
    ),
    min_size=1,
    max_size=8,
)
emails = itertools.count()


def _act(ctx: AppContext, me: Actor, walker_id: int, kind: str, data: Any, day: int) -> None:
    at = T0 + timedelta(days=day, hours=10)
    try:
        if kind == "screen":
            screening.screen_walker(
                ctx.at(at),
                me,
                walker_id,
                data,
            )
        elif kind == "assess":
            assessments.record_assessment(
                ctx.at(at),
                me,
                walker_id,
                data,
            )
        elif kind == "plan":
            plans.make_plan(
                ctx.at(at),
                me,
                walker_id,
            )
        elif kind == "walk":
            completed = not data["adverse_events"]
            walk = session_data(f"w{day}", at, completed=completed, **data)
            sessions.log_session(
                ctx.at(at),
                me,
                walker_id,
                walk,
            )
        elif kind == "report":
            red_flag_reports.report_red_flags(
                ctx.at(at + timedelta(hours=8)), me, walker_id, {"new_red_flags": data}
            )
        else:
            checkins.morning_checkin(
                ctx.at(at + timedelta(hours=20)),
                me,
                walker_id,
                data,
            )
    except (ServiceError, ClinicalError):
        pass  # refused with a sentence: the property is about what is stored


@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions)
def test_property_the_walker_never_removes_a_restriction_and_is_never_offered_a_forbidden_session(
    tmp_path: Path, steps: list[tuple[str, Any]]
) -> None:
    ctx = build_context(f"sqlite+pysqlite:///{tmp_path / 'property.sqlite'}")
    try:
        admin = accounts.ensure_local_admin(ctx)
        walker = enrol(ctx, admin, f"p{next(emails)}@example.org")
        me = Actor(account_id=walker.account_id, role=Role.WALKER)
        before: set[str] = set()
        for day, (kind, data) in enumerate(steps):
            _act(ctx, me, walker.id, kind, data, day)
            found = restrictions.walker_restrictions(ctx, me, walker.id).active
            now = {r.kind.value for r in found}
            assert now >= before, f"{kind} removed {before - now}"
            today = plans.todays_prescription(
                ctx.at(T0 + timedelta(days=day, hours=23)),
                me,
                walker.id,
            )
            if any(r.effect.value == "no_sessions" for r in found):
                assert not today.session_offered
                assert today.status not in ("ready", "done_today")
            if any(r.effect.value == "supervised" for r in found) and today.prescription:
                assert today.supervised
            before = now
    finally:
        ctx.db.dispose()
