"""ASGI middleware: the session cookie and the security headers on every response.

Pure ASGI (no BaseHTTPMiddleware) so streaming and exceptions pass through untouched. The
session itself is looked up here and put on ``scope["state"]``; routes that change it (sign
in, sign out, first visit to a form) mark it, and the cookie is written as the response starts.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from retrowalk.web.sessions import COOKIE_NAME, SessionStore

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

SESSION_STATE_KEY = "web_session"
SET_COOKIE_STATE_KEY = "web_session_set_cookie"
CLEAR_COOKIE_STATE_KEY = "web_session_clear_cookie"


def _cookie_value(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header is the client's problem, not a 500
                return None
            morsel = jar.get(COOKIE_NAME)
            if morsel is not None:
                return morsel.value
    return None


def _is_https(scope: Scope) -> bool:
    return scope.get("scheme") == "https"


class SessionMiddleware:
    """Loads the web session for each request and writes/clears its cookie on the way out."""

    def __init__(self, app: ASGIApp, store: SessionStore, secure: bool | None = None) -> None:
        self.app = app
        self.store = store
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state[SESSION_STATE_KEY] = self.store.get(_cookie_value(scope))
        secure = self.secure if self.secure is not None else _is_https(scope)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                new_id = state.get(SET_COOKIE_STATE_KEY)
                if new_id:
                    headers.append("Set-Cookie", _cookie(new_id, secure, max_age=None))
                elif state.get(CLEAR_COOKIE_STATE_KEY):
                    headers.append("Set-Cookie", _cookie("", secure, max_age=0))
                for key, value in SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
            await send(message)

        await self.app(scope, receive, send_with_cookie)


SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _cookie(value: str, secure: bool, max_age: int | None) -> str:
    """A session cookie: HttpOnly, SameSite=Lax, Path=/, Secure under https."""
    parts = [f"{COOKIE_NAME}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
