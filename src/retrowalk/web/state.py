"""What the web app holds for its lifetime: the database, sessions, sign-in guard, templates."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.templating import Jinja2Templates

from retrowalk.services.context import AppContext
from retrowalk.web.sign_in_store import SignInStore
from retrowalk.web.signing import Signer
from retrowalk.web.throttle import SignInGuard


@dataclass
class WebState:
    ctx: AppContext
    sessions: SignInStore
    guard: SignInGuard
    """The sign-in throttle (per account + address, or per trusted device)."""
    signer: Signer
    templates: Jinja2Templates
    allow_fast_clock: bool
    """Whether ``?clock=fast`` may speed up the on-screen timers (tests and demos)."""


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state
