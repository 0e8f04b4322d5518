"""Every **policy** threshold of retrowalk, in one documented, configurable place.

A policy is retrowalk's own design choice layered on top of the evidence (RULES.md marks
each one with **policy**). Published numbers are *not* here: they are named constants beside
the rule that uses them, each with its evidence-catalogue key. A clinic that wants different
policies changes them through :mod:`retrowalk.services.policies` (stored in the database,
versioned and audited); every rule takes ``policy: PolicyConfig = DEFAULT_POLICY`` and the
services always pass the clinic's version.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from retrowalk.clinical.norms import (
    CR10_MAX,
    NPRS_MAX,
    SPEED_MAX_RISE_FRACTION_PER_7_DAYS,
    START_DURATION_MIN,
)
from retrowalk.clinical.surfaces import SURFACES_WITH_SUPPORT, Surface

START_SPEED_CEILING_MAX_M_S: Final[float] = 0.89
"""The slowest speed of the healthy-young laboratory studies of backward walking (2 mph,
evidence-report.md §1.4: UND 51, Truman 2007), which the evidence report calls too fast for
older adults with knee OA: a clinic's starting ceiling stays below it (**policy**)."""

WALKER_BACKDATE_MAX_DAYS_LIMIT: Final[int] = 30
"""A clinic may let walkers enter sessions at most a month back (**policy**): older entries
are a paper diary, which a clinician or the terminal enters."""


POLICY_COUNT_MAX: Final[int] = 24
"""Typing-error limit for a count of sessions in the policy (**policy**)."""
POLICY_MINUTES_MAX: Final[int] = 60
"""Typing-error limit for minutes in the policy (**policy**)."""
POLICY_DAYS_MAX: Final[int] = 90
"""Typing-error limit for a number of days in the policy (**policy**)."""
POLICY_WEEKS_MAX: Final[int] = 104
"""Typing-error limit for a number of weeks in the policy (**policy**)."""
SETTING: Final[dict[str, bool]] = {"setting": True}
"""Validation context of a policy a clinic sets now (``PolicyConfig.model_validate(values,
context=SETTING)``): a few checks refuse what a version stored before them may hold, so an
older version still loads as it was stored and only a new one is held to them."""

