"""The clinic's policy is real: stored, changed only by an administrator, audited with the
rule version, and it changes the decisions, which record the version they were made under."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from retrowalk.clinical.policy import DEFAULT_POLICY
from retrowalk.clinical.prescription import RULE_VERSION
from retrowalk.services import accounts, history, policies
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.demo import run_demo
from retrowalk.services.errors import AccessDenied, InvalidRequest
from retrowalk.services.schemas import Actor, HistoryOut, Role
from retrowalk.store import repositories as repo
from tests.services.factory import clinician, planned_walker

TRIAL = {"duration_step_min": 2, "break_days": 14, "cool_down_min": 8}
"""A clinic that steps duration up by 2 minutes, steps back only after two weeks off, and
cools down for 8 minutes."""


def _admin(ctx: AppContext) -> Actor:
    return accounts.ensure_local_admin(ctx)


def test_the_built_in_policy_is_version_0_with_every_field_described(ctx: AppContext) -> None:
    policy = policies.current_policy(ctx, _admin(ctx))
    assert policy.version == 0
    assert {f.name for f in policy.fields} == set(type(DEFAULT_POLICY).model_fields)
    for field in policy.fields:
        assert field.value == field.default
        assert field.description.startswith("Policy")


def test_only_an_administrator_changes_it_and_every_change_is_audited(ctx: AppContext) -> None:
    admin = _admin(ctx)
    doctor = clinician(ctx, admin, "doc@example.org")
    walker = planned_walker(ctx, doctor)
    walker_actor = Actor(account_id=walker.account_id, role=Role.WALKER)
    for who in (doctor, walker_actor):
        with pytest.raises(AccessDenied):
            policies.set_policy(ctx, who, {"cool_down_min": 8}, "a longer cool-down")
        assert policies.current_policy(ctx, who).version == 0  # anyone signed in may read
    new = policies.set_policy(ctx, admin, {"cool_down_min": 8}, "a longer cool-down")
    assert new.version == 1
    assert new.value("cool_down_min") == 8
    assert new.reason == "a longer cool-down"
    with ctx.db.reader() as tx:
        (entry,) = repo.audit_entries(tx, action="policy.set")
    assert entry.actor_account_id == admin.account_id
    assert entry.detail_json["rule_version"] == RULE_VERSION
    assert entry.detail_json["changed"] == {"cool_down_min": [5, 8]}
    assert entry.detail_json["version"] == 1


@pytest.mark.parametrize(
    ("changes", "reason", "field", "words"),
    [
        ({"speed_step_fraction": 0.5}, "faster", "speed_step_fraction", "at most 0.1"),
        ({"cool_down_min": "abc"}, "longer", "cool_down_min", "whole number"),
        ({"warp_speed": 1}, "why not", "warp_speed", "is not a policy"),
        ({"high_risk_surfaces": []}, "none at all", "high_risk_surfaces", "must not be empty"),
        ({"high_risk_surfaces": ["moon"]}, "moon walk", "high_risk_surfaces.0", "one of"),
        (
            {"high_risk_surfaces": ["flat_clear_known_path"]},
            "outdoors",
            "high_risk_surfaces",
            "nothing to hold or nobody beside",
        ),
        ({"start_speed_ceiling_m_s": 5}, "faster", "start_speed_ceiling_m_s", "less than 0.89"),
        ({"walker_backdate_max_days": 100000}, "diaries", "walker_backdate_max_days", "at most 30"),
        (
            {"rest_day_pain_from_nprs": True},
            "yes",
            "rest_day_pain_from_nprs",
            "whole number .got yes.",
        ),
        ({"break_days": 10**40}, "forever", "break_days", "at most 90"),
        (
            {"min_duration_min": 40},
            "typed 40 for 4",
            "min_duration_min",
            "must be at most 10: the plan starts at 10 minutes",
        ),
        (
            {"supervised_first_sessions_low_risk": 0},
            "trust them",
            "supervised_first_sessions_low_risk",
            "at least 1: a walker's first backward walking session always has someone there",
        ),
        (
            {"low_risk_surfaces": ["treadmill", "flat_clear_known_path", "treadmill"]},
            "treadmill first",
            "low_risk_surfaces",
            "treadmill is listed twice; list each surface once",
        ),
        (
            {"high_risk_surfaces": ["treadmill_with_handrails", "treadmill_with_handrails"]},
            "handrails only",
            "high_risk_surfaces",
            "treadmill_with_handrails is listed twice",
        ),
        ({"cool_down_min": 8}, "x" * 4001, "reason", "at most 4,000 characters"),
        ({"cool_down_min": 8}, "  ", "reason", "say why"),
        ({"cool_down_min": 5}, "the same", None, "nothing to change"),
    ],
)
def test_a_bad_change_is_refused_naming_the_field_and_nothing_is_stored(
    ctx: AppContext, changes: dict[str, Any], reason: str, field: str | None, words: str
) -> None:
    admin = _admin(ctx)
    with pytest.raises(InvalidRequest, match=words) as caught:
        policies.set_policy(ctx, admin, changes, reason)
    assert caught.value.field == field
    assert policies.current_policy(ctx, admin).version == 0


def test_a_version_stored_before_the_newer_checks_still_reads_as_stored() -> None:
    """A version set before a check existed (no supervised start, a surface twice) is the
    record of what the clinic chose then: it still loads, its surfaces each once, so every
    decision read under it can be shown; only a version set now is held to the check."""
    values = {
        **DEFAULT_POLICY.model_dump(mode="json"),
        "supervised_first_sessions_low_risk": 0,
        "low_risk_surfaces": ["treadmill", "treadmill", "flat_clear_known_path"],
    }
    version, stored = policies.stored_policy(41, values)
    assert version == 41
    assert stored.supervised_first_sessions_low_risk == 0
    assert [s.value for s in stored.low_risk_surfaces] == ["treadmill", "flat_clear_known_path"]


def test_a_decimal_comma_is_a_decimal_in_the_policy_too(ctx: AppContext) -> None:
    changes = policies.changes_from_text({"start_speed_ceiling_m_s": "0,7"})
    new = policies.set_policy(ctx, _admin(ctx), changes, "slower starts")
    assert {f.name: f.value for f in new.fields}["start_speed_ceiling_m_s"] == 0.7


def test_text_as_typed_becomes_values(ctx: AppContext) -> None:
    admin = _admin(ctx)
    typed = {
        "walking_aid_supervised": "no",
        "high_risk_surfaces": "hallway_with_rail_and_spotter, treadmill_with_handrails",
        "speed_step_fraction": "0.05",
    }
    new = policies.set_policy(ctx, admin, policies.changes_from_text(typed), "our protocol")
    assert new.value("walking_aid_supervised") is False
    assert [s.value for s in new.value("high_risk_surfaces")] == [
        "hallway_with_rail_and_spotter",
        "treadmill_with_handrails",
    ]
    assert new.value("speed_step_fraction") == 0.05


def _six_weeks(url: str, policy: dict[str, Any] | None) -> HistoryOut:
    ctx = build_context(url)
    admin = _admin(ctx)
    if policy is not None:
        policies.set_policy(ctx, admin, policy, "the trial clinic's protocol")
    summary = run_demo(ctx, admin, seed=3)
    until = datetime.fromisoformat(summary["until"])
    return history.walker_history(ctx.at(until), admin, summary["walker_id"], weeks=8)


def test_the_six_week_scenario_follows_the_clinics_policy(tmp_path: Any) -> None:
    """The same six weeks (a flare in week 3, a missed week 5) under two policies."""
    default = _six_weeks(f"sqlite:///{tmp_path / 'default.sqlite3'}", None)
    trial = _six_weeks(f"sqlite:///{tmp_path / 'trial.sqlite3'}", TRIAL)

    def decisions(record: HistoryOut) -> Counter[str]:
        return Counter(p.decision.value for p in record.prescriptions)

    def duration_steps(record: HistoryOut) -> set[float]:
        plans = sorted(record.prescriptions, key=lambda p: p.version)
        return {
            later.duration_min - earlier.duration_min
            for earlier, later in itertools.pairwise(plans)
            if later.decision.value == "progress" and later.duration_min > earlier.duration_min
        }

    # The built-in policy: +5 min steps, a step back after the missed week (10 days off).
    assert decisions(default)["step_back"] == 1
    assert duration_steps(default) == {5}
    assert {p.policy_version for p in default.prescriptions} == {0}
    assert {p.details["cool_down_min"] for p in default.prescriptions} == {5}
    # The trial clinic: +2 min steps, no step back before 14 days off, an 8-min cool-down.
    assert decisions(trial)["step_back"] == 0
    assert duration_steps(trial) == {2}
    assert {p.policy_version for p in trial.prescriptions} == {1}
    assert {p.details["cool_down_min"] for p in trial.prescriptions} == {8}
    # Both start from the same measured walker and the same rules.
    assert default.prescriptions[0].speed_m_s == trial.prescriptions[0].speed_m_s
    assert {p.rule_version for p in default.prescriptions + trial.prescriptions} == {RULE_VERSION}
