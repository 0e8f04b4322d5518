"""Plans, today, sessions and next-morning check-ins."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from retrowalk.clinical.fall_risk import (
    BACKWARD_SPEED_MAX_M_S,
    Surface,
)
from retrowalk.clinical.prescription import (
    INCLINE_STEPS_PCT,
)
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.red_flags import KneeRedFlag
from retrowalk.clinical.restriction_models import RestrictionKind
from retrowalk.clinical.session_records import AdverseEvent
from retrowalk.services.schemas.base import (
    DISTANCE_MAX_M,
    SESSION_DURATION_MAX_MIN,
    STEPS_MAX,
    AwareDatetime,
    ClientKey,
    Cr10,
    FrozenModel,
    InputModel,
    Note,
    Nprs,
    Number,
    RecordId,
    Speed,
    WalkedMinutes,
    WholeNumber,
    YesNo,
)
from retrowalk.services.schemas.codes import Decision, Role, TodayStatus
from retrowalk.services.schemas.restrictions import RestrictionOut


class PrescriptionOut(FrozenModel):
    id: int
    walker_id: int
    version: int
    created_at: datetime
    effective_from: date
    decision: Decision
    duration_min: float
    speed_m_s: float
    incline_pct: float
    surface: Surface
    supervision: str
    """``every_session`` or ``first_sessions`` (then ``supervised_first_sessions``): what
    holds now, the plan's own rule and the walker's active restrictions together (a walking
    aid, a high or not-known fall risk, a near-fall under review make it ``every_session``).
    A version read without the restrictions (the history of versions) has its own rule."""
    supervised_first_sessions: int | None
    """N of the plan's own "the first N sessions" rule (None when its rule is every session)."""
    plan_supervision: str | None = None
    """The plan's own rule as stored: what holds again once a clinician has lifted the
    restrictions in ``supervision_held_by`` (None: read without the restrictions)."""
    supervision_held_by: tuple[str, ...] = ()
    """The restrictions (kinds) that hold every session supervised now (empty: none)."""
    supervision_words: str | None = None
    """The supervision now in the walker's words ("every session, while you use a walking
    aid (…)"; None: read without the restrictions)."""
    supervision_clinician_words: str | None = None
    """The same in the clinician's words."""
    high_fall_risk: bool
    sessions_per_week: int
    reasons: tuple[Reason, ...]
    rule_version: str
    made_by: int
    policy_version: int | None = None
    """The clinic policy version this decision was made under (0: the built-in default;
    None: made before policies were versioned)."""
    details: dict[str, Any]
    """The clinical prescription as it was dumped (cues, warm-up...)."""
    created: bool = True
    """False when the adjustment's ``client_key`` was stored before: this is the version it
    made, unchanged."""


class TodayOut(FrozenModel):
    """What the walker should do on their local ``local_date``."""

    walker_id: int
    local_date: date
    status: TodayStatus
    message: str
    prescription: PrescriptionOut | None
    supervised: bool
    """Whether today's session must be supervised (first sessions, high or not-known fall
    risk, a walking aid, or an adverse event waiting for a clinician's review)."""
    supervision_why: tuple[str, ...] = ()
    """Why someone must be with the walker, in plain words (empty when not)."""
    session_offered: bool = False
    """Whether a session may start today (``ready``)."""
    step_back: bool
    """True when the break rule lowered today's load (the prescription shown is the lower one)."""
    reasons: tuple[Reason, ...]
    sessions_today: int
    reassessment_due: bool
    restrictions: tuple[RestrictionOut, ...] = ()
    """What stops or limits backward walking now, and what to do (RULES.md §7)."""
    step_rate_per_min: float | None = None
    """The walker's own measured cadence (from a recorded session), for the metronome of an
    overground plan; None when no recording gave one."""
    checkin_for_session_on: date | None = None
    """The date of an earlier session still waiting for its next-morning report (None: none)."""
    checkin_opens_on: date | None = None
    """The first date that report can be given: the day after the session, or after the day
    the walker logged it when she logged it late (a retrowalk policy)."""
    checkin_opens_at: datetime | None = None
    """The moment it opens, on the walker's own clock (with her UTC offset): in the morning,
    from the policy's ``checkin_opens_hour_local`` and ``checkin_min_hours_after_session``
    after the session (retrowalk policies)."""
    checkin_open: bool = False
    """Whether that report may be given now."""
    checkin_logged_late: bool = False
    """Whether the walker logged that session on a later day than she walked it (its report
    then opens the morning after she logged it)."""
    red_flags_unasked_since: date | None = None
    """The date of the oldest session whose morning check-in was decided without its report
    (a later session was logged first) since the walker last answered the red-flag questions
    (RULES.md §7.7): they are asked before her next session (None: nothing is unasked)."""


