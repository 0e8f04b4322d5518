"""From the browser's side: a walker signs in to her own profile, logs a session stopped
before any backward walking, and the pages and charts quote the clinical numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx

from retrowalk.clinical.norms import CHAIR_STAND_DURATION_S, NPRS_MAX
from retrowalk.clinical.prescription import MAX_DURATION_MIN, START_DURATION_MIN
from retrowalk.present.progress_charts import progress_charts
from retrowalk.services import history
from retrowalk.services.schemas import HistoryOut
from tests.web.conftest import LiveServer, World, build_world, form_csrf, sign_in


def test_a_walker_signs_in_to_their_own_profile(world: World) -> None:
    assert world.walker_a.walker is not None
    with world.client() as client:
        sign_in(client, world.walker_a)
        info = client.get("/api/v1/session").json()
    assert info["walker_id"] == world.walker_a.walker.id


def test_a_session_stopped_in_the_warm_up_is_logged_from_the_page(tmp_path: Path) -> None:
    app, built = build_world(tmp_path)
    assert built.walker_a.walker is not None
    walker_id = built.walker_a.walker.id
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        sign_in(client, built.walker_a)
        form = client.get("/log", params={"stopped": "1", "adverse_events": "fall"})
        assert "Write 0 if you stopped before walking backwards" in form.text
        response = client.post(
            "/log",
            data={
                "csrf_token": form_csrf(form.text),
                "client_key": "warm-up-fall",
                "stopped": "1",
                "duration_min": "0",
                "surface": "treadmill_with_handrails",
                "supervised": "yes",
                "adverse_events": "fall",
                "pain_before_nprs": "2",
                "pain_peak_nprs": "5",
                "pain_after_nprs": "4",
                "effort_cr10": "2",
            },
        )
    record = history.walker_history(built.ctx, built.walker_a.actor, walker_id)
    built.ctx.db.dispose()
    assert response.status_code == 200, response.text
    saved = [s for s in record.sessions if s.client_key == "warm-up-fall"]
    assert len(saved) == 1
    assert saved[0].duration_min == 0
    assert saved[0].completed is False, "the page's stop button means not completed"
    assert saved[0].adverse_events == ("fall",)


def test_pages_quote_the_clinical_constants(world: World) -> None:
    with world.client() as client:
        evidence = client.get("/evidence").text
        sign_in(client, world.walker_a)
        tests_page = client.get("/onboarding/tests").text
    assert f"Consistent with the trials ({START_DURATION_MIN} minutes, supervised)" in evidence
    assert f'data-countdown-s="{CHAIR_STAND_DURATION_S}"' in tests_page
    assert f"in {CHAIR_STAND_DURATION_S} seconds" in tests_page


def test_progress_charts_take_their_scales_from_the_clinical_constants(world: World) -> None:
    assert world.walker_a.walker is not None
    record: HistoryOut = history.walker_history(
        world.ctx, world.walker_a.actor, world.walker_a.walker.id
    )
    charts = {c.key: c for c in progress_charts(record)}
    assert charts["pain"].series.y_max == NPRS_MAX
    assert charts["morning_pain"].series.y_max == NPRS_MAX
    assert charts["minutes"].series.y_max == MAX_DURATION_MIN
    assert f"{START_DURATION_MIN} minutes at the start" in charts["minutes"].note
    assert f"up to {MAX_DURATION_MIN} minutes a session" in charts["minutes"].note
    assert "Alghadir 2019" in charts["minutes"].note


def test_the_minutes_chart_grows_for_a_session_longer_than_the_ceiling(world: World) -> None:
    assert world.walker_a.walker is not None
    record = history.walker_history(world.ctx, world.walker_a.actor, world.walker_a.walker.id)
    long_session = record.sessions[0].model_copy(
        update={"duration_min": MAX_DURATION_MIN + 15.0, "local_date": date(2026, 1, 9)}
    )
    longer = record.model_copy(update={"sessions": (*record.sessions, long_session)})
    minutes = {c.key: c for c in progress_charts(longer)}["minutes"]
    assert minutes.series.y_max == MAX_DURATION_MIN + 15.0
