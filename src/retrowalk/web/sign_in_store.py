"""Web sessions: who this browser is, its CSRF token and its one-shot messages.

Two kinds, one cookie (``retrowalk_session``, HttpOnly, SameSite=Lax):

- **signed in**: the cookie holds a 256-bit random token; the database holds its SHA-256,
  the account, the CSRF token and the messages (:mod:`retrowalk.services.sign_ins`). Every
  worker and server on the database shares them, and a restart signs nobody out. The token
  changes at sign-in, so a session fixed before sign-in cannot be reused.
- **visitor** (not signed in): nothing is stored. The cookie holds a signed random nonce
  (and any one-shot messages); the CSRF token is an HMAC of that nonce with the server's key,
  so it survives restarts and works on every worker, and a flood of visitors costs no rows.

One-shot messages wait under the flash id their redirect carries (:mod:`.flashes`): a page
shows only its own id's messages, so two tabs never show each other's.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from retrowalk.services import sign_ins
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import SignInOut
from retrowalk.services.sign_ins import FlashEntry
from retrowalk.web.signing import Signer

COOKIE_NAME = "retrowalk_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
VISITOR_PREFIX = "v1."
"""A visitor's cookie starts with this; a signed-in one is a bare random token."""
VISITOR_PURPOSE = "visitor"
VISITOR_CSRF_PURPOSE = "visitor-csrf"


@dataclass
class SignInState:
    """What the server knows about one browser for the length of a request."""

    session_id: str
    """Signed in: the cookie's token. Visitor: the signed nonce."""
    csrf_token: str
    account_id: int | None = None
    """The signed-in account, or None for a visitor who has not signed in."""
    role: str | None = None
    """The signed-in account's role (``walker``, ``clinician`` or ``admin``)."""
    display_name: str = ""
    walker_id: int | None = None
    """For a walker: their own walker record (pages never take a walker id from the URL)."""
    flash: list[str] = field(default_factory=list)
    """One-shot messages this request made (e.g. "Session saved."): shown on the page it
    renders, or kept under a new flash id for the page its redirect leads to."""
    sign_in_id: int | None = None
    """The stored sign-in's row; None for a visitor."""
    waiting: list[FlashEntry] = field(default_factory=list)
    """Messages waiting for their pages, as (flash id, message)."""
    flash_added: list[FlashEntry] = field(default_factory=list)
    """The messages this request left for the page of its redirect."""
    flash_taken: str | None = None
    """The flash id whose messages this request's page showed (to forget them)."""

    @property
    def stored(self) -> bool:
        return self.sign_in_id is not None

    @property
    def flash_changed(self) -> bool:
        return bool(self.flash_added) or self.flash_taken is not None

    def take_flash(self, flash_id: str | None) -> list[str]:
        """The messages for a page opened with ``flash_id`` (and this request's own); each is
        shown once."""
        shown = [m for i, m in self.waiting if flash_id is not None and i == flash_id]
        if shown:
            self.flash_taken = flash_id
            self.waiting = [e for e in self.waiting if e[0] != flash_id]
        shown.extend(self.flash)
        self.flash.clear()
        return shown[-sign_ins.FLASH_MAX :]

    def leave_flash(self, flash_id: str) -> None:
        """Keep this request's messages for the page opened with ``flash_id``."""
        added = [
            (flash_id, m[: sign_ins.FLASH_CHARS_MAX]) for m in self.flash[-sign_ins.FLASH_MAX :]
        ]
        self.flash.clear()
        self.flash_added.extend(added)
        self.waiting = sign_ins.flash_entries([*self.waiting, *added])


