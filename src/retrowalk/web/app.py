"""The retrowalk web app: HTML pages for walkers and clinicians, and a JSON API under /api/v1.

``create_app`` wires the pieces: the database (migrated on open), in-memory web sessions,
the login rate limiter, templates, static files (all served by the app: no CDN), the routers
and the error handlers that turn every known bad-input error into a readable 4xx.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from retrowalk import __version__ as retrowalk_version
from retrowalk.store.engine import Database, open_database
from retrowalk.web.errors import install_error_handlers
from retrowalk.web.middleware import SessionMiddleware
from retrowalk.web.ratelimit import LoginRateLimiter
from retrowalk.web.render import make_templates
from retrowalk.web.sessions import SessionStore
from retrowalk.web.state import WebState

STATIC_DIR = Path(__file__).parent / "static"


def create_app(
    db: Database | None = None,
    *,
    database_url: str | None = None,
    secure_cookies: bool | None = None,
    allow_fast_clock: bool = False,
    login_limiter: LoginRateLimiter | None = None,
) -> FastAPI:
    """Build the app on ``db`` (or open ``database_url``, default SQLite, migrating it).

    ``secure_cookies``: None marks the cookie Secure whenever the request came over https.
    ``allow_fast_clock``: lets ``?clock=fast`` speed up the on-screen timers of the guided
    session and the baseline tests — for the browser tests only. Off by default (and in
    ``retrowalk serve``): a sped-up stopwatch would record a wrong baseline-test time.
    """
    from retrowalk.web.api import v1
    from retrowalk.web.pages import auth_pages, clinician_pages, common_pages, walker_pages

    database = db if db is not None else open_database(database_url)
    sessions = SessionStore()
    app = FastAPI(
        title="retrowalk",
        version=retrowalk_version,
        summary="Backward walking for knee pain: the walker's and the clinician's API.",
        description=(
            "retrowalk supports clinical care; it does not diagnose. Sign in with "
            "`POST /api/v1/session` (after `GET /api/v1/session` for the CSRF token); every "
            "POST then carries that token in the `X-CSRF-Token` header."
        ),
        docs_url="/api/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.web = WebState(
        db=database,
        sessions=sessions,
        login_limiter=login_limiter or LoginRateLimiter.default(),
        templates=make_templates(),
        allow_fast_clock=allow_fast_clock,
    )
    app.add_middleware(SessionMiddleware, store=sessions, secure=secure_cookies)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_error_handlers(app)
    for router in (
        common_pages.router,
        auth_pages.router,
        walker_pages.router,
        clinician_pages.router,
        v1.router,
    ):
        app.include_router(router)
    return app
