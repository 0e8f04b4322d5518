"""A realistic six-week walker, made through the same use cases a person would use.

Deterministic for a seed: the dates are fixed (from Monday 5 January 2026), and the pain and
effort a walker reports vary by a seeded random generator. The story: three sessions a week,
a mild flare in week 3 (pain 6 → regress), a missed week 5 (→ the break step-back), then
steady again. Nothing is inserted directly: every row comes from a use case.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from retrowalk.services import (
    assessments,
    checkins,
    plans,
    screening,
    sessions,
    walkers,
)
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import Actor

START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
SESSION_DAYS = (0, 2, 4)
WEEKS = 6
FLARE_WEEK = 2
MISSED_WEEK = 4
USUAL_PAIN = 3
"""The demo walker's usual knee pain before a session (0–10)."""


def run_demo(ctx: AppContext, actor: Actor, *, seed: int = 1) -> dict[str, Any]:
    """Create the demo walker and their six weeks; returns a summary."""
    rng = random.Random(seed)
    walker = walkers.enrol_walker(
        ctx.at(START),
        actor,
        {
            "email": f"demo-{seed}@example.org",
            "display_name": f"Demo walker {seed}",
            "age_years": 60 + rng.randrange(15),
            "sex": rng.choice(["female", "male"]),
            "knee_condition": "oa",
            "knee_side": rng.choice(["left", "right", "both"]),
            "timezone": "Europe/London",
        },
    )
    steadi = {"fell_past_12_months": False, "feels_unsteady": False, "worries_about_falling": False}
    screening.screen_walker(
        ctx.at(START),
        actor,
        walker.id,
        {
            "used_to_activity": True,
            "parq": [False, False, False, False, True, False, False],
            "red_flags": [],
            "steadi": steadi,
            "fever_or_unwell": False,
            "uses_walking_aid": False,
            "takes_anticoagulant": False,
            "recent_knee_surgery": False,
        },
    )
    assessments.record_assessment(
        ctx.at(START),
        actor,
        walker.id,
        {
            "tug_s": round(rng.uniform(8.0, 10.5), 1),
            "tandem_stance_s": 12.0,
            "chair_stand_count": 13 + rng.randrange(3),
            "backward_walk_3m_s": round(rng.uniform(3.4, 4.4), 1),
        },
    )
    plans.make_plan(
        ctx.at(START),
        actor,
        walker.id,
    )
    decisions: dict[str, int] = {}
    logged = 0
    last_at = START
    for week in range(WEEKS):
        if week == MISSED_WEEK:
            continue
        for day in SESSION_DAYS:
            at = START + timedelta(weeks=week, days=day, minutes=rng.randrange(0, 90))
            today = plans.todays_prescription(
                ctx.at(at),
                actor,
                walker.id,
            )
            rx = today.prescription
            assert rx is not None
            flare = week == FLARE_WEEK and day == SESSION_DAYS[1]
            before = rng.choice([2, 3, 3, 4])  # a usual level of 3, with good and bad days
            peak = 6 if flare else rng.choice([1, 2, 2, 2])
            sessions.log_session(
                ctx.at(at + timedelta(minutes=40)),
                actor,
                walker.id,
                {
                    "client_key": f"demo-{seed}-w{week}-d{day}",
                    "performed_at": at,
                    "duration_min": rx.duration_min,
                    "speed_m_s": rx.speed_m_s,
                    "surface": rx.surface,
                    "incline_pct": rx.incline_pct,
                    "supervised": today.supervised,
                    "pain_before_nprs": before,
                    "pain_peak_nprs": peak,
                    "pain_after_nprs": max(0, peak - 1),
                    "effort_cr10": rng.choice([3, 4, 4, 5]),
                    "note": "Knee ached on the stairs afterwards." if flare else None,
                },
            )
            logged += 1
            morning_at = at + timedelta(hours=21, minutes=rng.randrange(0, 60))
            result = checkins.morning_checkin(
                ctx,
                actor,
                walker.id,
                {
                    # back to the usual level by morning, except after the flare
                    "pain_nprs": before + 1 if flare else min(before, USUAL_PAIN),
                    "stiffness_nprs": 3 if flare else 1,
                    "new_red_flags": [],
                    "at": morning_at,
                },
            )
            decisions[result.decision] = decisions.get(result.decision, 0) + 1
            last_at = morning_at
    return {
        "walker_id": walker.id,
        "email": walker.email,
        "sessions": logged,
        "checkins": sum(decisions.values()),
        "decisions": dict(sorted(decisions.items())),
        "until": last_at.isoformat(),
    }
