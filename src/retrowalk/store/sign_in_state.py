"""Queries and writes for sign-in state: sign-ins, wrong-password counts, signing keys.

Called by :mod:`retrowalk.services.sign_ins` and :mod:`retrowalk.services.sign_in_throttle`
inside their unit of work. Every lookup is by a unique, indexed key (a hash), so it costs the
same with ten sign-ins or a million.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, bindparam, delete, select
from sqlalchemy.orm import Session

from retrowalk.store.models import Account, SignIn, SignInFailures, SigningKey

PRUNE_BATCH = 500
"""At most this many stale rows are deleted per call, so a sign-in never waits on a purge."""


class LiveSignIn(NamedTuple):
    """What every request reads of its sign-in: its row and its account's role and name."""

    id: int
    account_id: int
    walker_id: int | None
    csrf_token: str
    last_seen_at: datetime
    flash_json: list[Any] | None
    role: str
    display_name: str


def live_sign_in(connection: Connection, token_hash: str) -> LiveSignIn | None:
    """The sign-in with this cookie hash, as columns (no ORM objects: every request reads
    it, and on SQLite loading objects cost more than the query), or None."""
    row = connection.execute(_live_sign_in(), {"token_hash": token_hash}).first()
    return LiveSignIn(*row) if row is not None else None


@cache
def _live_sign_in() -> Select[Any]:
    """Built once (building a statement costs as much as running it)."""
    return (
        select(
            SignIn.id,
            SignIn.account_id,
            SignIn.walker_id,
            SignIn.csrf_token,
            SignIn.last_seen_at,
            SignIn.flash_json,
            Account.role,
            Account.display_name,
        )
        .join(Account, SignIn.account_id == Account.id)
        .where(SignIn.token_hash == bindparam("token_hash"))
    )


def sign_in_by_hash(session: Session, token_hash: str) -> tuple[SignIn, Account] | None:
    """The sign-in with this cookie hash and its account, or None."""
    row = session.execute(_sign_in_by_hash(), {"token_hash": token_hash}).first()
    return (row[0], row[1]) if row is not None else None


@cache
def _sign_in_by_hash() -> Select[SignIn, Account]:
    """Built once: every request runs it (building a statement costs as much as running it)."""
    return (
        select(SignIn, Account)
        .join(Account, SignIn.account_id == Account.id)
        .where(SignIn.token_hash == bindparam("token_hash"))
    )


def sign_in_for_update(session: Session, sign_in_id: int) -> SignIn | None:
    """The sign-in row, locked until the transaction ends (PostgreSQL; SQLite's write
    transaction holds the whole database already), or None."""
    return session.scalar(select(SignIn).where(SignIn.id == sign_in_id).with_for_update())


def delete_sign_in(session: Session, token_hash: str) -> None:
    session.execute(delete(SignIn).where(SignIn.token_hash == token_hash))


def delete_sign_ins_of(session: Session, account_id: int, keep_hash: str | None = None) -> int:
    """End every sign-in of ``account_id`` (except ``keep_hash``); how many ended."""
    query = delete(SignIn).where(SignIn.account_id == account_id)
    if keep_hash is not None:
        query = query.where(SignIn.token_hash != keep_hash)
    return int(session.execute(query).rowcount or 0)  # type: ignore[attr-defined]


def prune_sign_ins(session: Session, idle_since: datetime) -> None:
    """Delete up to PRUNE_BATCH sign-ins last seen before ``idle_since``."""
    stale = select(SignIn.id).where(SignIn.last_seen_at < idle_since).limit(PRUNE_BATCH)
    ids = list(session.scalars(stale))
    if ids:
        session.execute(delete(SignIn).where(SignIn.id.in_(ids)))


def failures_by_key(session: Session, key_hash: str) -> SignInFailures | None:
    return session.get(SignInFailures, key_hash)


def delete_failures(session: Session, key_hash: str) -> None:
    session.execute(delete(SignInFailures).where(SignInFailures.key_hash == key_hash))


def prune_failures(session: Session, before: datetime) -> None:
    """Forget up to PRUNE_BATCH failure counts whose last failure was before ``before``."""
    stale = (
        select(SignInFailures.key_hash)
        .where(SignInFailures.last_failure_at < before)
        .limit(PRUNE_BATCH)
    )
    keys = list(session.scalars(stale))
    if keys:
        session.execute(delete(SignInFailures).where(SignInFailures.key_hash.in_(keys)))


def signing_key(session: Session, purpose: str) -> SigningKey | None:
    return session.scalar(select(SigningKey).where(SigningKey.purpose == purpose))
