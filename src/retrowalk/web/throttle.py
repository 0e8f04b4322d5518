"""The sign-in guard: which throttle key an attempt counts against, and trusted devices.

An attempt counts against one account from one client address — or, when the browser
carries a *trusted-device* cookie for that account (set by an earlier successful sign-in),
against that device alone. So an attacker's wrong passwords never delay the account's owner
on their own phone, nor anyone else behind the same clinic address (see
:mod:`retrowalk.services.sign_in_throttle` for the growing delay). The client address is
``request.client.host``: uvicorn rewrites it from ``X-Forwarded-For`` only when the request
came from an address named by ``retrowalk serve --forwarded-allow-ips``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from fastapi import Request

from retrowalk.services import sign_in_throttle
from retrowalk.services.context import AppContext
from retrowalk.services.sign_in_throttle import ThrottlePolicy
from retrowalk.web.middleware import DEVICE_COOKIE_NAME, DEVICE_COOKIE_STATE_KEY, cookie_value
from retrowalk.web.signing import Signer

DEVICE_PURPOSE = "trusted-device"


class RateLimitedError(Exception):
    """Too many wrong passwords for this account from here: wait, then try again (429)."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(
            "Too many wrong passwords. For your safety, please wait "
            f"{wait_words(retry_after_s)} and then try again."
        )


def wait_words(seconds: int) -> str:
    """``40`` → "40 seconds", ``130`` → "about 2 minutes"."""
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = round(seconds / 60)
    return f"about {minutes} minutes"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _email_tag(email: str) -> str:
    return hashlib.sha256(email.strip().casefold().encode("utf-8", "surrogatepass")).hexdigest()[
        :32
    ]


@dataclass
class SignInGuard:
    """Checks, counts and clears sign-in attempts (state in the database)."""

    ctx: AppContext
    """The app's context: its clock says when an attempt happened."""
    signer: Signer
    policy: ThrottlePolicy

    def trusted_device(self, request: Request, email: str) -> str | None:
        """The nonce of this browser's trusted-device cookie for ``email``, if it has one."""
        value = cookie_value(request.scope, DEVICE_COOKIE_NAME)
        payload = self.signer.loads(DEVICE_PURPOSE, value) if value else None
        if payload is None or payload.get("e") != _email_tag(email):
            return None
        nonce = payload.get("n")
        return nonce if isinstance(nonce, str) and nonce else None

    def key(self, request: Request, email: str) -> str:
        device = self.trusted_device(request, email)
        if device is not None:
            return sign_in_throttle.device_key(email, device)
        return sign_in_throttle.address_key(email, client_address(request))

    def check(self, request: Request, email: str) -> None:
        """Raise :class:`RateLimitedError` while this attempt's key must still wait."""
        wait = sign_in_throttle.wait_s(self.ctx, self.key(request, email))
        if wait:
            raise RateLimitedError(wait)

    def failed(self, request: Request, email: str) -> int:
        """Count a wrong password; the seconds before the next try (0: at once)."""
        return sign_in_throttle.record_failure(self.ctx, self.key(request, email), self.policy)

    def succeeded(self, request: Request, email: str) -> None:
        """A right password: its key starts again, and this browser becomes trusted."""
        sign_in_throttle.forget(self.ctx, self.key(request, email))
        if self.trusted_device(request, email) is None:
            cookie = self.signer.dumps(
                DEVICE_PURPOSE, {"e": _email_tag(email), "n": secrets.token_urlsafe(16)}
            )
            request.scope.setdefault("state", {})[DEVICE_COOKIE_STATE_KEY] = cookie
