"""The clinic's policy as shown to staff and changed by an administrator."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from retrowalk.services.schemas.base import Answers, ClientKey, FrozenModel, InputModel, Reason3


class PolicyField(FrozenModel):
    """One policy threshold: its value in force, the built-in default, and what it means."""

    name: str
    value: Any
    default: Any
    description: str


class PolicyOut(FrozenModel):
    """The clinic policy version in force (0: the built-in default)."""

    version: int
    set_at: datetime | None
    set_by_name: str | None
    reason: str
    rule_version: str
    fields: tuple[PolicyField, ...]
    created: bool = True
    """False when the change's ``client_key`` was stored before: this is the version it made."""

    def value(self, name: str) -> Any:
        """The value in force of the policy ``name``."""
        return next(f.value for f in self.fields if f.name == name)


class PolicyChangeIn(InputModel):
    """Changes to the clinic's policy (field → new value) and why."""

    changes: Answers
    reason: Reason3
    client_key: ClientKey | None = None
    """A key the page (or program) makes for this one change: sent again, nothing new is
    stored and the version it made comes back (``created`` false)."""
