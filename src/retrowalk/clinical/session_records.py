"""What a progression decision is made from and what it returns: the session log, the
next-morning report, the walker's history at the current level, and the decision itself.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from retrowalk.clinical.norms import CR10_MAX, NPRS_MAX
from retrowalk.clinical.prescription import (
    RULE_VERSION,
    Prescription,
)
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.red_flags import KneeRedFlag

EFFORT_SOURCES: Final[tuple[str, ...]] = ("hooper2004",)


ADVERSE_EVENT_SOURCES: Final[tuple[str, ...]] = ("alghadir2019", "hooper2004")


_EPS: Final[float] = 1e-9


class Action(StrEnum):
    """What the program does with the prescription after a session."""

    PROGRESS = "progress"
    HOLD = "hold"
    REGRESS = "regress"
    STOP = "stop"


class Variable(StrEnum):
    """The prescription variables progression may change (at most one at a time)."""

    DURATION = "duration"
    SPEED = "speed"
    INCLINE = "incline"


class AdverseEvent(StrEnum):
    """Events that stop a session and require a clinician's review (RULES.md §3)."""

    FALL = "fall"
    NEAR_FALL = "near_fall"
    DIZZINESS = "dizziness"
    CHEST_PAIN = "chest_pain"
    SHARP_KNEE_PAIN = "sharp_knee_pain"


class SessionLog(BaseModel):
    """What the walker reported at the end of a session (RULES.md §5)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    pain_before_nprs: StrictInt = Field(ge=0, le=NPRS_MAX)
    pain_during_peak_nprs: StrictInt = Field(ge=0, le=NPRS_MAX)
    pain_after_nprs: StrictInt = Field(ge=0, le=NPRS_MAX)
    effort_cr10: StrictInt = Field(ge=0, le=CR10_MAX)
    minutes_done: float = Field(ge=0)
    speed_done_m_s: float = Field(ge=0)
    adverse_events: frozenset[AdverseEvent] = frozenset()
    completed: StrictBool


class MorningReport(BaseModel):
    """The next-morning check-in: knee pain and stiffness, NPRS 0–10, and any warning sign
    that is new since the session (RULES.md §7.7)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    pain_nprs: StrictInt = Field(ge=0, le=NPRS_MAX)
    stiffness_nprs: StrictInt = Field(ge=0, le=NPRS_MAX)
    red_flags: frozenset[KneeRedFlag] = frozenset()


class Change(BaseModel):
    """One change of one prescription variable, on the walker's local date."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    variable: Variable
    before: float
    after: float
    on: date


class History(BaseModel):
    """What the rule needs from earlier sessions; the services derive it from storage."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    session_date: date
    """The walker's local date of the session being decided."""
    qualifying_sessions_at_level: StrictInt = Field(default=0, ge=0)
    """Consecutive qualifying sessions at the current level BEFORE this one."""
    last_increase: Change | None = None
    """The increase that set the current level, so a regression can undo it; None when there
    was none or the level has been reduced since."""
    speed_changes: tuple[Change, ...] = ()
    """Every change of the prescribed speed (up or down) in at least the last 7 days."""
    usual_pain_nprs: float | None = Field(default=None, ge=0, le=NPRS_MAX)
    """The walker's usual knee pain: the median pre-session pain of the sessions in the
    ``usual_level_window_days`` ending with this one (:func:`usual_level`); None → this
    session's own pre-session pain."""
    usual_stiffness_nprs: float | None = Field(default=None, ge=0, le=NPRS_MAX)
    """The walker's usual next-morning stiffness: the median of the earlier reports in that
    window (this one excluded); None when there is none yet."""
    pain_during_previous_week_nprs: tuple[StrictInt, ...] = ()
    """Peak pain during the sessions of the week before this session's week (the 7 days
    ending 7 days before it)."""

    @model_validator(mode="after")
    def _check(self) -> History:
        if self.last_increase is not None and not (
            self.last_increase.after > self.last_increase.before
        ):
            raise ValueError("last_increase must be an increase (after above before)")
        for change in self.speed_changes:
            if change.variable is not Variable.SPEED:
                raise ValueError("speed_changes may only hold speed changes")
            if change.on > self.session_date:
                raise ValueError("speed_changes may not be dated after the session")
        for pain in self.pain_during_previous_week_nprs:
            if not 0 <= pain <= NPRS_MAX:
                raise ValueError(f"weekly pain values must be 0–{NPRS_MAX}")
        return self


class ProgressionDecision(BaseModel):
    """The decision after a session: the action, at most one changed variable, the next
    prescription, and every reason with its numbers."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    action: Action
    variable_changed: Variable | None
    change: Change | None
    next_prescription: Prescription
    reasons: tuple[Reason, ...]
    needs_review: bool
    stop_session: bool = False
    """True when the walker must stop the session now (an adverse event)."""
    qualifying_session: bool = False
    """True when this session counts towards the qualifying sessions at this level."""
    rest_day: bool = False
    """True when the next-morning pain makes today a rest day (:func:`is_rest_day`)."""
    usual_pain_nprs: float | None = None
    """The usual pain level the morning report was compared with (None: no report)."""
    rule_version: str = RULE_VERSION