POLICY_CHECKIN_HOURS_MAX: Final[int] = 18
"""The most hours after a session a clinic may make its morning check-in wait (**policy**):
with more, a session in the afternoon could not be reported the next morning."""


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
        le=POLICY_COUNT_MAX,
        description=(
            "Policy (RULES §1.3 'Consequence'): with low fall risk, this many first sessions "
            "are supervised, then unsupervised sessions are allowed (from the seed's 'have "
            "someone supervise you' and every trial being supervised); at least 1 in a "
            "version set now."
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
        le=POLICY_MINUTES_MAX,
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
        le=POLICY_COUNT_MAX,
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
        le=POLICY_MINUTES_MAX,
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
        le=POLICY_DAYS_MAX,
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
        le=POLICY_DAYS_MAX,
        description=(
            "Policy: on the clinician's list, a pain flare or a next-morning pain rise stays "
            "flagged for this many days (two weeks of sessions, the window the "
            "pain-monitoring model compares week to week)."
        ),
    )
    missed_sessions_window_days: int = Field(
        default=7,
        ge=1,
        le=POLICY_DAYS_MAX,
        description=(
            "Policy: the clinician's list flags a walker who did fewer sessions than the "
            "prescribed sessions a week in the last this-many days (once the plan is at "
            "least that old)."
        ),
    )
    above_plan_extra_min: int = Field(
        default=5,
        ge=1,
        le=POLICY_MINUTES_MAX,
        description=(
            "Policy: a session more than this many minutes longer than its plan is flagged to "
            "the clinician (and the walker is told her clinician will see it). Five minutes is "
            "the largest step the progression rule ever adds at once (RULES §3: +2–5 min), so "
            "a longer session is beyond even the next step the plan could give, while a "
            "session a minute or two over is not flagged. It changes no decision of the rules."
        ),
    )
    above_plan_speed_fraction: float = Field(
        default=0.25,
        gt=0,
        le=1,
        description=(
            "Policy: a session walked more than this fraction faster than its plan's speed is "
            "flagged to the clinician (and the walker told). The rules raise speed by at most "
            "+10 % in any 7 days (RULES §3, Timmermans 2016), about +21 % in two weeks: a "
            "quarter faster is beyond what two weeks of progression could give, and leaves "
            "room for a treadmill's rounding or an estimated overground speed. It changes no "
            "decision of the rules."
        ),
    )
    recent_knee_surgery_weeks: int = Field(
        default=12,
        ge=1,
        le=POLICY_WEEKS_MAX,
        description=(
            "Policy (RULES §7.6): knee surgery (a replacement or an arthroscopy included) "
            "within this many weeks requires a clinician's clearance, because rehabilitation "
            "after an operation belongs to the surgical team."
        ),
    )
    walking_aid_supervised: bool = Field(
        default=True,
        description=(
            "Policy (RULES §7.5): anyone who walks with a cane, crutches or a walker has every "
            "session supervised, because the 3-m backward-walk cut-offs (Carter et al.) come "
            "from people walking without an aid."
        ),
    )
    anticoagulant_clearance_with_fall_risk: bool = Field(
        default=True,
        description=(
            "Policy (RULES §7.6): a walker on blood-thinning medicine whose fall risk is high "
            "or not known needs a clinician's clearance (a fall costs more)."
        ),
    )
    usual_level_window_days: int = Field(
        default=14,
        ge=1,
        le=POLICY_DAYS_MAX,
        description=(
            "Policy (RULES §3 amendments): the walker's usual level of knee pain is the median "
            "pre-session pain of this many days (and of stiffness, the median next-morning "
            "stiffness), so that one bad day cannot raise the baseline."
        ),
    )
    rest_day_pain_from_nprs: int = Field(
        default=7,
        ge=1,
        le=NPRS_MAX,
        description=(
            "Policy (RULES §3 amendments): next-morning pain at or above this → a rest day: no "
            "session is offered and the walker is asked to contact their clinician."
        ),
    )
    rest_day_rise_above_usual_nprs: int = Field(
        default=3,
        ge=1,
        le=NPRS_MAX,
        description=(
            "Policy (RULES §3 amendments): next-morning pain this many points or more above "
            "the walker's usual level → a rest day."
        ),
    )
    start_speed_ceiling_m_s: float = Field(
        default=0.8,
        gt=0,
        lt=START_SPEED_CEILING_MAX_M_S,
        description=(
            "Policy (RULES §7.10): the starting speed is the measured comfortable speed but "
            "never above this; a clinician may set a faster plan. It is below the slowest "
            "speed of the healthy-young laboratory studies (0.89–1.56 m/s), which the "
            "evidence report calls too fast for older adults with knee OA; a clinic may not "
            "raise it to that slowest speed or above (a faster start is a clinician's choice "
            "for one walker)."
        ),
    )
    walker_backdate_max_days: int = Field(
        default=7,
        ge=0,
        le=WALKER_BACKDATE_MAX_DAYS_LIMIT,
        description=(
            "Policy (time you can trust): a walker may log a session, or date their own tests, "
            "at most this many days back, and never ahead; the server's clock says when a "
            "check-in happened. Clinicians, the terminal and imports may give any time in the "
            "years 2000–2100 (entering a paper diary)."
        ),
    )
    checkin_opens_hour_local: int = Field(
        default=6,
        ge=0,
        le=11,
        description=(
            "Policy (RULES §3, the next-morning report): a session's morning check-in opens "
            "on the day after it, from this hour on the walker's own clock (6: 6 in the "
            "morning). The pain-monitoring model asks how the knee is the morning after; no "
            "study sets an hour: this is retrowalk's choice, not a study finding."
        ),
    )
    checkin_min_hours_after_session: int = Field(
        default=8,
        ge=0,
        le=POLICY_CHECKIN_HOURS_MAX,
        description=(
            "Policy (RULES §3, the next-morning report): the morning check-in opens no sooner "
            "than this many hours after the session was walked, so a session late in the "
            "evening is followed by a night's rest before its report, not by minutes. No "
            "study sets the hours: this is retrowalk's choice, not a study finding."
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
    spoken_cue_every_s: int = Field(
        default=60,
        ge=15,
        le=600,
        description=(
            "Policy: during the guided session the phone speaks a short cue (time left, a "
            "reminder to look over the shoulder) this often, in seconds. No source sets it; a "
            "minute keeps the walker informed without talking over a supervisor."
        ),
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_yes_for_a_number(cls, value: object, info: ValidationInfo) -> object:
        """``true`` is not a number of days or a pain score (pydantic would read it as 1)."""
        field = cls.model_fields[info.field_name] if info.field_name else None
        if isinstance(value, bool) and field is not None and field.annotation in (int, float):
            raise ValueError("must be a number, not yes or no")
        return value

    @field_validator("high_risk_surfaces")
    @classmethod
    def _high_risk_has_support(cls, surfaces: tuple[Surface, ...]) -> tuple[Surface, ...]:
        """A walker at high fall risk walks only with something to hold and someone beside
        (RULES.md §1.3): a clinic cannot send them out on a path or a bare treadmill."""
        unsafe = [s.value for s in surfaces if s not in SURFACES_WITH_SUPPORT]
        if unsafe:
            allowed = ", ".join(s.value for s in SURFACES_WITH_SUPPORT)
            raise ValueError(
                f"{', '.join(unsafe)} has nothing to hold or nobody beside; allowed: {allowed}"
            )
        return surfaces

    @field_validator("high_risk_surfaces", "low_risk_surfaces")
    @classmethod
    def _each_surface_once(
        cls, surfaces: tuple[Surface, ...], info: ValidationInfo
    ) -> tuple[Surface, ...]:
        """A surface listed twice is a typing slip (the first surface is the default, and a
        list that repeats it hides what was meant): a new version is refused, naming the
        surface; a version stored before this check reads as its surfaces, each once."""
        twice = sorted({s.value for s in surfaces if surfaces.count(s) > 1})
        if not twice:
            return surfaces
        if _setting(info):
            raise ValueError(f"{', '.join(twice)} is listed twice; list each surface once")
        return tuple(dict.fromkeys(surfaces))

    @field_validator("min_duration_min")
    @classmethod
    def _no_floor_above_the_start(cls, minutes: int, info: ValidationInfo) -> int:
        """A floor of minutes above the starting dose is a typing slip (40 for 4): every
        step back would then "stay at the lowest the program prescribes (40 min)"."""
        if minutes > START_DURATION_MIN and _setting(info):
            raise ValueError(
                f"must be at most {START_DURATION_MIN}: the plan starts at "
                f"{START_DURATION_MIN} minutes (Alghadir 2019), and this is the least a step "
                "back leaves"
            )
        return minutes

    @field_validator("supervised_first_sessions_low_risk")
    @classmethod
    def _someone_there_at_first(cls, sessions: int, info: ValidationInfo) -> int:
        """The first backward walk is never alone (**policy**, RULES §1.3 'Consequence': the
        seed's "have someone supervise you", and every trial was supervised): a clinic may
        shorten the supervised start to one session, not remove it."""
        if sessions < 1 and _setting(info):
            raise ValueError(
                "must be at least 1: a walker's first backward walking session always has "
                "someone there (the seed's 'have someone supervise you'; every trial was "
                "supervised)"
            )
        return sessions


def _setting(info: ValidationInfo) -> bool:
    """Whether the values are a policy being set now (``context=SETTING``), not one stored."""
    return isinstance(info.context, dict) and bool(info.context.get("setting"))


DEFAULT_POLICY = PolicyConfig()
"""The policies retrowalk uses unless a clinic configures its own."""
