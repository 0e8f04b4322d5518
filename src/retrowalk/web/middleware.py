"""ASGI middleware: the session cookie and the security headers on every response.

Pure ASGI (no BaseHTTPMiddleware) so streaming and exceptions pass through untouched. For a
page the session is looked up here (in a worker thread: it may read the database) and put on
``scope["state"]``. Under ``/api/`` it is left unread (:data:`UNREAD`, the cookie kept on
the state): the API reads it in the thread its route runs in (:mod:`retrowalk.web.auth`),
so a phone's request takes one trip to the thread pool, not two. Routes that change the
session (sign in, sign out, a visitor's first form, a message for the next page) mark it,
and the cookie is written — and a stored sign-in's messages saved — as the response starts.
A redirect that leaves messages for its page gets their flash id in its address
(:mod:`.flashes`).
"""

from __future__ import annotations

from enum import Enum
from http.cookies import SimpleCookie
from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from retrowalk.web.flashes import REDIRECTS, new_flash_id, with_flash_id
from retrowalk.web.sign_in_store import COOKIE_NAME, SignInState, SignInStore

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

SESSION_STATE_KEY = "web_session"
SESSION_COOKIE_STATE_KEY = "web_session_cookie"
"""The session cookie's value, kept on the state while the session is :data:`UNREAD`."""
SET_COOKIE_STATE_KEY = "web_session_set_cookie"
CLEAR_COOKIE_STATE_KEY = "web_session_clear_cookie"
DEVICE_COOKIE_STATE_KEY = "web_device_cookie"
"""A signed trusted-device value to set (after a successful sign-in), see ``throttle``."""
DEVICE_COOKIE_NAME = "retrowalk_device"
DEVICE_COOKIE_MAX_AGE_S = 400 * 24 * 3600
"""Browsers keep a cookie at most 400 days."""
NO_SESSION_PREFIXES = ("/static/", "/api/docs/assets/")
"""Paths that serve files: their requests skip the session lookup."""
READ_LATER_PREFIXES = ("/api/",)
"""Paths whose session is read by the route's own code, in its worker thread
(:func:`retrowalk.web.auth.current_session`), not here: one trip to the pool, not two."""

HSTS = "max-age=31536000"
"""Under https: browsers use https for this site for a year (no includeSubDomains: the
clinic's other sites are not ours to decide)."""


class Unread(Enum):
    """The type of :data:`UNREAD` (one member, so a type checker can tell it apart)."""

    UNREAD = "unread"


UNREAD: Final = Unread.UNREAD
"""``state[SESSION_STATE_KEY]`` of a request whose session is not read yet: the response
treats it as untouched (nothing saved, no cookie set), as a session read and not changed."""


def cookie_value(scope: Scope, name: str) -> str | None:
    """The value of cookie ``name`` in the request, or None (a malformed header is ignored)."""
    for header, value in scope.get("headers", []):
        if header == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header is the client's problem, not a 500
                return None
            morsel = jar.get(name)
            if morsel is not None:
                return morsel.value
    return None


def _is_https(scope: Scope) -> bool:
    return scope.get("scheme") == "https"


class SessionMiddleware:
    """Loads the web session for each request and writes/clears its cookie on the way out."""

    def __init__(self, app: ASGIApp, store: SignInStore, secure: bool | None = None) -> None:
        self.app = app
        self.store = store
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        path = str(scope.get("path", ""))
        if path.startswith(NO_SESSION_PREFIXES):  # files need no sign-in: no database read
            state[SESSION_STATE_KEY] = None
        elif path.startswith(READ_LATER_PREFIXES):  # read in the route's own thread
            state[SESSION_COOKIE_STATE_KEY] = cookie_value(scope, COOKIE_NAME)
            state[SESSION_STATE_KEY] = UNREAD
        else:
            if not self.store.signer.loaded:
                await run_in_threadpool(self.store.signer.load)
            state[SESSION_STATE_KEY] = await run_in_threadpool(
                self.store.get, cookie_value(scope, COOKIE_NAME)
            )
        https = _is_https(scope)
        secure = self.secure if self.secure is not None else https

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                read: SignInState | Unread | None = state.get(SESSION_STATE_KEY)
                session = None if read is UNREAD else read
                if session is not None and session.flash:
                    _leave_flash(session, message["status"], headers)
                if session is not None and session.stored and session.flash_changed:
                    await run_in_threadpool(self.store.save, session)
                if session is not None and (
                    state.get(SET_COOKIE_STATE_KEY)
                    or (not session.stored and session.flash_changed)
                ):
                    value = self.store.cookie_value(session)
                    headers.append("Set-Cookie", _cookie(COOKIE_NAME, value, secure, None))
                elif state.get(CLEAR_COOKIE_STATE_KEY):
                    headers.append("Set-Cookie", _cookie(COOKIE_NAME, "", secure, 0))
                device = state.get(DEVICE_COOKIE_STATE_KEY)
                if device:
                    headers.append(
                        "Set-Cookie",
                        _cookie(DEVICE_COOKIE_NAME, device, secure, DEVICE_COOKIE_MAX_AGE_S),
                    )
                for key, value in SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
                if https:
                    headers["Strict-Transport-Security"] = HSTS
                if path.startswith("/api/"):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _leave_flash(session: SignInState, status: int, headers: MutableHeaders) -> None:
    """Messages no page showed yet go with a redirect (under a new flash id in its address);
    a response that leads to no page has no page to show them on, and they are dropped."""
    location = headers.get("location")
    if status in REDIRECTS and location:
        flash_id = new_flash_id()
        headers["location"] = with_flash_id(location, flash_id)
        session.leave_flash(flash_id)
    else:
        session.flash.clear()


SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _cookie(name: str, value: str, secure: bool, max_age: int | None) -> str:
    """A cookie: HttpOnly, SameSite=Lax, Path=/, Secure under https."""
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