def _once_each(events: tuple[AdverseEvent, ...]) -> tuple[AdverseEvent, ...]:
    """Each adverse event once, in the order given (found by the outside-in test: a fall sent
    twice was stored, reported and printed twice for one session)."""
    return tuple(dict.fromkeys(events))


class SessionIn(InputModel):
    """One session as the walker reports it. ``client_key`` makes a resubmission harmless.

    ``duration_min`` is the minutes of backward walking. It may be 0 only for a session that
    was stopped before any backward walking: one with an adverse event (e.g. a fall during
    the warm-up) or marked not ``completed``, so such a session can still be logged and
    decided (RULES §3: an adverse event regresses and flags the walker for review). A
    0-minute session needs no speed or distance; a distance, if given, must then be 0.
    """

    client_key: ClientKey
    performed_at: AwareDatetime = None
    """When the session started (default: now)."""
    duration_min: Annotated[WalkedMinutes, Field(ge=0, le=SESSION_DURATION_MAX_MIN)]
    speed_m_s: Annotated[Speed, Field(gt=0, le=BACKWARD_SPEED_MAX_M_S)] | None = None
    distance_m: Annotated[Number, Field(ge=0, le=DISTANCE_MAX_M)] | None = None
    incline_pct: Annotated[Number, Field(ge=0, le=INCLINE_STEPS_PCT[-1])] = 0.0
    """The treadmill incline walked; the rules never go above the last incline step."""
    surface: Surface
    supervised: YesNo
    pain_before_nprs: Nprs
    pain_peak_nprs: Nprs
    pain_after_nprs: Nprs
    effort_cr10: Cr10
    adverse_events: Annotated[tuple[AdverseEvent, ...], AfterValidator(_once_each)] = ()
    """What went wrong, each event once (``["fall", "fall"]`` is one fall)."""
    completed: YesNo = True
    """False when the session was stopped early."""
    note: Note | None = None
    steps: Annotated[WholeNumber, Field(ge=0, le=STEPS_MAX)] | None = None
    """Steps counted by a recording of the session, if any."""
    another_today: YesNo | None = None
    """The answer to "another session today?": ``False`` refuses the session when one of the
    same local date is already logged (nothing is stored twice by mistake); ``True`` or
    unsaid stores it, marked as a second session that day (``SessionOut.another_today``)."""

    @model_validator(mode="after")
    def _speed_or_distance(self) -> SessionIn:
        if self.duration_min == 0:
            if self.completed and not self.adverse_events:
                raise ValueError(
                    "duration_min: may be 0 only for a session stopped before any backward "
                    "walking: say what went wrong, or that the session was stopped early"
                )
            if self.distance_m:
                raise ValueError(
                    f"distance_m: must be 0 when duration_min is 0 (got {self.distance_m:g} m)"
                )
        elif self.speed_m_s is None and self.distance_m is None:
            raise ValueError("speed_m_s: give speed_m_s or distance_m (the speed is never guessed)")
        return self

    @property
    def speed_done_m_s(self) -> float:
        """The speed walked: as given, else distance / duration (0 when nothing was walked)."""
        if self.speed_m_s is not None:
            return self.speed_m_s
        if self.duration_min == 0 or self.distance_m is None:
            return 0.0
        return self.distance_m / (self.duration_min * 60.0)


