"""What a one-time key was sent with: one digest, and the check a replay makes with it.

A record stored under a ``client_key`` keeps ``client_key_digest``, the SHA-256 (hex) of the
values sent with it: the parsed input as canonical JSON (``model_dump(mode="json")`` without
the key, names sorted), so a copy with the same values has the same digest however its JSON
was written (key order, ``1`` or ``1.0``, a default left out or given). A copy under the
same key with other values is no resend but a new request that reused the key (a form sent
back after an edit: the browser keeps its hidden key); answered "already saved", its values
would be lost without a word, so it is refused (:class:`~.errors.KeyReused`), as Stripe's
idempotency keys refuse a replay whose parameters differ. A record without a digest (stored
before revision 0015) is answered as before: what it was sent with is not known.

What a replay may deliberately change is left out of the digest by its use case (a session
sent again may add what went wrong: ``sessions.REPLAY_MAY_CHANGE``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from retrowalk.services.errors import KeyReused

KEY_FIELD = "client_key"
"""The key itself is never part of what it was sent with."""


def key_digest(sent: BaseModel | Mapping[str, object], *, leave_out: Iterable[str] = ()) -> str:
    """The SHA-256 (hex, 64 signs) of ``sent`` (a parsed input model, or the named values a
    use case without one takes) as canonical JSON, without ``client_key`` and ``leave_out``."""
    left_out = {KEY_FIELD, *leave_out}
    if isinstance(sent, BaseModel):
        values = sent.model_dump(mode="json", exclude=left_out)
    else:
        plain = to_jsonable_python(dict(sent), fallback=str)
        values = {k: v for k, v in plain.items() if k not in left_out}
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def same_values(stored: str | None, sent: str | None, what: str) -> None:
    """Refuse (:class:`KeyReused`) a replay whose values differ from those the record under
    its key was stored with; ``stored`` None (an older record) or ``sent`` None (nothing to
    compare) is never refused."""
    if stored is not None and sent is not None and stored != sent:
        raise KeyReused(what)
