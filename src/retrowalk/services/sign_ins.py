"""Sign-ins kept in the database: start, find, end; and the server's signing keys.

The web layer keeps only a random token in the browser's cookie; the database keeps its
SHA-256, the account, the CSRF token and one-shot messages, each under the flash id that the
redirect to its page carries (two tabs of one sign-in never see each other's messages).
Every worker and every server on the same database therefore knows every sign-in, and a
restart signs nobody out. These are
not use cases of a person (no actor): the web layer calls them to decide who the actor is.
They change no record, so they write no audit entry (password changes, which end sign-ins,
are audited by their own use cases).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from retrowalk.services.context import AppContext
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.schemas import NewSignIn, Role, SignInOut
from retrowalk.store import repositories as repo
from retrowalk.store import sign_in_state as state
from retrowalk.store.models import Account, SignIn, SigningKey

IDLE_TIMEOUT = timedelta(hours=12)
"""Policy: a sign-in unused for 12 hours ends (the next request asks to sign in again)."""
TOUCH_EVERY = timedelta(minutes=1)
"""``last_seen_at`` is written at most this often, so reading pages costs no write."""
FLASH_MAX = 5
"""At most this many messages for one page."""
FLASH_WAITING_MAX = 20
"""At most this many messages wait for their pages per sign-in (the oldest go first)."""
FLASH_CHARS_MAX = 500
FLASH_ID_CHARS_MAX = 32

FlashEntry = tuple[str, str]
"""A message waiting for its page: (the flash id its redirect carries, the message)."""


def token_hash(token: str) -> str:
    """The stored form of a cookie token (a lone surrogate hashes like any other text)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _out(row: state.LiveSignIn) -> SignInOut:
    return SignInOut(
        id=row.id,
        account_id=row.account_id,
        role=Role(row.role),
        display_name=row.display_name,
        walker_id=row.walker_id,
        csrf_token=row.csrf_token,
        flash=tuple(flash_entries(row.flash_json)),
    )


def flash_entries(stored: object) -> list[FlashEntry]:
    """The waiting messages as stored (a bare message of an older version has no page and is
    dropped; anything malformed too)."""
    entries: list[FlashEntry] = []
    for item in stored if isinstance(stored, list) else ():
        if (
            isinstance(item, list | tuple)
            and len(item) == 2
            and isinstance(item[0], str)
            and isinstance(item[1], str)
            and 0 < len(item[0]) <= FLASH_ID_CHARS_MAX
        ):
            entries.append((item[0], item[1][:FLASH_CHARS_MAX]))
    return entries[-FLASH_WAITING_MAX:]


def _flash(entries: Sequence[FlashEntry]) -> list[list[str]]:
    return [[flash_id, message] for flash_id, message in flash_entries(list(entries))]


def start(
    ctx: AppContext,
    account_id: int,
    *,
    walker_id: int | None = None,
    flash: Sequence[FlashEntry] = (),
    idle_timeout: timedelta = IDLE_TIMEOUT,
) -> NewSignIn:
    """A new sign-in for ``account_id`` (its token is returned once); stale ones are pruned."""
    at = ctx.now()
    token = secrets.token_urlsafe(32)
    with ctx.db.transaction() as tx:
        account = repo.get(tx, Account, account_id)
        if account is None:
            raise InvalidRequest(f"account_id: there is no account {account_id}.")
        state.prune_sign_ins(tx, at - idle_timeout)
        row = repo.add(
            tx,
            SignIn(
                token_hash=token_hash(token),
                csrf_token=secrets.token_urlsafe(32),
                account_id=account_id,
                walker_id=walker_id,
                created_at=at,
                last_seen_at=at,
                flash_json=_flash(flash),
            ),
        )
        live = state.LiveSignIn(
            row.id,
            account.id,
            row.walker_id,
            row.csrf_token,
            row.last_seen_at,
            row.flash_json,
            account.role,
            account.display_name,
        )
        return NewSignIn(token=token, sign_in=_out(live))


def find(
    ctx: AppContext,
    token: str,
    *,
    idle_timeout: timedelta = IDLE_TIMEOUT,
) -> SignInOut | None:
    """The live sign-in for a cookie token, or None (unknown, ended or idle too long).

    A read; only when ``last_seen_at`` is older than :data:`TOUCH_EVERY` is it written.
    """
    if not token or len(token) > 200:
        return None
    at = ctx.now()
    hashed = token_hash(token)
    with ctx.db.row_reader() as connection:
        row = state.live_sign_in(connection, hashed)
    if row is None:
        return None
    if at - row.last_seen_at > idle_timeout:
        end(ctx, token)
        return None
    if at - row.last_seen_at >= TOUCH_EVERY:
        with ctx.db.transaction() as tx:
            live = state.sign_in_by_hash(tx, hashed)
            if live is None:
                return None
            live[0].last_seen_at = at
    return _out(row)


def change_flash(
    ctx: AppContext,
    sign_in_id: int,
    *,
    add: Sequence[FlashEntry] = (),
    take: str | None = None,
) -> None:
    """Add messages for a page (``add``) and forget those a page showed (flash id ``take``).

    Read and written under the row's lock, so two tabs of one sign-in sending forms at the
    same time each keep their own message (none overwrites the other's); a sign-in ended
    meanwhile has nothing to change."""
    with ctx.db.transaction() as tx:
        row = state.sign_in_for_update(tx, sign_in_id)
        if row is not None:
            kept = [e for e in flash_entries(row.flash_json) if take is None or e[0] != take]
            row.flash_json = _flash([*kept, *add])


def end(ctx: AppContext, token: str) -> None:
    """End the sign-in of this cookie token (sign out)."""
    with ctx.db.transaction() as tx:
        state.delete_sign_in(tx, token_hash(token))


def end_all(ctx: AppContext, account_id: int, *, keep_token: str | None = None) -> int:
    """End every sign-in of an account, except ``keep_token``'s; how many ended.

    After a password change or reset, so a stolen sign-in stops working everywhere.
    """
    keep = token_hash(keep_token) if keep_token else None
    with ctx.db.transaction() as tx:
        return state.delete_sign_ins_of(tx, account_id, keep)


def signing_key(ctx: AppContext, purpose: str) -> bytes:
    """The server's secret for ``purpose``, made on first use and shared by every worker.

    Two workers starting at once may both try to make it: the unique ``purpose`` lets one
    win, and the other reads the winner's key.
    """
    with ctx.db.reader() as tx:
        row = state.signing_key(tx, purpose)
        if row is not None:
            return bytes.fromhex(row.secret)
    try:
        with ctx.db.transaction() as tx:
            secret = secrets.token_hex(32)
            repo.add(tx, SigningKey(purpose=purpose, secret=secret, created_at=ctx.now()))
            return bytes.fromhex(secret)
    except IntegrityError:
        with ctx.db.reader() as tx:
            row = state.signing_key(tx, purpose)
            assert row is not None, "a signing key that was just made by another worker"
            return bytes.fromhex(row.secret)
