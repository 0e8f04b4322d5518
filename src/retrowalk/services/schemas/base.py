"""The building blocks of every input and output: the bases, the limits every input
obeys (ids, NUL characters, dates, time zones), the actor."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict

from retrowalk.clinical.fall_risk import SPEED_MIN_M_S
from retrowalk.clinical.norms import CR10_MAX, NPRS_MAX
from retrowalk.services.clock import YEARS_ALLOWED, in_years
from retrowalk.services.errors import CLIENT_KEY_PATTERN, SURROGATE_MESSAGE
from retrowalk.services.schemas.codes import Role


class FrozenModel(BaseModel):
    """Base of every output: frozen, and no field the model does not name."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class InputModel(FrozenModel):
    """Base of every input: no infinite or not-a-number values reach a rule or a column.

    Its numbers and yes/no answers are the strict scalars below (``WholeNumber``, ``Number``,
    ``YesNo``): ``true`` is not the number 1, ``"0.5"`` (a quoted number) is not 0.5 and
    ``0`` is not "no". A web form's text is read into numbers by the form grammar
    (:mod:`retrowalk.web.forms`) before it reaches a model; tests/services/
    test_limits_and_edge_cases.py checks every input model holds only strict scalars.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


WholeNumber = Annotated[int, Strict()]
"""A whole number, as a number: not ``true``, not ``"3"``, not ``3.0``."""


Number = Annotated[float, Strict()]
"""A number (a whole one is taken too), as a number: not ``true``, not ``"0.5"``."""


YesNo = Annotated[bool, Strict()]
"""``true`` or ``false`` only: not ``0``, ``1`` or ``"yes"``."""


ID_MAX: Final[int] = 2**31 - 1


"""The largest id a stored row can have: ids are 32-bit INTEGER columns, and PostgreSQL
refuses (SQLite would overflow) anything larger, so inputs are checked here for both."""


SESSION_DURATION_MAX_MIN: Final[float] = 180.0


"""Input limit, not a clinical threshold: a reported session longer than 3 hours is a typing
error (the prescription itself never exceeds ``MAX_DURATION_MIN``)."""


GAIT_SPEED_MAX_M_S: Final[float] = 3.0


"""Input limit, not a clinical threshold: a forward gait speed above 3 m/s is a typing error."""


DISTANCE_MAX_M: Final[float] = 20000.0
"""Input limit: more than 20 km of backward walking in one session is a typing error."""


WALKED_MIN_MIN: Final[float] = 0.1
"""Input limit (policy, not a clinical rule): minutes walked are 0 (no backward walking) or at
least a tenth of a minute (6 seconds), the guided timer's smallest step; 1e-300 minutes is a
typing error, not a walk."""


def walked_minutes(value: float) -> float:
    """Refuse a walk of more than 0 but under :data:`WALKED_MIN_MIN` minutes."""
    if 0 < value < WALKED_MIN_MIN:
        raise ValueError(
            f"must be 0 (no backward walking) or at least {WALKED_MIN_MIN:g} minutes (6 seconds)"
        )
    return value


def walking_speed(value: float) -> float:
    """Refuse a speed under :data:`retrowalk.clinical.fall_risk.SPEED_MIN_M_S`."""
    if value < SPEED_MIN_M_S:
        raise ValueError(
            f"must be at least {SPEED_MIN_M_S:g} m/s (1 cm a second): a slower speed is not "
            "walking, and would show as 0.00"
        )
    return value


Speed = Annotated[Number, AfterValidator(walking_speed)]
"""A walking speed in m/s, at least ``SPEED_MIN_M_S`` (each field adds its own maximum)."""


WalkedMinutes = Annotated[Number, AfterValidator(walked_minutes)]
"""Minutes of backward walking: 0, or at least :data:`WALKED_MIN_MIN`."""


STEPS_MAX: Final[int] = 100_000
"""Input limit: more steps than 3 hours at 9 steps a second is a counting error."""


TEXT_MAX_CHARS: Final[int] = 4000
"""The longest free text (``max_length`` of ``Text``, ``Note`` and ``Reason3`` below): a longer
one is refused with this number, never cut (tests/web/test_rough_edges.py checks they agree)."""


NUL_MESSAGE: Final[str] = (
    "must not contain a NUL character (\\x00); type or paste the text again without it"
)


RecordId = Annotated[
    WholeNumber,
    Field(ge=1, le=ID_MAX, description=f"A stored record's id: a whole number 1–{ID_MAX}"),
]


def refuse_nul(value: str) -> str:
    """Refuse text with a NUL character (SQLite would store it, PostgreSQL cannot, so both
    databases behave the same only if it never reaches them) or with half a character (a
    lone surrogate, which JSON's ``\\ud800`` can carry: no database stores it, and an error
    echoing it could not be sent)."""
    if "\x00" in value:
        raise ValueError(NUL_MESSAGE)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(SURROGATE_MESSAGE) from None
    return value


DIRECTION_CONTROLS: Final[frozenset[str]] = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)
"""Unicode's embedding, override and isolate controls: one of them makes the rest of a
note or name read backwards on every page and in the report (a spoofing trick)."""
DIRECTION_MESSAGE: Final[str] = (
    "must not contain a text-direction control character (U+202A–U+202E, U+2066–U+2069): "
    "it makes the text show in the wrong order; type or paste it again without it"
)


def refuse_direction_controls(value: str) -> str:
    """Refuse text that would show in another order than it was typed."""
    if not DIRECTION_CONTROLS.isdisjoint(value):
        raise ValueError(DIRECTION_MESSAGE)
    return value


def _refuse_nul_inside(value: Any) -> Any:
    """:func:`refuse_nul` for every key and string inside a JSON-like value."""
    if isinstance(value, str):
        refuse_nul(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul_inside(key)
            _refuse_nul_inside(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_nul_inside(item)
    return value


class Actor(FrozenModel):
    """Who is asking: every use case takes one and checks access itself."""

    account_id: RecordId
    role: Role


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


EMAIL_LOCAL_MAX = 64
EMAIL_MAX = 254
"""The longest part before the ``@`` and the longest address mail can be sent to (RFC 5321
limits the local part to 64 octets and a path to 256, so an address to 254)."""


def normalise_email(value: str) -> str:
    """Lower-cased, trimmed email; ValueError when it is not one (an address no mail server
    takes — a 300-character name before the ``@`` — is refused too: an invitation sent
    there never arrives)."""
    value = refuse_nul(value).strip().lower()
    if not _EMAIL.match(value):
        raise ValueError("must be an email address like name@example.org")
    local = value.rsplit("@", 1)[0]
    if len(local.encode("utf-8")) > EMAIL_LOCAL_MAX:
        raise ValueError(
            f"the part before the @ has {len(local):,} characters; an email address has "
            f"at most {EMAIL_LOCAL_MAX}"
        )
    if len(value.encode("utf-8")) > EMAIL_MAX:
        raise ValueError(f"has {len(value):,} characters; an email address has at most {EMAIL_MAX}")
    return value


@cache
def _zones() -> frozenset[str]:
    """The time zones a walker may have: the tz database's names, less the two that name no
    place (``localtime``, the server's own; ``Factory``, a placeholder)."""
    return frozenset(available_timezones() - {"localtime", "Factory"}) | {"UTC"}


def _timezone(value: str) -> str:
    """A tz database name (Europe/London): looked up in the list, never opened as a file
    first (a 300-character name made ``ZoneInfo`` raise "File name too long": a 500)."""
    refuse_nul(value)
    if value not in _zones():
        raise ValueError(
            "must be a time zone from the list, named as the tz database does, such as "
            "Europe/London or America/New_York"
        )
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError("must be a time zone from the list, such as Europe/London") from None
    return value


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError("must include a time zone, e.g. 2026-03-01T09:30:00+00:00")
    if value is not None and not in_years(value):
        raise ValueError(f"must be {YEARS_ALLOWED}")
    return value


def _sane_date(value: date | None) -> date | None:
    if value is not None and not in_years(value):
        raise ValueError(f"must be {YEARS_ALLOWED}")
    return value


ClientKey = Annotated[str, Field(min_length=1, max_length=64, pattern=CLIENT_KEY_PATTERN)]
"""What a page or a program makes up so that sending the same thing twice stores it once."""


Email = Annotated[str, Field(max_length=320), AfterValidator(normalise_email)]


TimeZoneName = Annotated[str, AfterValidator(_timezone)]


AwareDatetime = Annotated[datetime | None, AfterValidator(_aware)]


SaneDate = Annotated[date | None, AfterValidator(_sane_date)]


Nprs = Annotated[
    WholeNumber, Field(ge=0, le=NPRS_MAX, description=f"0–{NPRS_MAX} numeric pain rating scale")
]


Cr10 = Annotated[
    WholeNumber, Field(ge=0, le=CR10_MAX, description=f"Borg CR10 effort, 0–{CR10_MAX}")
]


def _words(value: str) -> str:
    """Text that says something: not only spaces (a reason of three spaces is no reason)."""
    if len(value.strip()) < 1:
        raise ValueError("must be written in words, not only spaces")
    return value


REASON_MIN_LETTERS: Final[int] = 3


"""How many letters a reason needs at the least (a clearance, an adjustment, a policy change,
a move to another clinician): a record of *why* that someone can read later (RULES.md §7.1)."""


REASON_MESSAGE: Final[str] = (
    f"must say why in a few words (at least {REASON_MIN_LETTERS} letters, "
    "not only spaces, dots or other marks)"
)


def letter_count(value: str) -> int:
    """The letters of ``value`` in any script (Unicode categories L*): not digits, dots,
    accents written alone (combining marks) or other signs, which say nothing by themselves."""
    return sum(1 for character in value if unicodedata.category(character).startswith("L"))


def says_why(value: str) -> bool:
    """Whether ``value`` is a reason: at least ``REASON_MIN_LETTERS`` letters."""
    return letter_count(value) >= REASON_MIN_LETTERS


def _sentence(value: str) -> str:
    """A reason: at least 3 letters (who, what was found, why), so "..." lifts nothing."""
    if not says_why(value):
        raise ValueError(REASON_MESSAGE)
    return value


Text = Annotated[
    str,
    Field(min_length=1, max_length=4000),
    AfterValidator(refuse_nul),
    AfterValidator(refuse_direction_controls),
    AfterValidator(_words),
]


def refuse_blank(value: str) -> str:
    """Refuse a name of nothing but spaces: it would show as an empty line in every list
    (found by the outside-in test: a walker named "   ")."""
    if not value.strip():
        raise ValueError("must have letters in it, not only spaces")
    return value


Name = Annotated[
    str,
    Field(min_length=1, max_length=200),
    AfterValidator(refuse_nul),
    AfterValidator(refuse_direction_controls),
    AfterValidator(refuse_blank),
]


PasswordHash = Annotated[str, Field(min_length=1, max_length=512), AfterValidator(refuse_nul)]


Reason3 = Annotated[
    str,
    Field(min_length=3, max_length=4000),
    AfterValidator(refuse_nul),
    AfterValidator(refuse_direction_controls),
    AfterValidator(_sentence),
]


Note = Annotated[
    str,
    Field(max_length=4000),
    AfterValidator(refuse_nul),
    AfterValidator(refuse_direction_controls),
]


Answers = Annotated[dict[str, Any], AfterValidator(_refuse_nul_inside)]


Sex = Literal["female", "male"]


KneeSide = Literal["left", "right", "both"]
