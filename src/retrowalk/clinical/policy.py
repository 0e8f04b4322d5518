"""Every **policy** threshold of retrowalk, in one documented, configurable place.

A policy is retrowalk's own design choice layered on top of the evidence (RULES.md marks
each one with **policy**). Published numbers are *not* here: they are named constants beside
the rule that uses them, each with its evidence-catalogue key. A clinic that wants different
policies builds its own ``PolicyConfig(...)`` and passes it to the rules; every rule takes
``policy: PolicyConfig = DEFAULT_POLICY``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from retrowalk.clinical.norms import CR10_MAX, SPEED_MAX_RISE_FRACTION_PER_7_DAYS
from retrowalk.clinical.surfaces import Surface


class PolicyConfig(BaseModel):
    """The policy thresholds of the prescription and progression rules (all **policy**)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    parq_joint_problem_requires_clearance: bool = Field(
        default=False,
        description=(
            "Policy (RULES §1.1): a YES to PAR-Q item 5 (a bone or joint problem) is recorded "
            "but does not require clearance on its own, because nearly everyone with knee pain "
            "answers YES to it. Set True to make it block like the other items."
        ),
    )
    supervised_first_sessions_low_risk: int = Field(
        default=2,
        ge=0,
        description=(
            "Policy (RULES §1.3 'Consequence'): with low fall risk, this many first sessions "
            "are supervised, then unsupervised sessions are allowed (from the seed's 'have "
            "someone supervise you' and every trial being supervised)."
        ),
    )
    high_risk_surfaces: tuple[Surface, ...] = Field(
        default=(Surface.TREADMILL_WITH_HANDRAILS, Surface.HALLWAY_WITH_RAIL_AND_SPOTTER),
        min_length=1,
        description=(
            "Policy (RULES §1.3): with high fall risk every session is supervised, on one of "
            "these surfaces; the first is the default."
        ),
    )
    low_risk_surfaces: tuple[Surface, ...] = Field(
        default=(Surface.FLAT_CLEAR_KNOWN_PATH, Surface.TREADMILL),
        min_length=1,
        description=(
            "Policy (RULES §1.3): with low fall risk, after the supervised first sessions, "
            "walking alone is allowed on one of these surfaces; the first is the default."
        ),
    )
    cool_down_min: int = Field(
        default=5,
        ge=0,
        description=(
            "Policy: minutes of forward walking to cool down. Parikh 2022 used a cool-down "
            "but its length was not retrieved, so it mirrors the 5-min warm-up."
        ),
    )
    duration_step_min: int = Field(
        default=5,
        ge=2,
        le=5,
        description=(
            "Policy (RULES §3: +2–5 min): minutes added when duration is progressed. Five "
            "minutes reaches the 30-min ceiling from 10 min in four steps, i.e. inside the "
            "3–6 weeks the trials ran."
        ),
    )
    speed_step_fraction: float = Field(
        default=SPEED_MAX_RISE_FRACTION_PER_7_DAYS,
        gt=0,
        le=SPEED_MAX_RISE_FRACTION_PER_7_DAYS,
        description=(
            "Policy: fraction of the current speed added when speed is progressed. It can "
            "never exceed the published +10 % in any 7 days (Timmermans 2016), which is "
            "enforced separately."
        ),
    )
    speed_ceiling_fraction_above_comfortable: float = Field(
        default=0.20,
        ge=0,
        le=0.50,
        description=(
            "Policy: speed is progressed at most this fraction above the measured comfortable "
            "backward speed, then incline is next. Lin 2025 found larger effects at "
            "comfortable speed and Hooper 2004 shows backward walking costs 17–20 % more, so "
            "the program stays close to comfortable."
        ),
    )
    progress_min_qualifying_sessions: int = Field(
        default=2,
        ge=1,
        description=(
            "Policy (RULES §3): consecutive qualifying sessions at the same level needed "
            "before one variable is raised."
        ),
    )
    progress_effort_max_cr10: int = Field(
        default=5,
        ge=0,
        le=CR10_MAX,
        description=(
            "Policy (RULES §3): the highest effort (Borg CR10) at which a session still "
            "qualifies for progression; backward walking is costly (Hooper 2004)."
        ),
    )
    progress_with_acceptable_pain: bool = Field(
        default=False,
        description=(
            "Policy switch (RULES §3): when True, a session with pain during of 3–5 (the "
            "model's 'acceptable' band) also qualifies for progression if the next morning "
            "is fully back to baseline. Off by default: only 0–2 ('safe') qualifies."
        ),
    )
    regress_duration_fraction: float = Field(
        default=0.20,
        gt=0,
        lt=1,
        description=(
            "Policy (RULES §3): when there is no last increase to undo, regress cuts the "
            "duration by this fraction."
        ),
    )
    min_duration_min: int = Field(
        default=5,
        ge=1,
        description=(
            "Policy: a regression or a break never cuts duration below this many minutes "
            "(a shorter prescription is left as it is, never raised)."
        ),
    )
    incline_for_patellofemoral_pain: bool = Field(
        default=False,
        description=(
            "Policy (RULES §3): incline raises knee flexion under load, which raises "
            "patellofemoral stress, so incline is skipped for patellofemoral pain."
        ),
    )
    break_days: int = Field(
        default=7,
        ge=1,
        description=(
            "Policy: after this many days without a session the next prescription steps "
            "back (a week: one missed week of a 3-sessions-a-week plan)."
        ),
    )
    break_duration_fraction: float = Field(
        default=0.20,
        gt=0,
        lt=1,
        description=(
            "Policy: after a break, duration is cut by this fraction (never below "
            "min_duration_min); speed and incline stay, since speed is at or close to the "
            "walker's measured comfortable speed."
        ),
    )
    flag_window_days: int = Field(
        default=14,
        ge=1,
        description=(
            "Policy: on the clinician's list, a pain flare or a next-morning pain rise stays "
            "flagged for this many days (two weeks of sessions, the window the "
            "pain-monitoring model compares week to week)."
        ),
    )
    missed_sessions_window_days: int = Field(
        default=7,
        ge=1,
        description=(
            "Policy: the clinician's list flags a walker who did fewer sessions than the "
            "prescribed sessions a week in the last this-many days (once the plan is at "
            "least that old)."
        ),
    )
    reassessment_interval_weeks: int = Field(
        default=3,
        ge=2,
        le=6,
        description=(
            "Policy (RULES §5 says every 2–6 weeks): baseline tests and KOOS are due again "
            "this many weeks after the last assessment."
        ),
    )


DEFAULT_POLICY = PolicyConfig()
"""The policies retrowalk uses unless a clinic configures its own."""
