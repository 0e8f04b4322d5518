"""Errors → responses: a readable sentence, never a 500 for bad input.

The JSON API answers ``{"detail": "<sentence>"}`` with the status of the error type; pages
show the sentence on an error page (forms catch their own errors and re-render themselves
with the message, see the page routers). A visitor who is not signed in is sent to the
sign-in page instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from retrowalk.clinical.errors import ClinicalError
from retrowalk.services.errors import (
    AccessDenied,
    Conflict,
    InvalidRequest,
    NotFound,
    ServiceError,
)
from retrowalk.services.schemas import ID_MAX
from retrowalk.web.auth import BadCredentialsError, CsrfError, NotSignedInError, WrongRoleError
from retrowalk.web.throttle import RateLimitedError


class ErrorBody(BaseModel):
    """Every error of the JSON API: one sentence a person can read."""

    detail: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "Bad request"),
        (401, "Not signed in"),
        (403, "Not allowed (another person's record, wrong role, or a missing CSRF token)"),
        (404, "Not found"),
        (409, "Conflicts with what is stored"),
        (413, "The request body is too large"),
        (422, "An input is not allowed: the sentence names the field and what is allowed"),
        (429, "Too many attempts"),
    )
}
"""Declared on every API route so the OpenAPI schema matches what the API really sends."""


TOO_LARGE = f"A number in the request is too large to store (ids are whole numbers up to {ID_MAX})."
"""A fallback: the input schemas already refuse ids above ``ID_MAX`` with the field's name."""


def status_for(exc: BaseException) -> int:
    """The HTTP status a known error maps to."""
    if isinstance(exc, NotSignedInError | BadCredentialsError):
        return status.HTTP_401_UNAUTHORIZED
    if isinstance(exc, WrongRoleError | CsrfError | AccessDenied):
        return status.HTTP_403_FORBIDDEN
    if isinstance(exc, NotFound):
        return status.HTTP_404_NOT_FOUND
    if isinstance(exc, Conflict):
        return status.HTTP_409_CONFLICT
    if isinstance(exc, RateLimitedError):
        return status.HTTP_429_TOO_MANY_REQUESTS
    if isinstance(
        exc, InvalidRequest | ServiceError | ClinicalError | ValidationError | OverflowError
    ):
        return status.HTTP_422_UNPROCESSABLE_CONTENT
    return status.HTTP_400_BAD_REQUEST


def message_for(exc: BaseException) -> str:
    """The sentence shown to the person."""
    if isinstance(exc, NotSignedInError):
        return "Please sign in first."
    if isinstance(exc, ValidationError):
        return describe_validation(exc.errors())
    if isinstance(exc, OverflowError):
        return TOO_LARGE
    return str(exc) or exc.__class__.__name__


def describe_validation(errors: Any) -> str:
    """FastAPI/pydantic validation errors as one sentence: which field, what is allowed."""
    parts: list[str] = []
    for item in errors:
        loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path", "header")]
        field = ".".join(loc) or "request body"
        message = str(item.get("msg", "is not allowed"))
        given = item.get("input")
        shown = ""
        if isinstance(given, str | int | float | bool) and not isinstance(given, dict):
            text = repr(given)
            shown = f" (got {text[:60]}{'…' if len(text) > 60 else ''})"
        parts.append(f"{field}: {message}{shown}")
    return ("; ".join(parts[:5]) + ".") if parts else "The request was not understood."


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _json(status_code: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status_code, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers: JSON under /api, an HTML page (or a sign-in redirect) elsewhere."""
    from retrowalk.web.render import render_error

    async def known_error(request: Request, exc: Exception) -> Response:
        code = status_for(exc)
        headers = (
            {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, RateLimitedError) else None
        )
        if is_api(request):
            return _json(code, message_for(exc), headers)
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
        sentence = describe_validation(exc.errors())
        if is_api(request):
            return _json(status.HTTP_422_UNPROCESSABLE_CONTENT, sentence)
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
