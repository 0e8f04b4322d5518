"""The policy's stored values are validated once per version and kept (``policies.
stored_policy``), yet every gate decides on the values stored NOW: a version whose values
differ from those kept (a restore, a hand-made change) is validated again at once."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.services import accounts, plans, policies
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import Actor, Role
from retrowalk.store.models import ClinicPolicy
from tests.services.factory import clinician, planned_walker


def _today_minutes(ctx: AppContext, walker_actor: Actor, walker_id: int) -> dict[str, Any]:
    out = plans.todays_prescription(ctx, walker_actor, walker_id)
    return out.model_dump(mode="json")


def test_a_stored_version_changed_by_hand_is_decided_on_at_once(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    doctor = clinician(ctx, admin, "doc@example.org")
    walker = planned_walker(ctx, doctor)
    me = Actor(account_id=walker.account_id, role=Role.WALKER)
    policies.set_policy(ctx, admin, {"cool_down_min": 8}, "a longer cool-down")
    with ctx.db.reader() as tx:
        first = policies.walker_and_policy(tx, me, walker.id)
    assert first.policy.cool_down_min == 8
    _today_minutes(ctx, me, walker.id)  # kept now
    with ctx.db.transaction() as tx:  # the same version number, other values (no audit)
        row = tx.query(ClinicPolicy).filter_by(version=first.policy_version).one()
        values = {**row.policy_json, "cool_down_min": 9}
        tx.execute(update(ClinicPolicy).where(ClinicPolicy.id == row.id).values(policy_json=values))
    with ctx.db.reader() as tx:
        again = policies.walker_and_policy(tx, me, walker.id)
    assert again.policy_version == first.policy_version
    assert again.policy.cool_down_min == 9


_CHANGES = st.fixed_dictionaries(
    {},
    optional={
        "cool_down_min": st.integers(min_value=0, max_value=15),
        "break_days": st.integers(min_value=3, max_value=28),
        "duration_step_min": st.integers(min_value=2, max_value=5),
    },
)


@settings(max_examples=60, deadline=None)
@given(
    changes=st.lists(_CHANGES, min_size=1, max_size=6),
    version=st.integers(1, 3),
    later=st.integers(min_value=0, max_value=15),
)
def test_kept_values_always_equal_a_fresh_validation(
    changes: list[dict[str, Any]], version: int, later: int
) -> None:
    for change in changes:
        values = {**DEFAULT_POLICY.model_dump(mode="json"), **change}
        got_version, got = policies.stored_policy(version, values)
        assert got_version == version
        assert got == PolicyConfig.model_validate(values)
        values["cool_down_min"] = later  # the dict read changed in place: nothing kept moves
        assert policies.stored_policy(version, values)[1] == PolicyConfig.model_validate(values)


def test_no_stored_version_is_the_built_in_policy() -> None:
    assert policies.stored_policy(None, None) == (policies.BUILT_IN, DEFAULT_POLICY)
