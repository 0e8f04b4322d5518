"""Two devices sending the same session at the same moment still store it once."""

from __future__ import annotations

import threading

from retrowalk.services import accounts, sessions
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import SessionOut
from retrowalk.store import repositories as repo
from tests.services.factory import T0, planned_walker, session_data

THREADS = 6


def test_simultaneous_submissions_store_one_session(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    barrier = threading.Barrier(THREADS)
    results: list[SessionOut] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(sessions.log_session(ctx, admin, walker.id, session_data("k", T0)))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(results) == THREADS
    assert len({r.id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    with ctx.db.reader() as s:
        assert repo.count_sessions(s, walker.id) == 1
