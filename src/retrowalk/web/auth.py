"""Who is asking, and whether the request carries their CSRF token.

Pages and the JSON API share one session (the cookie set by
:class:`~retrowalk.web.middleware.SessionMiddleware`). Every unsafe method (POST, PUT, PATCH,
DELETE) must carry the session's CSRF token: in the ``csrf_token`` form field for pages, in
the ``X-CSRF-Token`` header for the API. Before the token, the browser's own word on where
the request comes from is checked (:func:`refuse_another_site`): a form or script of another
website is refused outright, whatever it carries. A page form whose token is missing or out
of date (and that comes from retrowalk itself) is not refused bare: the error handler shows
it again with what was typed and a fresh token (:mod:`retrowalk.web.pages.resend`). Access
to records is decided by the services; the checks here only say whether someone is signed in
and in which role.

Under ``/api/`` the middleware leaves the session unread: :func:`current_session` reads it
where it is first needed — in the route's worker thread, with the use case, for the phone's
routes (:mod:`retrowalk.web.api.phone_v1`) — and the ``async`` dependencies await
:func:`read_session`, which reads it in the thread pool. Reading it on the event loop would
stall every other request for a database round trip: that is warned about
(:class:`SignInReadOnLoopWarning`, an error in the tests).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request, status
from starlette.concurrency import run_in_threadpool

from retrowalk.services import accounts, walkers
from retrowalk.services.errors import NotFound
from retrowalk.services.schemas import Actor, LoginAccount, Role
from retrowalk.web.limits import BodyTooLargeError
from retrowalk.web.middleware import (
    CLEAR_COOKIE_STATE_KEY,
    SESSION_COOKIE_STATE_KEY,
    SESSION_STATE_KEY,
    SET_COOKIE_STATE_KEY,
    UNREAD,
    Unread,
)
from retrowalk.web.passwords import hash_password, verify_password
from retrowalk.web.sign_in_store import CSRF_FIELD, CSRF_HEADER, SignInState, tokens_match
from retrowalk.web.state import web_state
from retrowalk.web.throttle import wait_words

logger = logging.getLogger(__name__)

CSRF_FORM_STATE_KEY = "csrf_form"
"""The form :func:`check_csrf` read, kept for the "send again" page."""
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
OWN_FETCH_SITES = frozenset({"same-origin", "none"})
"""``Sec-Fetch-Site`` values of a request retrowalk's own pages (or the person, typing the
address) sent. ``same-site`` is refused too: another port or subdomain of the same site is
another program (the sign-in cookie, ``SameSite=Lax``, still goes with its forms)."""
DEFAULT_PORTS = {"http": 80, "https": 443}


class NotSignedInError(Exception):
    """The request needs a signed-in account (pages redirect to sign-in; the API answers 401)."""


class BadCredentialsError(Exception):
    """The email and password do not match an account (401; never says which was wrong).

    ``wait_s``: after several wrong passwords, how long before the next try is checked.
    """

    def __init__(self, wait_s: int = 0) -> None:
        self.wait_s = wait_s
        sentence = "That email and password do not match an account."
        if wait_s:
            sentence += f" To keep accounts safe, the next try can be made in {wait_words(wait_s)}."
        super().__init__(sentence)


class WrongRoleError(Exception):
    """Signed in, but this page or endpoint is for another role (403)."""

    def __init__(self, needed: str) -> None:
        super().__init__(f"This part of retrowalk is for {needed} accounts only.")


class CsrfError(Exception):
    """The CSRF token is missing or does not match this session (403; a page form is shown
    again with what was typed and a fresh token)."""

    def __str__(self) -> str:
        return (
            "The security token of this form is missing or out of date. Reload the page and "
            "try again."
        )


class CrossSiteError(Exception):
    """An unsafe request sent by another website's page (403, never offered again: the person
    did not make it, so there is nothing of theirs to keep)."""

    def __str__(self) -> str:
        return (
            "This form came from another website, so nothing was saved. If you meant to do "
            "this, open retrowalk yourself and do it there."
        )


class SignInReadOnLoopWarning(RuntimeWarning):
    """The sign-in was read from the database on the event loop (every other request waited
    for it): await :func:`read_session` first, or read it in the route's worker thread."""


def current_session(request: Request) -> SignInState | None:
    """The request's session (None: no cookie, or one that names no live session).

    Read here when the middleware left it unread (an API path): call from a worker thread
    (a plain ``def`` route, or the function an ``async`` route hands to the pool)."""
    state: dict[str, Any] = request.scope.setdefault("state", {})
    session: SignInState | Unread | None = state.get(SESSION_STATE_KEY)
    if session is not UNREAD:
        return session
    if _on_event_loop():
        warnings.warn(
            SignInReadOnLoopWarning(f"the sign-in for {request.url.path} was read on the loop"),
            stacklevel=2,
        )
    return _read(request, state)


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _read(request: Request, state: dict[str, Any]) -> SignInState | None:
    """The session the request's cookie names, read now (it may read the database) and kept
    on the state for the rest of the request."""
    session = web_state(request).sessions.get(state.get(SESSION_COOKIE_STATE_KEY))
    state[SESSION_STATE_KEY] = session
    return session


