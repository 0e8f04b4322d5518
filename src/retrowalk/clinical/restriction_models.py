"""What a restriction is (RULES.md §7): its kind, its effect, the records that set it, and who
lifted what. When one is active is decided in :mod:`.restrictions`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.red_flags import KneeRedFlag, urgency_rank
from retrowalk.clinical.surfaces import Surface


class RestrictionKind(StrEnum):
    """The kinds of restriction of RULES.md §7; a clearance names exactly one."""

    RED_FLAG = "red_flag"
    ADVERSE_EVENT = "adverse_event"
    REST_DAY = "rest_day"
    CLEARANCE_REQUIRED = "clearance_required"
    FALL_RISK = "fall_risk"
    WALKING_AID = "walking_aid"


class Effect(StrEnum):
    """What a restriction does to backward walking."""

    NO_SESSIONS = "no_sessions"
    """No session is offered or accepted (a session reporting an adverse event is always
    stored: safety data is never refused)."""
    SUPERVISED = "supervised"
    """Every session needs someone with the walker."""


class Source(StrEnum):
    """The kind of record that set a restriction."""

    SCREENING = "screening"
    ASSESSMENT = "assessment"
    SESSION = "session"
    CHECKIN = "checkin"
    RED_FLAG_REPORT = "red_flag_report"
    """A red flag the walker reported at any time, outside a check-in (RULES.md §7.7)."""


class Trigger(BaseModel):
    """One record that set (or renewed) a restriction, with why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Source
    record_id: int | None
    at: datetime
    seq: int | None = None
    recorded_by: int | None
    reasons: tuple[Reason, ...]
    actions: tuple[str, ...] = ()
    """What the walker should do, most urgent first."""
    serious: bool = False
    """For an adverse event: one after which no session is offered (RULES.md §7.8)."""
    chest_pain: bool = False
    red_flags: tuple[KneeRedFlag, ...] = ()
    """For a red flag: the flags this record named, most urgent first, in the order of its
    ``reasons`` (one reason each)."""
    clinician_words: tuple[str, ...] = ()
    """The ``reasons`` as the clinician reads them (third person, clinical names), one each;
    empty where the walker's words read the same to a clinician."""


class Restriction(BaseModel):
    """An active restriction: what it does, why, what to do, and who may lift it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: RestrictionKind
    effect: Effect
    title: str
    since: datetime
    """When the earliest trigger still active was recorded."""
    triggers: tuple[Trigger, ...]
    reasons: tuple[Reason, ...]
    what_to_do: tuple[str, ...]
    emergency: str | None = None
    lifted_by: str
    can_clear: bool
    """Whether a clinician's clearance of this kind would be accepted now."""
    cannot_clear_because: str | None = None
    surfaces: tuple[Surface, ...] = ()
    """The surfaces allowed while it is active (fall risk: the high-risk ones)."""

    @property
    def seen_through(self) -> int | None:
        """The recording order of its newest trigger: a clearance sent with it lifts what was
        shown, never a trigger recorded after the page was read (None: no order known)."""
        known = [t.seq for t in self.triggers if t.seq is not None]
        return max(known) if known else None

    @property
    def summary(self) -> str:
        """One sentence with the numbers, for a list: the first reason of the newest trigger;
        for red flags, the reason of the most urgent open flag (the newest of the equally
        urgent), so a later "doctor soon" never hides an earlier "emergency care now"."""
        chosen = _most_urgent(self.triggers) or self.triggers[-1]
        return chosen.reasons[0].message if chosen.reasons else self.title

    @property
    def clinician_summary(self) -> str:
        """:attr:`summary` in the clinician's words ("calf pain, swelling or warmth (possible
        DVT), needing emergency care now", not the walker's "Red flag: My calf is …")."""
        chosen = _most_urgent(self.triggers) or self.triggers[-1]
        if chosen.clinician_words:
            return chosen.clinician_words[0]
        return chosen.reasons[0].for_clinician if chosen.reasons else self.title


def _most_urgent(triggers: tuple[Trigger, ...]) -> Trigger | None:
    """The newest trigger whose first flag is the most urgent of all (None: no red flag)."""
    flagged = [t for t in triggers if t.red_flags]
    if not flagged:
        return None
    most = min(urgency_rank(t.red_flags[0]) for t in flagged)
    return next(t for t in reversed(flagged) if urgency_rank(t.red_flags[0]) == most)


class Lifted(BaseModel):
    """A restriction a clinician lifted: which kind, the clearance, and what it had set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: RestrictionKind
    clearance_id: int | None
    at: datetime
    cleared_by: int | None
    reason: str
    triggers: tuple[Trigger, ...]
    """What the clearance lifted (empty when it came with nothing left to lift)."""


class Restrictions(BaseModel):
    """The active restrictions (most serious first) and the history of lifted ones."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    active: tuple[Restriction, ...]
    lifted: tuple[Lifted, ...] = ()

    def of(self, kind: RestrictionKind) -> Restriction | None:
        """The active restriction of ``kind``, or None."""
        return next((r for r in self.active if r.kind is kind), None)

    @property
    def kinds(self) -> frozenset[RestrictionKind]:
        return frozenset(r.kind for r in self.active)

    @property
    def blocking(self) -> tuple[Restriction, ...]:
        """The active restrictions that stop every session."""
        return tuple(r for r in self.active if r.effect is Effect.NO_SESSIONS)

    @property
    def blocks_sessions(self) -> bool:
        return bool(self.blocking)

    @property
    def supervised_every_session(self) -> bool:
        return any(r.effect is Effect.SUPERVISED for r in self.active)