class SignInStore:
    """Loads, starts and ends web sessions; signed-in ones live in the database."""

    def __init__(
        self, ctx: AppContext, signer: Signer, idle_timeout: timedelta = sign_ins.IDLE_TIMEOUT
    ) -> None:
        self.ctx = ctx
        self.signer = signer
        self.idle_timeout = idle_timeout

    # --- visitors ---------------------------------------------------------------------------

    def new(self) -> SignInState:
        """A visitor session (stored nowhere: the cookie carries it)."""
        return self._visitor(secrets.token_urlsafe(24), [])

    def _visitor(self, nonce: str, waiting: list[FlashEntry]) -> SignInState:
        return SignInState(
            session_id=nonce,
            csrf_token=self.signer.mac_text(VISITOR_CSRF_PURPOSE, nonce),
            waiting=list(waiting),
        )

    # --- loading ----------------------------------------------------------------------------

    def get(self, cookie: str | None) -> SignInState | None:
        """The session a cookie names, or None (unknown, ended, idle too long, forged)."""
        if not cookie:
            return None
        if cookie.startswith(VISITOR_PREFIX):
            payload = self.signer.loads(VISITOR_PURPOSE, cookie[len(VISITOR_PREFIX) :])
            nonce = payload.get("n") if payload else None
            flash = payload.get("f") if payload else None
            if not isinstance(nonce, str) or not nonce:
                return None
            return self._visitor(nonce, sign_ins.flash_entries(flash))
        found = sign_ins.find(self.ctx, cookie, idle_timeout=self.idle_timeout)
        return self._signed_in(cookie, found) if found is not None else None

    @staticmethod
    def _signed_in(token: str, found: SignInOut) -> SignInState:
        return SignInState(
            session_id=token,
            csrf_token=found.csrf_token,
            account_id=found.account_id,
            role=found.role.value,
            display_name=found.display_name,
            walker_id=found.walker_id,
            sign_in_id=found.id,
            waiting=list(found.flash),
        )

    def cookie_value(self, session: SignInState) -> str:
        """What the cookie must hold for ``session``."""
        if session.stored:
            return session.session_id
        waiting = [list(e) for e in sign_ins.flash_entries(session.waiting)]
        payload = {"n": session.session_id, "f": waiting}
        return VISITOR_PREFIX + self.signer.dumps(VISITOR_PURPOSE, payload)

    # --- changes ----------------------------------------------------------------------------

    def sign_in(
        self,
        old: SignInState | None,
        *,
        account_id: int,
        role: str,
        display_name: str,
        walker_id: int | None = None,
    ) -> SignInState:
        """A new stored sign-in (new token, new CSRF token); the old session ends.

        ``role`` and ``display_name`` come from the account itself, read back from the
        database, so a caller cannot give a sign-in a role its account does not have.
        """
        if old is not None and old.stored:
            sign_ins.end(self.ctx, old.session_id)
        started = sign_ins.start(self.ctx, account_id, walker_id=walker_id)
        session = self._signed_in(started.token, started.sign_in)
        if old is not None:  # this request's messages go on to the page it leads to
            session.flash = list(old.flash)
        return session

    def drop(self, session: SignInState) -> None:
        """Sign out: the stored sign-in ends (a visitor has nothing stored)."""
        if session.stored:
            sign_ins.end(self.ctx, session.session_id)

    def drop_account(self, account_id: int, keep: SignInState | None = None) -> int:
        """End every sign-in of an account (except ``keep``), e.g. after a password change."""
        keep_token = keep.session_id if keep is not None and keep.stored else None
        return sign_ins.end_all(self.ctx, account_id, keep_token=keep_token)

    def save(self, session: SignInState) -> None:
        """Write the messages a stored sign-in's request left or showed to the database."""
        if session.stored and session.flash_changed:
            assert session.sign_in_id is not None
            sign_ins.change_flash(
                self.ctx, session.sign_in_id, add=session.flash_added, take=session.flash_taken
            )
            session.flash_added = []
            session.flash_taken = None


def tokens_match(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token."""
    if given is None:
        return False
    return secrets.compare_digest(
        expected.encode("utf-8", "surrogatepass"), given.encode("utf-8", "surrogatepass")
    )
