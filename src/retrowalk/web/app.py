"""The retrowalk web app: HTML pages for walkers and clinicians, and a JSON API under /api/v1.

``create_app`` wires the pieces: the database (migrated on open), sign-ins kept in that
database (so a restart keeps everyone signed in and several workers or servers share them),
the sign-in throttle, hard limits on request bodies, templates, static files (all served by
the app: no CDN, the API docs included), the routers and the error handlers that turn every
known bad-input error into a readable 4xx. ``app_from_environment`` is the factory that
``retrowalk serve --workers N`` gives uvicorn: each worker process builds its own app on the
database named by ``RETROWALK_DATABASE_URL``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from retrowalk import __version__ as retrowalk_version
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.list_keeper import ListKeeper
from retrowalk.services.sign_in_throttle import ThrottlePolicy
from retrowalk.web.errors import install_error_handlers
from retrowalk.web.limits import MAX_BODY_BYTES, MAX_UPLOAD_BYTES, BodyLimitMiddleware
from retrowalk.web.middleware import SessionMiddleware
from retrowalk.web.render import make_templates
from retrowalk.web.sign_in_store import SignInStore
from retrowalk.web.signing import Signer
from retrowalk.web.state import WebState
from retrowalk.web.throttle import SignInGuard

STATIC_DIR = Path(__file__).parent / "static"


def create_app(
    ctx: AppContext | None = None,
    *,
    database_url: str | None = None,
    secure_cookies: bool | None = None,
    allow_fast_clock: bool = False,
    throttle: ThrottlePolicy | None = None,
    clock: Callable[[], datetime] | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    keep_list: bool = False,
) -> FastAPI:
    """Build the app on ``ctx`` (or build one on ``database_url``, default SQLite, migrating it).

    ``secure_cookies``: None marks the cookie Secure whenever the request came over https.
    ``allow_fast_clock``: lets ``?clock=fast`` speed up the on-screen timers of the guided
    session and the baseline tests — for the browser tests only. Off by default (and in
    ``retrowalk serve``): a sped-up stopwatch would record a wrong baseline-test time.
    ``throttle``: the sign-in throttle's policy; ``clock``: the time every use case reads
    (tests; the server's own clock otherwise). ``keep_list``: while the app is served, keep
    the clinician's walker list computed in the background
    (:class:`~retrowalk.services.list_keeper.ListKeeper`; ``retrowalk serve`` turns it on).
    """
    from retrowalk.web.api import exercises_v1, phone_v1, v1
    from retrowalk.web.pages import (
        account_pages,
        api_docs,
        audit_pages,
        auth_pages,
        clinician_pages,
        common_pages,
        exercise_pages,
        learn_pages,
        policy_pages,
        recording_pages,
        reminder_pages,
        report_pages,
        team_pages,
        walker_pages,
    )

    context = ctx if ctx is not None else build_context(database_url)
    if clock is not None:
        context = replace(context, clock=clock)
    signer = Signer(context)
    sessions = SignInStore(context, signer)

    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[None]:
        keeper = ListKeeper(context) if keep_list else None
        served.state.list_keeper = keeper
        if keeper is not None:
            keeper.start()
        try:
            yield
        finally:
            if keeper is not None:
                keeper.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="retrowalk",
        version=retrowalk_version,
        summary="Backward walking for knee pain: the walker's and the clinician's API.",
        description=(
            "retrowalk supports clinical care; it does not diagnose. Sign in with "
            "`POST /api/v1/session` (after `GET /api/v1/session` for the CSRF token); every "
            "POST then carries that token in the `X-CSRF-Token` header."
        ),
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.web = WebState(
        ctx=context,
        sessions=sessions,
        guard=SignInGuard(context, signer, throttle or ThrottlePolicy()),
        signer=signer,
        templates=make_templates(),
        allow_fast_clock=allow_fast_clock,
    )
    app.add_middleware(
        BodyLimitMiddleware, max_body_bytes=max_body_bytes, max_upload_bytes=max_upload_bytes
    )
    app.add_middleware(SessionMiddleware, store=sessions, secure=secure_cookies)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    api_docs.mount_assets(app)
    install_error_handlers(app)
    # The API first: FastAPI (0.137 and later) tries every route of every included router in
    # turn, with no shortcut by prefix (fastapi#16159), and the phones' requests ("today",
    # "log a session") are most of the traffic: their router first of all. Page routes come
    # after; no path overlaps.
    for router in (
        phone_v1.router,
        v1.router,
        exercises_v1.router,
        common_pages.router,
        auth_pages.router,
        account_pages.router,
        team_pages.router,
        audit_pages.router,
        policy_pages.router,
        report_pages.router,
        walker_pages.router,
        reminder_pages.router,
        recording_pages.router,
        clinician_pages.router,
        exercise_pages.router,
        learn_pages.router,
        api_docs.router,
    ):
        app.include_router(router)
    return app


def app_from_environment() -> FastAPI:
    """The app of one ``retrowalk serve --workers N`` worker (database from the environment;
    ``retrowalk serve`` has migrated it before starting the workers)."""
    from retrowalk.web.gc_startup import freeze_startup_objects

    app = create_app(build_context(), keep_list=True)
    freeze_startup_objects()
    return app
