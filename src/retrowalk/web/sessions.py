"""Web sessions: random session ids in an HttpOnly cookie, with a CSRF token each.

The cookie holds only a 256-bit random id (``secrets.token_urlsafe``); everything else
stays on the server. Sessions live in memory: right for the single-process server that
``retrowalk serve`` runs (a restart signs everyone out, which is safe). The id is rotated
at sign-in so a session fixed before login cannot be reused.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

COOKIE_NAME = "retrowalk_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


@dataclass
class WebSession:
    """What the server remembers about one browser."""

    session_id: str
    csrf_token: str
    account_id: int | None = None
    """The signed-in account, or None for a visitor who has not signed in."""
    role: str | None = None
    """The signed-in account's role (``walker``, ``clinician`` or ``admin``)."""
    display_name: str = ""
    walker_id: int | None = None
    """For a walker: their own walker record (pages never take a walker id from the URL)."""
    flash: list[str] = field(default_factory=list)
    """One-shot messages shown on the next page (e.g. "Session saved.")."""
    last_seen: float = 0.0


@dataclass
class SessionStore:
    """Sessions by id, expiring after ``idle_timeout_s`` without a request.

    Policy: 12 hours idle; at most ``max_sessions`` kept (the least recently used are
    dropped first), so anonymous visitors cannot fill memory.
    """

    idle_timeout_s: float = 12 * 3600
    max_sessions: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _sessions: OrderedDict[str, WebSession] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def new(self) -> WebSession:
        session = WebSession(
            session_id=secrets.token_urlsafe(32),
            csrf_token=secrets.token_urlsafe(32),
            last_seen=self.clock(),
        )
        with self._lock:
            self._sessions[session.session_id] = session
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        return session

    def get(self, session_id: str | None) -> WebSession | None:
        """The live session with this id, or None (unknown or expired)."""
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.last_seen > self.idle_timeout_s:
                del self._sessions[session_id]
                return None
            session.last_seen = now
            self._sessions.move_to_end(session_id)
            return session

    def sign_in(
        self,
        old: WebSession | None,
        *,
        account_id: int,
        role: str,
        display_name: str,
        walker_id: int | None = None,
    ) -> WebSession:
        """A fresh session for this account; the old id (if any) stops working."""
        if old is not None:
            self.drop(old.session_id)
        session = self.new()
        session.account_id = account_id
        session.role = role
        session.display_name = display_name
        session.walker_id = walker_id
        return session

    def drop(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def drop_account(self, account_id: int) -> None:
        """Sign an account out everywhere (e.g. after its password changed)."""
        with self._lock:
            for key in [k for k, s in self._sessions.items() if s.account_id == account_id]:
                del self._sessions[key]


def tokens_match(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token."""
    return given is not None and secrets.compare_digest(expected.encode(), given.encode())
