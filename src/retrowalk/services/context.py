"""The application context: what every use case needs, built once per process.

The composition root (cosmicpython's ``bootstrap``): ``create_app`` and the CLI's opener call
:func:`build_context` once, and every use case takes the :class:`AppContext` as its first
argument — the database, and the clock that says what "now" is. The clinic's policy lives in
the database (:mod:`retrowalk.services.policies`), so every worker and every command reads the
same one inside its own transaction.

``ctx.at(moment)`` is the same context with the clock stopped at ``moment``: for a clinician
entering a paper diary (``--at``), an import, the demo and the tests. The server itself never
stops its clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from retrowalk.services.clock import utc_now
from retrowalk.services.flag_cache import FlagCache
from retrowalk.services.record_cache import RecordCache
from retrowalk.store import Database, open_database

Clock = Callable[[], datetime]
"""Returns the current instant, timezone-aware."""


def system_clock() -> datetime:
    """The server's clock, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class AppContext:
    """The database and the clock every use case runs with (and the kept records, shared by
    every ``at`` copy of this context)."""

    db: Database
    clock: Clock = field(default=system_clock)
    flag_cache: FlagCache = field(default_factory=FlagCache, compare=False)
    """The clinician list's flags, walker by walker (:mod:`~retrowalk.services.flag_cache`)."""
    record_cache: RecordCache = field(default_factory=RecordCache, compare=False)
    """Each walker's record as the gates read it, under its version
    (:mod:`~retrowalk.services.record_cache`)."""

    def now(self) -> datetime:
        """The current instant in UTC (checked: aware, in the allowed years)."""
        return utc_now(self.clock())

    def at(self, moment: datetime | None) -> AppContext:
        """This context with the clock stopped at ``moment`` (None: unchanged)."""
        if moment is None:
            return self
        fixed = utc_now(moment)
        return replace(self, clock=lambda: fixed)


def build_context(
    database_url: str | None = None,
    *,
    db: Database | None = None,
    clock: Clock | None = None,
    migrate: bool = True,
) -> AppContext:
    """The one place a process builds its context: open (and migrate) the database."""
    database = db if db is not None else open_database(database_url, migrate=migrate)
    return AppContext(db=database, clock=clock or system_clock)
