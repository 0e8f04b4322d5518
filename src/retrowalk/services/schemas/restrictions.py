"""Restrictions as the services return them: what is active, who lifted what, and why."""

from __future__ import annotations

from datetime import datetime

from retrowalk.clinical.fall_risk import (
    Surface,
)
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.red_flags import KneeRedFlag
from retrowalk.clinical.restriction_models import Effect, RestrictionKind, Source
from retrowalk.services.schemas.base import FrozenModel


class TriggerOut(FrozenModel):
    """A record that set a restriction: what, when, who recorded it, and why."""

    source: Source
    source_name: str
    """The kind of record in the clinician's words ("Check-in"), never its code."""
    record_id: int | None
    at: datetime
    recorded_by: int | None
    recorded_by_name: str | None
    reasons: tuple[Reason, ...]
    red_flags: tuple[KneeRedFlag, ...] = ()
    """For a red flag: the flags this record named, most urgent first (what a clearance of
    it lifted, by name)."""
    clinician_words: tuple[str, ...] = ()
    """The ``reasons`` in the clinician's words (third person, clinical names), one each;
    empty where the walker's words read the same to a clinician."""


class RestrictionOut(FrozenModel):
    """An active restriction (RULES.md §7), as the walker and the clinician see it."""

    kind: RestrictionKind
    effect: Effect
    title: str
    summary: str
    """One sentence with the numbers."""
    clinician_summary: str = ""
    """:attr:`summary` in the clinician's words (the walker in the third person)."""
    since: datetime
    triggers: tuple[TriggerOut, ...]
    reasons: tuple[Reason, ...]
    what_to_do: tuple[str, ...]
    emergency: str | None
    lifted_by: str
    can_clear: bool
    cannot_clear_because: str | None
    surfaces: tuple[Surface, ...]
    seen_through: int | None = None
    """The recording order of the newest record behind it: send it as ``seen_through`` with
    a clearance, so the clearance lifts what you read here and never a record that came in
    after (it is refused, naming that record)."""


class LiftedOut(FrozenModel):
    """A restriction a clinician lifted, with the clearance."""

    kind: RestrictionKind
    clearance_id: int | None
    at: datetime
    cleared_by: int | None
    cleared_by_name: str | None
    reason: str
    triggers: tuple[TriggerOut, ...]


class AddedOut(FrozenModel):
    """A record that added restrictions the walker did not have (from the audit log)."""

    entity: str
    """``screening``, ``assessment``, ``session``, ``checkin`` or ``red_flag_report``."""
    entity_id: int
    at: datetime
    kinds: tuple[RestrictionKind, ...]


class RestrictionsOut(FrozenModel):
    """A walker's active restrictions (most serious first), the ones lifted before, and the
    records that added one."""

    walker_id: int
    active: tuple[RestrictionOut, ...]
    lifted: tuple[LiftedOut, ...]
    added: tuple[AddedOut, ...] = ()