class SessionOut(FrozenModel):
    id: int
    walker_id: int
    client_key: str
    prescription_id: int | None
    performed_at: datetime
    local_date: date
    logged_at: datetime
    planned_duration_min: float | None
    planned_speed_m_s: float | None
    planned_incline_pct: float | None
    planned_surface: Surface | None
    planned_supervised: bool | None
    duration_min: float
    speed_m_s: float | None
    distance_m: float | None
    incline_pct: float
    surface: Surface
    supervised: bool
    pain_before_nprs: int
    pain_peak_nprs: int
    pain_after_nprs: int
    effort_cr10: int
    adverse_events: tuple[str, ...]
    completed: bool
    note: str | None
    steps: int | None = None
    another_today: bool = False
    """Logged when a session of the same local date already was: a second session that day."""
    walked_against: tuple[RestrictionKind, ...] = ()
    """The restrictions stopping every session (a rest day, an adverse-event review, a red
    flag, a clearance awaited) that stood when this session was walked: it came in with an
    adverse event, was stored as told, and is flagged to the clinician (RULES.md §7.9)."""
    created: bool = True
    """False when this client key was already stored: the first submission is returned."""
    notices: tuple[str, ...] = ()
    """What the walker should know about this session (e.g. walked alone when someone had to
    be there: stored, shown to the clinician, and why it matters)."""


CheckinRedFlag = Literal[
    "calf_pain_swelling_warmth",
    "hot_swollen_knee",
    "locked_knee",
    "knee_giving_way",
    "cannot_bear_weight",
]


"""The red flags the morning check-in asks about (``clinical.red_flags.CHECKIN_RED_FLAGS``)."""


class CheckinIn(InputModel):
    """The next-morning report. Without ``session_id`` it is for the latest unreported session."""

    session_id: RecordId | None = None
    pain_nprs: Nprs
    stiffness_nprs: Nprs
    new_red_flags: tuple[CheckinRedFlag, ...]
    """What is new since the session, by code (empty: none of them); RULES.md §7.7 asks about
    calf pain or swelling, a hot swollen knee, locking, giving way, not bearing weight."""
    at: AwareDatetime = None
    """When it was reported (default: now)."""


class CheckinOut(FrozenModel):
    id: int
    walker_id: int
    session_id: int
    created_at: datetime
    """When the check-in was recorded (UTC): the moment its decision was made."""
    local_date: date
    pain_nprs: int
    stiffness_nprs: int | None
    new_red_flags: tuple[KneeRedFlag, ...] = ()
    decision: Decision
    reasons: tuple[Reason, ...]
    next_prescription: PrescriptionOut | None
    rest_day: bool = False
    """The decision made this a rest day (next-morning pain, RULES.md §3 amendments): read
    from the decision stored with the next plan version, so the history says what the reply
    said."""
    restrictions: tuple[RestrictionOut, ...] = ()
    """The walker's active restrictions after this check-in."""


class RedFlagReportIn(InputModel):
    """Red flags new since the last session, reported at any time (RULES.md §7.7): the
    questions of the morning check-in, without waiting for the next morning."""

    new_red_flags: tuple[CheckinRedFlag, ...]
    """What is new, by code; empty answers "none of these" (it never lifts anything)."""
    at: AwareDatetime = None
    """When it was reported (default: now; a walker's report is always "now")."""
    client_key: ClientKey | None = None
    """A key the page (or program) makes for this one submission: sent again, nothing new is
    stored and the first record comes back (``created`` false)."""


class RedFlagReportOut(FrozenModel):
    id: int
    walker_id: int
    created_at: datetime
    local_date: date
    new_red_flags: tuple[KneeRedFlag, ...]
    restrictions: tuple[RestrictionOut, ...] = ()
    """The walker's active restrictions after this report (a red flag: stop and refer)."""
    recorded_by_role: Role | None = None
    """Who recorded it: the walker herself, her clinician or an administrator (the terminal
    acts as the local administrator); None where the account is gone."""
    created: bool = True
    """False when this ``client_key`` was stored before: this is the first report."""


class MissedReportOut(FrozenModel):
    """A session decided without its next-morning report (the rule holds: RULES §3)."""

    id: int
    walker_id: int
    session_id: int
    created_at: datetime
    """When the session was decided without its report (UTC)."""
    local_date: date
    decision: Decision
    reasons: tuple[Reason, ...]
    next_prescription: PrescriptionOut | None
