"""What the web app holds for its lifetime: the database, sessions, limiter, templates."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.templating import Jinja2Templates

from retrowalk.store.engine import Database
from retrowalk.web.ratelimit import LoginRateLimiter
from retrowalk.web.sessions import SessionStore


@dataclass
class WebState:
    db: Database
    sessions: SessionStore
    login_limiter: LoginRateLimiter
    templates: Jinja2Templates
    allow_fast_clock: bool
    """Whether ``?clock=fast`` may speed up the on-screen timers (tests and demos)."""


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state
