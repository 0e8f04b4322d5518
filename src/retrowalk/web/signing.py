"""HMAC signatures for what the server hands a visitor and must recognise later.

A visitor (not signed in) gets no row in the database: their CSRF token and one-shot
messages ride in a signed cookie, and a browser that signed in before carries a signed
"trusted device" cookie. The key lives in the database (:func:`services.sign_ins.signing_key`),
so every worker, every server and the next restart accept what any of them signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from typing import Any

from retrowalk.services import sign_ins
from retrowalk.services.context import AppContext

KEY_PURPOSE = "web-cookies"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs and checks small JSON payloads with the database's key (loaded once)."""

    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Fetch (or make) the key; call from a worker thread before the first request."""
        if self._key is None:
            with self._lock:
                if self._key is None:
                    self._key = sign_ins.signing_key(self._ctx, KEY_PURPOSE)

    @property
    def loaded(self) -> bool:
        return self._key is not None

    def _mac(self, purpose: str, body: bytes) -> bytes:
        self.load()
        assert self._key is not None
        return hmac.new(self._key, purpose.encode() + b"\x00" + body, hashlib.sha256).digest()

    def mac_text(self, purpose: str, text: str) -> str:
        """A token derived from ``text`` (e.g. a visitor's CSRF token from their nonce)."""
        return _b64(self._mac(purpose, text.encode("utf-8", "surrogatepass")))

    def dumps(self, purpose: str, payload: dict[str, Any]) -> str:
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()
        return f"{_b64(body)}.{_b64(self._mac(purpose, body))}"

    def loads(self, purpose: str, value: str) -> dict[str, Any] | None:
        """The payload of a value this server signed for ``purpose``; None if not."""
        body_text, dot, mac_text = value.partition(".")
        if not dot or len(value) > 4096:
            return None
        try:
            body, given = _unb64(body_text), _unb64(mac_text)
        except ValueError:
            return None
        if not hmac.compare_digest(given, self._mac(purpose, body)):
            return None
        try:
            payload = json.loads(body)
        except ValueError:
            return None
        return payload if isinstance(payload, dict) else None
