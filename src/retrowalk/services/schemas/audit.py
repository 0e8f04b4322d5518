"""The audit view: filters and entries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, model_validator

from retrowalk.services.schemas.base import ID_MAX, FrozenModel, InputModel, RecordId, WholeNumber

AUDIT_PAGE_MAX = 500


"""The most audit entries one page of the audit view holds."""


AuditDate = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


"""A date of the audit view's filter: retrowalk holds nothing before 2000 or after 2100."""


class AuditFilter(InputModel):
    """Which audit entries to show: an action kind, who did it, a date range (UTC dates)."""

    action: Annotated[str, Field(max_length=64, pattern=r"^[a-z_.]*$")] | None = None
    """An action (``session.log``) or its kind (``session``)."""
    actor_account_id: RecordId | None = None
    since: AuditDate | None = None
    until: AuditDate | None = None
    limit: Annotated[WholeNumber, Field(ge=1, le=AUDIT_PAGE_MAX)] = 100
    offset: Annotated[WholeNumber, Field(ge=0, le=ID_MAX)] = 0

    @model_validator(mode="after")
    def _ordered(self) -> AuditFilter:
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError("since must be on or before until")
        return self


class AuditEntryOut(FrozenModel):
    """Who changed what, and when."""

    id: int
    at: datetime
    actor_account_id: int | None
    actor_name: str
    actor_role: str
    action: str
    what: str
    """The action in words ("logged a session")."""
    record: str
    """The kind of record it is about, in words ("Check-in"; ``entity`` is its code)."""
    entity: str
    entity_id: int | None
    detail: dict[str, Any]


class AuditPerson(FrozenModel):
    account_id: int
    name: str
    role: str


class AuditPage(FrozenModel):
    """One page of a walker's audit trail, newest first, with what the filters can choose."""

    walker_id: int
    walker_name: str
    entries: tuple[AuditEntryOut, ...]
    total: int
    """How many entries match the filter (all pages)."""
    actions: tuple[str, ...]
    """Every action found in this walker's trail (for the filter)."""
    people: tuple[AuditPerson, ...]
    """Everyone who appears in this walker's trail (for the filter)."""