async def read_session(request: Request) -> SignInState | None:
    """:func:`current_session` for the event loop: an unread session is read in the thread
    pool (the one trip a plain API route's dependencies take)."""
    state: dict[str, Any] = request.scope.setdefault("state", {})
    session: SignInState | Unread | None = state.get(SESSION_STATE_KEY)
    if session is not UNREAD:
        return session
    return await run_in_threadpool(_read, request, state)


def ensure_session(request: Request) -> SignInState:
    """The visitor's session, created (and its cookie set) if they have none yet."""
    session = current_session(request)
    if session is None:
        session = web_state(request).sessions.new()
        _install(request, session)
    return session


def _install(request: Request, session: SignInState) -> None:
    state = request.scope.setdefault("state", {})
    state[SESSION_STATE_KEY] = session
    state[SET_COOKIE_STATE_KEY] = True
    state.pop(CLEAR_COOKIE_STATE_KEY, None)


def sign_in(
    request: Request,
    *,
    account_id: int,
    role: str,
    display_name: str,
    walker_id: int | None = None,
) -> SignInState:
    """Start a signed-in session under a NEW id (the old one stops working).

    Writes to the database: call it from a worker thread (sync routes run in one).
    """
    session = web_state(request).sessions.sign_in(
        current_session(request),
        account_id=account_id,
        role=role,
        display_name=display_name,
        walker_id=walker_id,
    )
    _install(request, session)
    return session


def sign_out(request: Request) -> None:
    session = current_session(request)
    if session is not None:
        web_state(request).sessions.drop(session)
    state = request.scope.setdefault("state", {})
    state[SESSION_STATE_KEY] = None
    state.pop(SET_COOKIE_STATE_KEY, None)
    state[CLEAR_COOKIE_STATE_KEY] = True


def actor_of(session: SignInState | None) -> Actor | None:
    if session is None or session.account_id is None or session.role is None:
        return None
    return Actor(account_id=session.account_id, role=Role(session.role))


def require_actor(request: Request) -> Actor:
    """The signed-in actor, else :class:`NotSignedInError`."""
    actor = actor_of(current_session(request))
    if actor is None:
        raise NotSignedInError()
    return actor


def require_walker(request: Request) -> tuple[Actor, int]:
    """A signed-in walker and their own walker id."""
    actor = require_actor(request)
    session = current_session(request)
    if actor.role is not Role.WALKER or session is None or session.walker_id is None:
        raise WrongRoleError("walker")
    return actor, session.walker_id


def require_clinician(request: Request) -> Actor:
    """A signed-in clinician or administrator."""
    actor = require_actor(request)
    if actor.role not in (Role.CLINICIAN, Role.ADMIN):
        raise WrongRoleError("clinician")
    return actor


async def signed_in(request: Request) -> Actor:
    """:func:`require_actor` as a FastAPI dependency: ``async``, the sign-in read in the pool
    only when unread, where a plain ``def`` dependency would cost a hop to the thread pool and
    back on every API request."""
    await read_session(request)
    return require_actor(request)


async def signed_in_clinician(request: Request) -> Actor:
    """:func:`require_clinician` as a dependency (``async``, as :func:`signed_in`)."""
    await read_session(request)
    return require_clinician(request)


def _origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an ``Origin`` value; None for ``null`` or anything unreadable."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port if port is not None else DEFAULT_PORTS[scheme]


def own_origin(request: Request) -> tuple[str, str, int] | None:
    """(scheme, host, port) of retrowalk as this request reached it: the ``Host`` header, and
    the scheme uvicorn gives (``https`` from a proxy's ``X-Forwarded-Proto`` only when
    ``retrowalk serve --forwarded-allow-ips`` names that proxy, as for the Secure cookie)."""
    url = request.url
    scheme = url.scheme.lower()
    if scheme not in DEFAULT_PORTS or not url.hostname:
        return None
    port = url.port if url.port is not None else DEFAULT_PORTS[scheme]
    return scheme, url.hostname.lower(), port


