"""A record sent twice under one ``client_key`` is stored once, also when the two copies race.

Every use case that takes a one-time key checks it inside its own transaction; two copies
that both pass that check (two server threads, two workers) meet the key's unique constraint
at commit, and the loser gets ``IntegrityError``. :func:`stored_once` turns that into the
winner's record, read afresh — one place for what six use cases did alike. ``first`` answers
as the check inside the transaction would: when the winner was sent with other values than
the loser (its ``client_key_digest``, :mod:`~retrowalk.services.key_digest`), it raises
:class:`~retrowalk.services.errors.KeyReused` rather than answer "already saved".

A use case that refuses what the record's state no longer allows (a clearance of a
restriction already lifted, a plan change to the values the plan already has) names those
refusals in ``refused``: on PostgreSQL each statement sees what committed before it began, so
the losing copy can miss the key yet read the winner's change, and refuse it. When the key's
record is there, that refusal was the winner's doing, and the winner's record is the answer.
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
    *,
    refused: tuple[type[Exception], ...] = (),
) -> Out:
    """``store()``; when another copy under ``client_key`` committed first, ``first(tx)``
    (the stored record, as a replay answers it). Without a key, or when no record holds the
    key (the constraint that failed was another one, the refusal was the request's own), the
    error is raised as it came."""
    caught: tuple[type[Exception], ...] = (IntegrityError, *refused)
    try:
        return store()
    except caught:
        if client_key is None:
            raise
        with db.reader() as tx:
            found = first(tx)
        if found is None:
            raise
        return found
