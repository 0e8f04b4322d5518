"""The clinician's list, kept walker by walker between requests while nothing changed.

The walker list and ``/api/v1/flags`` show every walker's flags and active restrictions.
Computing them means reading each walker's record and running the clinical rules: about half
a millisecond a walker, half a second for a clinic of a thousand, on every load. Between two
loads only a few records change, so two things are kept per walker, each under the stamp it
was computed at:

- **the record** (:class:`KeptRecord`: the active restrictions — the costly part, the whole
  record read and the clinical rules run — and the walker's profile, last session, newest
  plan and last assessment), under the walker's
  ``record_version`` (raised by every audited change of the record, in its transaction, see
  ``repositories.audit``), the number of policy versions and the walker's profile with the id
  of this copy of the database (a restore renews it). None of it depends on the date: only a
  recorded clearance lifts a restriction. Kept for ``restrictions_ttl_s`` (an hour). With it,
  once made, the restrictions as the list shows them (:class:`ShownRestrictions`), under the
  names of whoever recorded them.
- **the flags** (:class:`~retrowalk.services.schemas.WalkerFlags`: the record plus what
  the date and the last two weeks say — missed sessions, a pain flare, a reassessment due),
  under the same stamp and the walker's local date, for ``ttl_s`` (five minutes).

Either is used again only while its stamp, and the names of whoever recorded the restrictions
shown, are the same. So a new day, or a list loaded more than five minutes after the last one,
recomputes only the date's part; a restart, a policy change or an hour without a load
recomputes everything.

What this never does: decide a gate. "Today" and logging a session (on every surface) read
the walker's record kept by :mod:`~retrowalk.services.record_cache` under the record's
version, never a list's flags; every change of a record computes its restrictions afresh.
The time limits are the backstop for a
record changed outside the program (a hand-made SQL fix writes no audit entry, so no new
version: the list shows it within the hour) and, for the flags, the bound on the one flag that
moves within a day (a session logged 14 days ago, to the hour, leaves the "walked outside
supervision" window). The caches are per process: several workers each keep their own, each
correct on its own.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from retrowalk.clinical.restriction_models import Restrictions
from retrowalk.services.schemas import RestrictionOut, WalkerFlags, WalkerOut
from retrowalk.store.repositories import PlanSummary

V = TypeVar("V")

Stamp = tuple[Hashable, ...]
"""What a kept value was computed at; a value is used again only at exactly the same stamp.
For the restrictions: (the walker's record version, the number of policy versions, what the
list shows of the walker — ``repositories.PROFILE_COLUMNS`` — with the id of this copy of the
database, which a restore renews: it puts older version numbers back). For the flags the same
with the walker's local date."""


RecorderNames = tuple[str | None, ...]
"""The names of whoever recorded each trigger of the active restrictions, in order."""


class ShownRestrictions:
    """The output models of a kept record's active restrictions, under the names of whoever
    recorded them: they are made from the restrictions and those names alone, so while
    both are the same the models made once are those a new day would make again (building
    them was a tenth of a new day's list). A renamed recorder makes them again."""

    def __init__(self) -> None:
        self._kept: tuple[RecorderNames, tuple[RestrictionOut, ...]] | None = None

    def get(self, names: RecorderNames) -> tuple[RestrictionOut, ...] | None:
        """The models made under exactly these names, or None."""
        kept = self._kept
        return kept[1] if kept is not None and kept[0] == names else None

    def put(self, names: RecorderNames, shown: tuple[RestrictionOut, ...]) -> None:
        """Keep the models made under these names (replacing what was kept)."""
        self._kept = (names, shown)  # one assignment: a reader sees the old pair or the new


@dataclass(frozen=True)
class KeptRecord:
    """What the list reads of one walker's record: nothing here depends on the date."""

    walker: WalkerOut
    last_session_on: date | None
    plan: PlanSummary | None
    """The newest version of their plan (None before the first)."""
    first_plan_from: date | None
    last_assessed_on: date | None
    screened: bool
    """Whether any screening is stored (an unscreened walker is flagged, never "fine")."""
    restrictions: Restrictions | None
    """The active restrictions; None when the record could not be read (never kept)."""
    shown: ShownRestrictions = field(default_factory=ShownRestrictions, compare=False)
    """The active restrictions as the list shows them, once made (a new day reuses them)."""


@dataclass(frozen=True)
class _Entry(Generic[V]):
    stamp: Stamp
    value: V
    stored_at: float


class StampedCache(Generic[V]):
    """A bounded, thread-safe map from walker id to a value computed at a stamp.

    The least recently used entry goes first when ``capacity`` is reached; an entry older
    than ``ttl_s`` is never returned.
    """

    def __init__(
        self,
        capacity: int = 20_000,
        ttl_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1 or ttl_s <= 0:
            raise ValueError("the cache needs a capacity of at least 1 and a positive ttl_s")
        self.capacity = capacity
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: OrderedDict[int, _Entry[V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, walker_id: int, stamp: Stamp) -> V | None:
        """The value computed at exactly ``stamp``, not older than ``ttl_s``, or None."""
        with self._lock:
            entry = self._entries.get(walker_id)
            if entry is None:
                return None
            if entry.stamp != stamp or self._clock() - entry.stored_at > self.ttl_s:
                del self._entries[walker_id]
                return None
            self._entries.move_to_end(walker_id)
            return entry.value

    def put(self, walker_id: int, stamp: Stamp, value: V) -> None:
        """Keep one walker's value (replacing what was kept for them)."""
        entry = _Entry(stamp, value, self._clock())
        with self._lock:
            self._entries[walker_id] = entry
            self._entries.move_to_end(walker_id)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class FlagCache:
    """The list's two kept values per walker: the flags and, below them, the record."""

    def __init__(
        self,
        capacity: int = 20_000,
        ttl_s: float = 300.0,
        restrictions_ttl_s: float = 3_600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.flags: StampedCache[WalkerFlags] = StampedCache(capacity, ttl_s, clock)
        self.records: StampedCache[KeptRecord] = StampedCache(capacity, restrictions_ttl_s, clock)

    def clear(self) -> None:
        """Forget everything (as after a restart)."""
        self.flags.clear()
        self.records.clear()