def from_another_site(request: Request) -> bool:
    """Whether the browser says this request was sent by another website's page.

    ``Sec-Fetch-Site`` (set by the browser, no page can forge it) decides when it is sent: it
    must be ``same-origin`` or ``none``. The browser judges it against the address it sent
    the request to, so a proxy that rewrites the ``Host`` header or ends https does not make
    retrowalk's own forms look foreign (the rule of Go's ``http.CrossOriginProtection``).
    Without it (an older browser) an ``Origin`` header must be retrowalk's own address as
    this request reached it. A request with neither (a script, the phone app, a very old
    browser) is left to the CSRF token alone.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site.strip().lower() not in OWN_FETCH_SITES
    origin = request.headers.get("origin")
    if origin is not None:
        given = _origin_of(origin)
        return given is None or given != own_origin(request)
    return False


def refuse_another_site(request: Request) -> None:
    """:class:`CrossSiteError` for an unsafe request another website's page sent.

    An older browser's form (``Origin`` only) refused because its ``Origin`` is not the
    address retrowalk sees may point at a proxy that changes the ``Host`` header or hides
    https: that is logged for the operator."""
    if request.method not in UNSAFE_METHODS or not from_another_site(request):
        return
    if "sec-fetch-site" not in request.headers:
        logger.warning(
            "Refused %s %s: its Origin %r is not %s as retrowalk sees it. If that is "
            "retrowalk's own address behind a proxy, pass the Host header on and name the "
            "proxy with --forwarded-allow-ips (for X-Forwarded-Proto).",
            request.method,
            request.url.path,
            request.headers.get("origin", "")[:200],
            f"{request.url.scheme}://{request.url.netloc}",
        )
    raise CrossSiteError()


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe request from another website, or whose CSRF token does not match
    the session's.

    The header is checked first (the API); pages send the hidden form field. Reading the
    form here is safe: Starlette caches it for the route; it is also left on the request's
    state, so a refused page form can be shown again with what was typed.
    """
    if request.method not in UNSAFE_METHODS:
        return
    refuse_another_site(request)  # before the body is read: another site's form is not kept
    given = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if given is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        try:
            form = await request.form()
        except BodyTooLargeError:
            raise
        except Exception:  # an unreadable body is refused like a missing token
            raise CsrfError() from None
        request.scope.setdefault("state", {})[CSRF_FORM_STATE_KEY] = form
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    _check_token(await read_session(request), given)


async def csrf_header_sent(request: Request) -> None:
    """Refuse an unsafe API request from another website, or that carries no
    ``X-CSRF-Token`` header at all, on the event loop and before FastAPI validates its body.
    Whether the token matches is checked with the sign-in, in the route's thread
    (:func:`check_csrf_here`)."""
    refuse_another_site(request)
    if request.method in UNSAFE_METHODS and CSRF_HEADER not in request.headers:
        raise CsrfError()


def check_csrf_here(request: Request) -> None:
    """:func:`check_csrf` for the API, in a worker thread (it may read the sign-in): the
    ``X-CSRF-Token`` header must match the session's token."""
    refuse_another_site(request)
    if request.method in UNSAFE_METHODS:
        _check_token(current_session(request), request.headers.get(CSRF_HEADER))


def _check_token(session: SignInState | None, given: str | None) -> None:
    """:class:`CsrfError` unless ``given`` is the session's CSRF token."""
    if session is None or not tokens_match(session.csrf_token, given):
        raise CsrfError()


def unauthorized() -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, "Please sign in first.")


# --- checking a password and signing in (the pages and the JSON API alike) ---------------------

_DUMMY_HASH = hash_password("retrowalk-timing-equaliser")
"""Verified against when no account matches, so a wrong email costs as long as a wrong password."""


def authenticate(request: Request, email: str, password: str) -> LoginAccount:
    """The account if the password matches (call from a worker thread: it hashes).

    Raises :class:`RateLimitedError` while this account must wait from here, and
    :class:`BadCredentialsError` for a wrong email or password (never saying which).
    """
    state = web_state(request)
    state.guard.check(request, email)
    account = accounts.find_account_by_email(state.ctx, email) if email else None
    stored = account.password_hash if account is not None else None
    ok = verify_password(stored or _DUMMY_HASH, password) and stored is not None
    if account is None or not ok:
        raise BadCredentialsError(state.guard.failed(request, email))
    state.guard.succeeded(request, email)
    return account


def sign_in_account(request: Request, account: LoginAccount) -> None:
    """Start the signed-in state of ``account`` (a walker with their own walker id)."""
    walker_id = None
    if account.role is Role.WALKER:
        try:
            own = walkers.walker_for_account(web_state(request).ctx, account.actor, account.id)
        except NotFound:
            raise NotFound(
                "This walker account has no walker profile; ask your clinician."
            ) from None
        walker_id = own.id
    sign_in(
        request,
        account_id=account.id,
        role=account.role.value,
        display_name=account.display_name,
        walker_id=walker_id,
    )
