"""Walkers: enrolment, sign-up and the clinician's list."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from retrowalk.clinical.prescription import (
    KneeCondition,
)
from retrowalk.clinical.screening import (
    AGE_MAX_YEARS,
    AGE_MIN_YEARS,
)
from retrowalk.services.schemas.base import (
    Email,
    FrozenModel,
    InputModel,
    KneeSide,
    Name,
    PasswordHash,
    Reason3,
    RecordId,
    Sex,
    TimeZoneName,
    WholeNumber,
)
from retrowalk.services.schemas.codes import Flag
from retrowalk.services.schemas.restrictions import RestrictionOut


class WalkerProfile(InputModel):
    age_years: Annotated[WholeNumber, Field(ge=AGE_MIN_YEARS, le=AGE_MAX_YEARS)]
    sex: Sex
    knee_condition: KneeCondition
    knee_side: KneeSide
    timezone: TimeZoneName = "UTC"


class WalkerIn(WalkerProfile):
    """Enrol a walker (a clinician enrols into their own list; an admin may name a clinician)."""

    email: Email
    display_name: Name
    clinician_id: RecordId | None = None


class ReassignIn(InputModel):
    """An administrator moves a walker to another clinician (one leaves, or the clinic shares
    out the work), saying why: the walker's records go with her, and the clinician before
    no longer sees them."""

    clinician_id: RecordId
    reason: Reason3


class TimezoneIn(InputModel):
    """A walker's time zone, corrected (by her, her clinician or an administrator): an IANA
    name such as ``Europe/London`` or ``Pacific/Auckland``; it decides which day is her
    "today" and when her next-morning check-in opens."""

    timezone: TimeZoneName


class WalkerSignup(WalkerProfile):
    """What a walker fills in when accepting an invitation."""

    display_name: Name
    password_hash: PasswordHash


class WalkerOut(FrozenModel):
    id: int
    account_id: int
    email: str
    display_name: str
    age_years: int
    sex: Sex
    knee_condition: KneeCondition
    knee_side: KneeSide
    timezone: str
    clinician_id: int | None
    created_at: datetime


class WalkerFlags(FrozenModel):
    walker: WalkerOut
    flags: tuple[Flag, ...]
    details: tuple[str, ...]
    """One sentence per flag, with the numbers."""
    last_session_on: date | None
    current_prescription_version: int | None
    restrictions: tuple[RestrictionOut, ...] = ()
    """The active restrictions behind the restriction flags."""
