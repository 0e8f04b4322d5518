"""The two requests a walker's phone sends most: "today" and "log a session" (API v1).

Each costs ONE trip to the thread pool: the sign-in is read there (the middleware leaves it
unread under ``/api/``), the CSRF token checked there (log), the use case run and its answer
serialised there, and a ready ``Response`` handed back — no hop for the sign-in before the
route's own, and no second pass of FastAPI over the returned model on the event loop. A
request with no ``X-CSRF-Token`` header at all is refused before its body is validated
(:func:`~retrowalk.web.auth.csrf_header_sent`, run by
:class:`~retrowalk.web.api.lean_route.LeanRoute`, which also reads the walker id and the body
without FastAPI's per-request dependency solver). The checks are those of every other API
route, in the same order: the CSRF token (log), then the sign-in, then the services' access
checks; the errors are the same (401, 403, 404, 409, 422). The operations are documented as
before (``response_model``), so the OpenAPI document is unchanged (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status
from starlette.concurrency import run_in_threadpool

from retrowalk.services import plans, sessions
from retrowalk.services.numbers import WholeNumberText
from retrowalk.services.schemas import ID_MAX, SessionIn, SessionOut, TodayOut
from retrowalk.web.api.lean_route import LeanRoute
from retrowalk.web.auth import check_csrf_here, require_actor
from retrowalk.web.errors import ERROR_RESPONSES
from retrowalk.web.state import web_state


class _SignInFirst(LeanRoute):
    """The phone's routes: a signed-out phone is told to sign in (401) before what is wrong
    with its body (422), as on every other route of the API."""

    def before_bad_input(self) -> Callable[[Request], object] | None:
        return require_actor


router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, route_class=_SignInFirst)
"""Its routes read their arguments themselves (:class:`LeanRoute`: the CSRF header first,
then the walker id and the body, as FastAPI would, without its per-request solver)."""

WalkerId = Annotated[WholeNumberText, Path(ge=1, le=ID_MAX, description="The walker's id")]
JSON = "application/json"


@router.get("/walkers/{walker_id}/today", tags=["plan"], response_model=TodayOut)
async def today(request: Request, walker_id: WalkerId) -> Response:
    # No docstring: the operation is documented as it was in v1 (none there either).
    return await run_in_threadpool(_today, request, walker_id)


def _today(request: Request, walker_id: int) -> Response:
    """In the worker thread: the sign-in, the use case, the JSON."""
    actor = require_actor(request)
    out = plans.todays_prescription(web_state(request).ctx, actor, walker_id)
    return Response(out.model_dump_json(), media_type=JSON)


@router.post(
    "/walkers/{walker_id}/sessions",
    tags=["sessions"],
    status_code=status.HTTP_201_CREATED,
    response_model=SessionOut,
    responses={
        200: {
            "model": SessionOut,
            "description": (
                "Already stored under this client_key (with the same values, or adverse events "
                "added; other values: 409, nothing stored)"
            ),
        }
    },
)
async def log_session(request: Request, walker_id: WalkerId, body: SessionIn) -> Response:
    """Log a session; the same ``client_key`` twice stores it once (200 the second time)."""
    return await run_in_threadpool(_log, request, walker_id, body)


def _log(request: Request, walker_id: int, body: SessionIn) -> Response:
    """In the worker thread: the CSRF token, the sign-in, the use case, the JSON."""
    check_csrf_here(request)
    actor = require_actor(request)
    saved = sessions.log_session(web_state(request).ctx, actor, walker_id, body)
    code = status.HTTP_201_CREATED if saved.created else status.HTTP_200_OK
    return Response(saved.model_dump_json(), status_code=code, media_type=JSON)
