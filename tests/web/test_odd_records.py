"""One odd record never breaks a page or a list (issue 9, "time you can trust").

A walker gets the worst records the model allows — every limit at its edge, the earliest year
allowed, every warning sign and adverse event, the longest unbroken note, the widest time-zone
offset — and every page and list the app has is opened by the walker and by their clinician.
None may fail; the list, the flags and the walker's pages answer 200.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.routing import iter_route_contexts

from retrowalk.clinical.measures.koos import KOOS_ITEMS
from retrowalk.services import (
    assessments,
    checkins,
    clinician,
    plans,
    screening,
    sessions,
)
from tests.web.conftest import CLEARED_SCREENING, LiveServer, World, build_world, invite_walker
from tests.web.conftest import sign_in as api_sign_in

EARLIEST = datetime(2000, 1, 1, 0, 0, tzinfo=UTC)
LONG = "x" * 4000  # one unbroken word, as long as a note may be
EVERY_FLAG = [
    "hot_swollen_knee",
    "locked_knee",
    "calf_pain_swelling_warmth",
    "cannot_bear_weight",
    "new_numbness_or_weakness",
    "hard_lump",
]


@pytest.fixture(scope="module")
def odd_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, int]]:
    app, world = build_world(tmp_path_factory.mktemp("odd"))
    odd = invite_walker(
        world.ctx,
        world.clinician_a,
        "odd@example.org",
        "O" * 200,
        "odd-walker-pass-12",
        age_years=120,
        sex="male",
        timezone="Pacific/Kiritimati",
    )
    assert odd.walker is not None
    wid = odd.walker.id
    staff = world.clinician_a.actor
    ctx = world.ctx
    screening.screen_walker(
        ctx.at(EARLIEST),
        staff,
        wid,
        CLEARED_SCREENING,
    )
    koos = {code: 4 for codes in KOOS_ITEMS.values() for code in codes}
    assessments.record_assessment(
        ctx.at(EARLIEST),
        staff,
        wid,
        {
            "tug_s": 300,
            "tandem_stance_s": 0,
            "chair_stand_count": 60,
            "chair_stand_used_arms": True,
            "backward_walk_3m_s": 300,
            "treadmill_speed_up_m_s": 2.7,
            "treadmill_speed_down_m_s": 3.0,
            "gait_speed_m_s": 3.0,
            "koos_answers": koos,
            "local_date": "2000-01-01",
        },
    )
    plans.make_plan(
        ctx.at(EARLIEST),
        staff,
        wid,
        surface="treadmill_with_handrails",
    )
    clinician.adjust_prescription(
        ctx.at(EARLIEST),
        staff,
        wid,
        {"duration_min": 30, "speed_m_s": 3.0, "incline_pct": 10, "reason": LONG},
    )
    worst = {
        "duration_min": 180,
        "speed_m_s": 3.0,
        "distance_m": 20000,
        "incline_pct": 10,
        "surface": "flat_clear_known_path",
        "supervised": False,
        "pain_before_nprs": 10,
        "pain_peak_nprs": 10,
        "pain_after_nprs": 10,
        "effort_cr10": 10,
        "note": LONG,
        "steps": 100_000,
    }
    first = sessions.log_session(
        ctx.at(EARLIEST),
        staff,
        wid,
        {**worst, "client_key": "k" * 64, "performed_at": EARLIEST},
    )
    checkins.morning_checkin(
        ctx.at(EARLIEST + timedelta(days=1)),
        staff,
        wid,
        {
            "session_id": first.id,
            "pain_nprs": 10,
            "stiffness_nprs": 10,
            "new_red_flags": list(dict.fromkeys(["knee_giving_way", "locked_knee"])),
            "at": (EARLIEST + timedelta(days=1)).isoformat(),
        },
    )
    sessions.log_session(
        ctx,
        staff,
        wid,
        {
            **worst,
            "client_key": "every-event",
            "duration_min": 0,
            "distance_m": 0,
            "completed": False,
            "adverse_events": ["fall", "near_fall", "dizziness", "chest_pain", "sharp_knee_pain"],
        },
    )
    screening.screen_walker(
        ctx,
        odd.actor,
        wid,
        {
            **CLEARED_SCREENING,
            "parq": [True] * 7,
            "used_to_activity": False,
            "red_flags": EVERY_FLAG,
            "fever_or_unwell": True,
            "uses_walking_aid": True,
            "takes_anticoagulant": True,
            "recent_knee_surgery": True,
            "steadi": dict.fromkeys(CLEARED_SCREENING["steadi"], True),  # type: ignore[arg-type]
        },
    )
    clinician.add_note(ctx, staff, wid, {"text": LONG})
    clinician.clear_walker(ctx, staff, wid, {"scope": "walking_aid", "reason": LONG})
    with LiveServer(app) as server:
        world.url = server.url
        world.extras["odd"] = odd
        yield world, wid
    world.ctx.db.dispose()


def _get_paths(world: World, walker_id: int) -> list[str]:
    paths: list[str] = []
    for context in iter_route_contexts(world.app.router.routes):
        route = context.route
        path = getattr(route, "path", "")
        if "GET" not in (getattr(route, "methods", None) or set()) or path.startswith("/static"):
            continue
        if "{" in path and "{walker_id}" not in path:
            continue
        paths.append(path.replace("{walker_id}", str(walker_id)))
    return sorted(set(paths))


def test_every_page_and_list_opens_for_the_walker_and_the_clinician(
    odd_world: tuple[World, int],
) -> None:
    world, wid = odd_world
    odd = world.extras["odd"]
    for person in (odd, world.clinician_a):
        with world.client() as client:
            api_sign_in(client, person)
            for path in _get_paths(world, wid):
                response = client.get(path)
                assert response.status_code < 500, f"{person.email} {path}: {response.status_code}"
            if person is odd:
                for path in (
                    "/today",
                    "/progress",
                    "/checkin",
                    "/log",
                    f"/api/v1/walkers/{wid}/today",
                ):
                    assert client.get(path).status_code == 200, path
            else:
                for path in (
                    "/clinician",
                    f"/clinician/walkers/{wid}",
                    "/api/v1/flags",
                    f"/api/v1/walkers/{wid}/history?weeks=520",
                    f"/api/v1/walkers/{wid}/restrictions",
                ):
                    assert client.get(path).status_code == 200, path
                flags = {r["walker"]["id"]: r for r in client.get("/api/v1/flags").json()}
                assert {"red_flag", "adverse_event", "rest_day"} <= set(flags[wid]["flags"])


def test_the_long_unbroken_note_is_kept_whole(odd_world: tuple[World, int]) -> None:
    world, wid = odd_world
    with world.client() as client:
        api_sign_in(client, world.clinician_a)
        history = client.get(f"/api/v1/walkers/{wid}/history?weeks=520").json()
    assert any(n["text"] == LONG for n in history["notes"])
