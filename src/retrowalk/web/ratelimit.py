"""Login rate limiting, per account and per client address.

A sliding window of recent failed attempts: after ``max_failures`` failures within
``window_s`` seconds, further attempts for that key are refused until the oldest failure
leaves the window. Kept in memory, which is right for the single-process server that
``retrowalk serve`` runs; a multi-process deployment would need a shared store.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SlidingWindowLimiter:
    """Counts failures per key and says how long a key must wait."""

    max_failures: int
    window_s: float
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _prune(self, key: str, now: float) -> deque[float]:
        window = self._failures.setdefault(key, deque())
        while window and now - window[0] >= self.window_s:
            window.popleft()
        return window

    def retry_after_s(self, key: str) -> int:
        """Whole seconds until ``key`` may try again; 0 when it may try now."""
        with self._lock:
            now = self.clock()
            window = self._prune(key, now)
            if len(window) < self.max_failures:
                if not window:
                    self._failures.pop(key, None)
                return 0
            return max(1, math.ceil(self.window_s - (now - window[0])))

    def record_failure(self, key: str) -> None:
        with self._lock:
            self._prune(key, self.clock()).append(self.clock())

    def reset(self, key: str) -> None:
        """Forget ``key``'s failures (after a successful login)."""
        with self._lock:
            self._failures.pop(key, None)


@dataclass
class LoginRateLimiter:
    """Two windows: one per account name, one per client address.

    Policy: 5 failures per account and 20 per address within 15 minutes. The per-account
    window slows guessing one person's password from many addresses; the per-address
    window slows one client guessing many accounts.
    """

    per_account: SlidingWindowLimiter
    per_address: SlidingWindowLimiter

    @classmethod
    def default(cls, clock: Callable[[], float] = time.monotonic) -> LoginRateLimiter:
        return cls(
            per_account=SlidingWindowLimiter(max_failures=5, window_s=900, clock=clock),
            per_address=SlidingWindowLimiter(max_failures=20, window_s=900, clock=clock),
        )

    def retry_after_s(self, account: str, address: str) -> int:
        return max(
            self.per_account.retry_after_s(account.strip().casefold()),
            self.per_address.retry_after_s(address),
        )

    def record_failure(self, account: str, address: str) -> None:
        self.per_account.record_failure(account.strip().casefold())
        self.per_address.record_failure(address)

    def record_success(self, account: str) -> None:
        self.per_account.reset(account.strip().casefold())
