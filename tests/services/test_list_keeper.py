"""The server keeps the clinician's walker list computed in the background (issue 11), so a
clinician's load after a restart, a new day or a policy change finds the flags kept — and
what the keeper prepares is what a fresh computation says."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from retrowalk.services import accounts, clinician, policies
from retrowalk.services.context import AppContext
from retrowalk.services.flag_cache import FlagCache
from retrowalk.services.list_keeper import ListKeeper
from retrowalk.services.schemas import Actor
from retrowalk.web.app import create_app
from tests.services.factory import T0, planned_walker
from tests.services.factory import clinician as make_clinician
from tests.services.test_query_counts import statements_of


@pytest.fixture
def clinic(ctx: AppContext) -> tuple[AppContext, Actor, Actor]:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    other = make_clinician(ctx, admin, "ng@example.org")
    planned_walker(ctx, dr)
    planned_walker(ctx, other, "bea@example.org")
    return ctx.at(T0 + timedelta(days=1)), admin, dr


def test_a_prepared_list_is_kept_for_every_clinician_and_equals_a_fresh_one(
    clinic: tuple[AppContext, Actor, Actor],
) -> None:
    ctx, admin, dr = clinic
    fresh = clinician.walker_flags(replace(ctx, flag_cache=FlagCache()), admin)
    cold = statements_of(
        replace(ctx, flag_cache=FlagCache()), lambda: clinician.walker_flags(ctx, dr)
    )
    ctx.flag_cache.clear()
    assert clinician.prepare_walker_list(ctx) == 2  # every clinician's walkers
    kept = statements_of(ctx, lambda: clinician.walker_flags(ctx, dr))
    assert kept < cold
    assert clinician.walker_flags(ctx, admin) == fresh


def test_after_a_policy_change_the_keeper_computes_the_list_again(
    clinic: tuple[AppContext, Actor, Actor],
) -> None:
    ctx, admin, dr = clinic
    ctx.flag_cache.clear()
    keeper = ListKeeper(ctx, every_s=3_600)
    keeper.run_once()
    kept = statements_of(ctx, lambda: clinician.walker_flags(ctx, dr))
    policies.set_policy(ctx, admin, {"flag_window_days": 10}, "A shorter window for our clinic.")
    keeper.run_once()
    assert statements_of(ctx, lambda: clinician.walker_flags(ctx, dr)) == kept
    assert keeper.runs == 2


def _stopped_clock() -> datetime:
    raise RuntimeError("the clock stopped")


def test_a_failed_run_is_logged_and_the_next_one_tries_again(
    clinic: tuple[AppContext, Actor, Actor], caplog: pytest.LogCaptureFixture
) -> None:
    ctx, _admin, _dr = clinic
    keeper = ListKeeper(replace(ctx, clock=_stopped_clock), every_s=3_600)
    keeper.run_once()
    assert keeper.prepared.is_set()
    assert keeper.runs == 1
    assert "could not be prepared" in caplog.text
    with pytest.raises(ValueError, match="positive"):
        ListKeeper(ctx, every_s=0)


@pytest.mark.filterwarnings("ignore:Using `httpx`")
def test_the_served_app_prepares_the_list_when_it_starts_and_stops_its_keeper(
    clinic: tuple[AppContext, Actor, Actor],
) -> None:
    from starlette.testclient import TestClient

    ctx, _admin, _dr = clinic
    ctx.flag_cache.clear()
    app = create_app(ctx, keep_list=True)
    with TestClient(app):  # the lifespan runs, as when the server starts
        keeper = app.state.list_keeper
        assert keeper.prepared.wait(timeout=60)
        assert len(ctx.flag_cache.flags) == 2  # every walker, before anyone loaded the list
        assert keeper.running
    assert not keeper.running  # stopped with the server
    ctx.flag_cache.clear()
    plain = create_app(ctx)  # the default, as in the tests' apps: no keeper
    with TestClient(plain):
        assert plain.state.list_keeper is None
    assert len(ctx.flag_cache.flags) == 0
