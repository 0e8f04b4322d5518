"""Whatever order and however often sessions are resent, each client key is stored once."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrowalk.services import accounts, sessions
from retrowalk.services.context import AppContext
from retrowalk.store import repositories as repo
from tests.services.factory import T0, planned_walker, session_data

_batch = itertools.count()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(submissions=st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=15))
def test_resubmissions_store_each_key_once(ctx: AppContext, submissions: list[int]) -> None:
    admin = accounts.ensure_local_admin(ctx)
    with ctx.db.reader() as s:
        existing = repo.walker_by_account(s, 2)
    walker_id = existing.id if existing else planned_walker(ctx, admin).id
    batch = next(_batch)
    with ctx.db.reader() as s:
        before = repo.count_sessions(s, walker_id)
    first_ids: dict[int, int] = {}
    for n in submissions:
        out = sessions.log_session(
            ctx.at(T0 + timedelta(days=1)),
            admin,
            walker_id,
            session_data(f"b{batch}-k{n}", T0 + timedelta(minutes=n)),
        )
        assert out.created == (n not in first_ids)
        assert first_ids.setdefault(n, out.id) == out.id
    with ctx.db.reader() as s:
        assert repo.count_sessions(s, walker_id) - before == len(set(submissions))
