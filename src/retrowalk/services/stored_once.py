"""A record sent twice under one ``client_key`` is stored once, also when the two copies race.

Every use case that takes a one-time key checks it inside its own transaction; two copies
that both pass that check (two server threads, two workers) meet the key's unique constraint
at commit, and the loser gets ``IntegrityError``. :func:`stored_once` turns that into the
winner's record, read afresh — one place for what six use cases did alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from retrowalk.store.engine import Database

Out = TypeVar("Out")


def stored_once(
    db: Database,
    client_key: str | None,
    store: Callable[[], Out],
    first: Callable[[Session], Out | None],
) -> Out:
    """``store()``; when another copy under ``client_key`` committed first, ``first(tx)``
    (the stored record, as a replay answers it). Without a key, or when no record holds the
    key (the constraint that failed was another one), the error is raised as it came."""
    try:
        return store()
    except IntegrityError:
        if client_key is None:
            raise
        with db.reader() as tx:
            found = first(tx)
        if found is None:
            raise
        return found
