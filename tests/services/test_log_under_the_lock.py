"""Logging a session decides before the write lock and inserts under it (docs/performance.md):
a change committed in between — a red flag, a policy version, a restored copy — is caught by
the one update that raises the walker's record version, and the whole use case then runs
again under the lock. On both databases, through the real use cases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from retrowalk.services import accounts, history, policies, red_flag_reports, sessions
from retrowalk.services.context import AppContext
from retrowalk.services.errors import NotReadyToWalk
from retrowalk.services.schemas import Actor
from retrowalk.store.models import DatabaseInstance
from tests.services.factory import T0, planned_walker, session_data
from tests.services.factory import clinician as make_clinician

DAY = T0 + timedelta(days=1)


@pytest.fixture
def clinic(ctx: AppContext) -> tuple[AppContext, Actor, Actor, int]:
    admin = accounts.ensure_local_admin(ctx)
    dr = make_clinician(ctx, admin, "dr@example.org")
    walker = planned_walker(ctx, dr)
    return ctx.at(DAY + timedelta(hours=3)), admin, dr, walker.id


def _between(
    monkeypatch: pytest.MonkeyPatch, change: Callable[[], object]
) -> list[tuple[Any, ...]]:
    """Run ``change`` after the gates have decided and before the write lock; the calls of
    the use case run whole under the lock are returned as they happen."""
    prepare, locked = sessions._prepare, sessions._log_locked
    taken: list[tuple[Any, ...]] = []

    def prepare_then_change(*args: Any) -> Any:
        decided = prepare(*args)
        change()
        return decided

    def counted(*args: Any) -> Any:
        taken.append(args)
        return locked(*args)

    monkeypatch.setattr(sessions, "_prepare", prepare_then_change)
    monkeypatch.setattr(sessions, "_log_locked", counted)
    return taken


def _keys(ctx: AppContext, actor: Actor, walker_id: int) -> set[str]:
    return {s.client_key for s in history.walker_history(ctx, actor, walker_id).sessions}


def test_a_plain_session_is_inserted_as_the_gates_decided(
    clinic: tuple[AppContext, Actor, Actor, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, _admin, dr, walker_id = clinic
    taken = _between(monkeypatch, lambda: None)
    saved = sessions.log_session(ctx, dr, walker_id, session_data("plain", DAY))
    assert saved.created
    assert taken == []
    assert "plain" in _keys(ctx, dr, walker_id)


def test_a_red_flag_reported_in_between_refuses_the_session_and_stores_nothing(
    clinic: tuple[AppContext, Actor, Actor, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, _admin, dr, walker_id = clinic

    def red_flag() -> None:  # reported before the session was walked
        before = (DAY - timedelta(hours=1)).isoformat()
        report = {"new_red_flags": ["locked_knee"], "at": before}
        red_flag_reports.report_red_flags(ctx, dr, walker_id, report)

    taken = _between(monkeypatch, red_flag)
    with pytest.raises(NotReadyToWalk):
        sessions.log_session(ctx, dr, walker_id, session_data("after-red-flag", DAY))
    assert len(taken) == 1
    assert "after-red-flag" not in _keys(ctx, dr, walker_id)


def test_a_policy_version_in_between_runs_the_gates_again_under_the_lock(
    clinic: tuple[AppContext, Actor, Actor, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, admin, dr, walker_id = clinic

    def new_policy() -> None:
        policies.set_policy(ctx, admin, {"flag_window_days": 10}, "A shorter window for us.")

    taken = _between(monkeypatch, new_policy)
    saved = sessions.log_session(ctx, dr, walker_id, session_data("new-policy", DAY))
    assert saved.created
    assert len(taken) == 1
    assert "new-policy" in _keys(ctx, dr, walker_id)


def test_another_copy_of_the_database_in_between_runs_the_gates_again(
    clinic: tuple[AppContext, Actor, Actor, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A restore names the copy anew (its record versions are older ones reached again)."""
    ctx, _admin, dr, walker_id = clinic

    def restored() -> None:
        with ctx.db.transaction() as tx:
            tx.execute(update(DatabaseInstance).values(instance_id="a-restored-copy"))

    taken = _between(monkeypatch, restored)
    saved = sessions.log_session(ctx, dr, walker_id, session_data("restored", DAY))
    assert saved.created
    assert len(taken) == 1
