"""Errors → responses: a readable sentence, never a 500 for bad input.

The JSON API answers ``{"detail": "<sentence>", "problems": [...]}`` (``problems``: one
:class:`~retrowalk.services.errors.FieldProblem` per wrong field, for bad input) with the
status of the error type from the one table :data:`STATUS`; pages
show the sentence on an error page (forms catch their own errors and re-render themselves
with the message, see the page routers). A visitor who is not signed in is sent to the
sign-in page instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from retrowalk.clinical.errors import ClinicalError, InvalidInputError
from retrowalk.services.errors import (
    AccessDenied,
    Conflict,
    FieldProblem,
    HiddenRecord,
    InvalidRequest,
    NotFound,
    ProblemKind,
    ServiceError,
    problems_from,
)
from retrowalk.services.schemas import ID_MAX
from retrowalk.web.auth import (
    BadCredentialsError,
    CrossSiteError,
    CsrfError,
    NotSignedInError,
    WrongRoleError,
)
from retrowalk.web.password_policy import WeakPasswordError
from retrowalk.web.throttle import RateLimitedError


class ErrorBody(BaseModel):
    """Every error of the JSON API: one sentence a person can read, and for bad input the
    same as data, one entry per wrong field (``field`` is the JSON field's dotted path)."""

    detail: str
    problems: list[FieldProblem] = []


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "Bad request"),
        (401, "Not signed in"),
        (
            403,
            "Not allowed (another person's record, wrong role, a missing CSRF token, or a "
            "request sent by another website's page)",
        ),
        (404, "Not found"),
        (409, "Conflicts with what is stored"),
        (413, "The request body is too large"),
        (
            422,
            "An input is not allowed: the sentence names the field and what is allowed, and "
            "`problems` lists each wrong field with its kind and limits",
        ),
        (429, "Too many attempts"),
    )
}
"""Declared on every API route so the OpenAPI schema matches what the API really sends."""


TOO_LARGE = f"A number in the request is too large to store (ids are whole numbers up to {ID_MAX})."
"""A fallback: the input schemas already refuse ids above ``ID_MAX`` with the field's name."""


class FormError(Exception):
    """A page's form has wrong values: ``fields`` maps a field name to its sentence."""

    def __init__(self, sentence: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(sentence)
        self.fields = dict(fields or {})


STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (NotSignedInError, status.HTTP_401_UNAUTHORIZED),
    (BadCredentialsError, status.HTTP_401_UNAUTHORIZED),
    (WrongRoleError, status.HTTP_403_FORBIDDEN),
    (CrossSiteError, status.HTTP_403_FORBIDDEN),
    (CsrfError, status.HTTP_403_FORBIDDEN),
    (HiddenRecord, status.HTTP_404_NOT_FOUND),
    (AccessDenied, status.HTTP_403_FORBIDDEN),
    (NotFound, status.HTTP_404_NOT_FOUND),
    (Conflict, status.HTTP_409_CONFLICT),
    (RateLimitedError, status.HTTP_429_TOO_MANY_REQUESTS),
    (FormError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (WeakPasswordError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (InvalidRequest, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (ServiceError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (ClinicalError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (ValidationError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (RequestValidationError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (OverflowError, status.HTTP_422_UNPROCESSABLE_CONTENT),
)
"""The one status table: every error type the app knows → its HTTP status, the most specific
first. Pages and the API both answer with :func:`status_for`."""


def status_for(exc: BaseException) -> int:
    """The HTTP status a known error maps to (400 for anything else)."""
    for kind, code in STATUS:
        if isinstance(exc, kind):
            return code
    return status.HTTP_400_BAD_REQUEST


def problems_for(exc: BaseException) -> tuple[FieldProblem, ...]:
    """The wrong fields of a bad-input error, as data (none for other errors)."""
    if isinstance(exc, InvalidRequest):
        return exc.problems
    if isinstance(exc, ValidationError | RequestValidationError):
        return problems_from(exc.errors())
    if isinstance(exc, InvalidInputError):
        return (
            FieldProblem(
                field=exc.field,
                kind=ProblemKind.RULE,
                given=exc.value if isinstance(exc.value, str | int | float | bool) else None,
                message=f"expected {exc.allowed}",
            ),
        )
    return ()


def message_for(exc: BaseException) -> str:
    """The sentence shown to the person."""
    if isinstance(exc, NotSignedInError):
        return "Please sign in first."
    if isinstance(exc, ValidationError | RequestValidationError):
        return describe_problems(problems_from(exc.errors()))
    if isinstance(exc, OverflowError):
        return TOO_LARGE
    return str(exc) or exc.__class__.__name__


def describe_problems(problems: Sequence[FieldProblem]) -> str:
    """Wrong fields as one sentence (the first five): which field, what is allowed."""
    if not problems:
        return "The request was not understood."
    return "; ".join(p.sentence() for p in problems[:5]) + "."


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _json(
    status_code: int,
    detail: str,
    headers: dict[str, str] | None = None,
    problems: Sequence[FieldProblem] = (),
) -> JSONResponse:
    body = ErrorBody(detail=detail, problems=list(problems))
    return JSONResponse(
        body.model_dump(mode="json", exclude_defaults=not problems),
        status_code=status_code,
        headers=headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers: JSON under /api, an HTML page (or a sign-in redirect) elsewhere."""
    from retrowalk.web.render import render_error

    async def known_error(request: Request, exc: Exception) -> Response:
        code = status_for(exc)
        headers = (
            {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, RateLimitedError) else None
        )
        if is_api(request):
            return _json(code, message_for(exc), headers, problems_for(exc))
        if isinstance(exc, CrossSiteError):  # another site's form: refused, never offered again
            from retrowalk.web.pages.resend import render_other_site_refusal

            return render_other_site_refusal(request)
        if isinstance(exc, CsrfError):  # a page form is shown again, never lost
            from retrowalk.web.pages.resend import send_again_after_csrf_error

            return await run_in_threadpool(send_again_after_csrf_error, request)
        if isinstance(exc, NotSignedInError):
            target = request.url.path
            if request.url.query:
                target += "?" + request.url.query
            return RedirectResponse(f"/login?next={quote(target)}", status.HTTP_303_SEE_OTHER)
        return render_error(request, code, message_for(exc), headers=headers)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = problems_from(exc.errors())
        sentence = describe_problems(problems)
        if is_api(request):
            return _json(status.HTTP_422_UNPROCESSABLE_CONTENT, sentence, problems=problems)
        return render_error(request, status.HTTP_422_UNPROCESSABLE_CONTENT, sentence)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else "The request was refused."
        if exc.status_code == status.HTTP_404_NOT_FOUND and detail == "Not Found":
            detail = "There is no page at this address."
        if exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
            detail = "This address does not accept that kind of request."
        if is_api(request):
            return _json(exc.status_code, detail, dict(exc.headers or {}))
        return render_error(request, exc.status_code, detail, headers=dict(exc.headers or {}))

    for error_type in (
        NotSignedInError,
        BadCredentialsError,
        WrongRoleError,
        CrossSiteError,
        CsrfError,
        RateLimitedError,
        ServiceError,
        ClinicalError,
        ValidationError,
        OverflowError,  # an id beyond SQLite's 64-bit integers reaches the driver unchecked
    ):
        app.add_exception_handler(error_type, known_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
