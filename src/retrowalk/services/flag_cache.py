"""The clinician's list, kept walker by walker between requests while nothing changed.

The walker list and ``/api/v1/flags`` show every walker's flags and active restrictions.
Computing them means reading each walker's record and running the clinical rules: about half
a millisecond a walker, half a second for a clinic of a thousand, on every load. Between two
loads only a few records change, so each walker's flags are kept under the stamp they were
computed at — the walker's ``record_version`` (raised by every audited change of the record,
in its transaction, see ``repositories.audit``), the number of policy versions, the walker's
local date and the id of this copy of the database (a restore renews it) — and used again
only while the stamp, the walker's profile and the names of whoever recorded the
restrictions shown are the same.

What this never does: decide a gate. Every gate (today, logging, the walker's own pages, one
walker's page for the clinician) computes the restrictions afresh from the record; only the
list is spared recomputing what cannot have changed. An entry is also dropped after ``ttl_s``
seconds: the backstop for a record changed outside the program (a hand-made SQL fix writes no
audit entry) and the bound on the one flag that moves within a day (a session logged 14 days
ago, to the hour, leaves the "walked outside supervision" window). The cache is per process:
several workers each keep their own, each correct on its own.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date

from retrowalk.services.schemas import WalkerFlags

Stamp = tuple[int, int, date, tuple[Hashable, ...]]
"""(the walker's record version, the number of policy versions, the walker's local date, what
the list shows of the walker — ``repositories.PROFILE_COLUMNS`` — with the id of this copy of
the database, which a restore renews: it puts older version numbers back)."""


@dataclass(frozen=True)
class _Entry:
    stamp: Stamp
    flags: WalkerFlags
    stored_at: float


class FlagCache:
    """A bounded, thread-safe map from walker id to the flags computed at a stamp.

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
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, walker_id: int, stamp: Stamp) -> WalkerFlags | None:
        """The flags computed at exactly ``stamp``, not older than ``ttl_s``, or None."""
        with self._lock:
            entry = self._entries.get(walker_id)
            if entry is None:
                return None
            if entry.stamp != stamp or self._clock() - entry.stored_at > self.ttl_s:
                del self._entries[walker_id]
                return None
            self._entries.move_to_end(walker_id)
            return entry.flags

    def put(self, walker_id: int, stamp: Stamp, flags: WalkerFlags) -> None:
        """Keep one walker's flags (replacing what was kept for them)."""
        entry = _Entry(stamp, flags, self._clock())
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
