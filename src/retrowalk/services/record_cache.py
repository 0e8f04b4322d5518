"""Each walker's record and the clinic's policy history, kept between requests under the
version they were read at.

Every gate (today, logging a session) decides on the walker's whole record
(:class:`~retrowalk.clinical.walker_record.WalkerRecord`): reading it is six queries and
validating every stored answer into the clinical models, about a third of what "today" and
"log a session" cost. Between two requests of one walker the record rarely changes, and when
it does the program knows: every change of a record writes its audit entry in its own
transaction, and that raises the walker's ``record_version`` in the same transaction
(``repositories.audit``; its row lock orders concurrent writers, so a reader that sees version
*n* has seen every change committed up to *n*). So a gate reads the walker row first (with the
version, in the same statement as the access checks) and takes the record kept at exactly that
version, the same policy version and the same copy of the database (a restore renews its id,
and puts older version numbers back); anything else is read afresh and kept.

What a gate decides on is therefore never older than the record it has just read the version
of. A use case that changes the record computes the restrictions after its change afresh
(``restrictions.record_added``, the log under the write lock), never from here. The time limit
is the backstop for a record changed outside the program (a hand-made SQL fix writes no audit
entry and so no new version). The clinic's policy history is kept the same way: versions are
only ever added, so the newest version number names the whole history.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from retrowalk.clinical.policy_timeline import PolicyTimeline
from retrowalk.clinical.restriction_models import Restrictions
from retrowalk.clinical.walker_record import WalkerRecord
from retrowalk.services.flag_cache import Stamp, StampedCache

TIMELINES_KEPT = 8
"""Policy histories kept (one per copy of the database and newest version: a handful)."""


class RecordCache:
    """The gates' kept values: each walker's record, and the policy history."""

    def __init__(
        self,
        capacity: int = 20_000,
        ttl_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.records: StampedCache[WalkerRecord] = StampedCache(capacity, ttl_s, clock)
        self.restrictions: StampedCache[Restrictions] = StampedCache(capacity, ttl_s, clock)
        """The restrictions computed from the record kept under the same key: a pure function
        of the record and the policy history, which that key names (no date enters them:
        only a recorded clearance lifts a restriction)."""
        self._timelines: dict[Stamp, PolicyTimeline] = {}
        self._lock = threading.Lock()

    def timeline(self, stamp: Stamp) -> PolicyTimeline | None:
        """The policy history kept at ``stamp`` (database instance, newest version), or None."""
        with self._lock:
            return self._timelines.get(stamp)

    def keep_timeline(self, stamp: Stamp, timeline: PolicyTimeline) -> None:
        with self._lock:
            if len(self._timelines) >= TIMELINES_KEPT:
                self._timelines.clear()
            self._timelines[stamp] = timeline

    def clear(self) -> None:
        """Forget everything (as after a restart)."""
        self.records.clear()
        self.restrictions.clear()
        with self._lock:
            self._timelines.clear()
