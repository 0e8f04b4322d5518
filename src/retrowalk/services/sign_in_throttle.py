"""The sign-in throttle: a growing delay after wrong passwords, per account + address.

Why not a lock-out: locking an account after N wrong passwords from anywhere lets anyone
lock anyone out, and counting per address locks out a whole clinic behind one address. Here
each key — one account from one address, or one account from one browser that signed in to
it before (a trusted device) — has its own count; after ``free_failures`` wrong passwords
each further one makes that key wait longer (5 s, 10 s, 20 s … up to 15 minutes). Nobody
else's wrong passwords can ever delay a person on their own trusted device, and a right
password after the wait resets the count. Kept in the database, so every worker and server
shares it and a restart does not wipe it.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from retrowalk.services.context import AppContext
from retrowalk.store import repositories as repo
from retrowalk.store import sign_in_state as state
from retrowalk.store.models import SignInFailures


@dataclass(frozen=True)
class ThrottlePolicy:
    """Policy: how many wrong passwords are free, and how the wait grows after them."""

    free_failures: int = 3
    first_wait_s: float = 5.0
    max_wait_s: float = 15 * 60.0
    forget_after: timedelta = timedelta(hours=24)
    """A key with no wrong password for this long starts again from nothing."""

    def wait_after(self, failures: int) -> float:
        """Seconds to wait after ``failures`` wrong passwords in a row (0 while free)."""
        extra = failures - self.free_failures
        if extra <= 0:
            return 0.0
        return float(min(self.max_wait_s, self.first_wait_s * 2 ** min(extra - 1, 30)))


def address_key(email: str, address: str) -> str:
    """The key of one account (as typed, case-folded) from one client address."""
    return _hash("account+address", email.strip().casefold(), address)


def device_key(email: str, device: str) -> str:
    """The key of one account from one trusted device (a browser that signed in before)."""
    return _hash("account+device", email.strip().casefold(), device)


def _hash(*parts: str) -> str:
    joined = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(joined).hexdigest()


def wait_s(ctx: AppContext, key: str) -> int:
    """Whole seconds ``key`` must still wait before its next attempt is checked; 0: now."""
    at = ctx.now()
    with ctx.db.reader() as tx:
        row = state.failures_by_key(tx, key)
        if row is None or row.wait_until <= at:
            return 0
        return max(1, math.ceil((row.wait_until - at).total_seconds()))


def record_failure(ctx: AppContext, key: str, policy: ThrottlePolicy) -> int:
    """Count a wrong password for ``key``; returns the seconds it must now wait (0: none).

    Two workers counting the first failure of one key at once: one inserts, the other's
    insert conflicts and is retried as an update.
    """
    at = ctx.now()
    for attempt in range(2):
        try:
            with ctx.db.transaction() as tx:
                state.prune_failures(tx, at - policy.forget_after)
                row = state.failures_by_key(tx, key)
                if row is None:
                    row = repo.add(
                        tx,
                        SignInFailures(key_hash=key, failures=0, last_failure_at=at, wait_until=at),
                    )
                row.failures += 1
                row.last_failure_at = at
                wait = policy.wait_after(row.failures)
                row.wait_until = at + timedelta(seconds=wait)
                return math.ceil(wait)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def forget(ctx: AppContext, *keys: str) -> None:
    """A right password: these keys start again from nothing."""
    with ctx.db.transaction() as tx:
        for key in keys:
            state.delete_failures(tx, key)
