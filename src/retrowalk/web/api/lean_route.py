"""A route class for the phone's two requests: arguments read without FastAPI's solver.

FastAPI documents an operation from its endpoint's signature and, per request, solves its
dependencies: for "today" that was about 200 Python calls of 1,520 (13 %), for "log a
session" about 245 of 2,085 (``python -m benchmarks calls``, docs/performance.md). The
phone's two routes take nothing but their path's whole numbers, at most one JSON body and
the request, so :class:`LeanRoute` reads those itself — with the same pydantic types, in
the same order and with the same error locations as FastAPI 0.165's own code
(``fastapi.routing.get_request_handler``, ``fastapi.dependencies.utils``), and raising the
same :class:`~fastapi.exceptions.RequestValidationError`, so the app's handlers answer
exactly as for every other route. The OpenAPI document is still built from the endpoint's
signature, so it does not change. ``tests/web/test_lean_route.py`` sends the same requests,
good and bad, to a route of each class and compares the answers.

One deliberate difference: an unsafe request with no ``X-CSRF-Token`` header is refused
before its body is read at all (FastAPI parses a JSON body before any dependency runs, so a
malformed body without the header was answered 422, not 403).

A signature this class cannot read (a query or header parameter, a dependency, a form, more
than one body) is refused when the route is made, not on a request.
"""

from __future__ import annotations

import email.message
import inspect
import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from retrowalk.web.auth import csrf_header_sent

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class LeanRoute(APIRoute):
    """An API route whose path numbers and JSON body are read here (see the module)."""

    def get_route_handler(self) -> Handler:
        return _lean_handler(self.endpoint, self.path, self.before_bad_input())

    def before_bad_input(self) -> Callable[[Request], object] | None:
        """A check run (in a worker thread) before a bad path or body is answered: FastAPI
        solves a route's dependencies — the sign-in — before it validates the body, so a
        signed-out request with a bad body is answered 401, not 422. None: no check."""
        return None


def _lean_handler(
    endpoint: Callable[..., Any], path: str, before_bad_input: Callable[[Request], object] | None
) -> Handler:
    """The handler of ``endpoint``: its parameters read once, here, when the route is made."""
    signature = inspect.signature(endpoint, eval_str=True)
    path_names = _path_names(path)
    path_params: list[tuple[str, TypeAdapter[Any]]] = []
    body: tuple[str, TypeAdapter[Any]] | None = None
    for name, parameter in signature.parameters.items():
        annotation = parameter.annotation
        if annotation is Request:
            continue
        if name in path_names:
            path_params.append((name, TypeAdapter(annotation)))
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and body is None:
            body = (name, TypeAdapter(annotation))
        else:
            raise TypeError(f"LeanRoute cannot read the parameter {name!r} of {path}")
    request_name = next(
        (n for n, p in signature.parameters.items() if p.annotation is Request), None
    )

    async def handler(request: Request) -> Response:
        await csrf_header_sent(request)  # before the body is read (see the module)
        received = await _json_body(request) if body is not None else None
        values: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        for name, adapter in path_params:
            _validate(adapter, request.path_params[name], ("path", name), name, values, errors)
        if body is not None:
            name, adapter = body
            if received is _NO_BODY:
                errors.append(_missing(("body",)))
            else:
                _validate(adapter, received, ("body",), name, values, errors)
        if errors:
            if before_bad_input is not None:
                await run_in_threadpool(before_bad_input, request)
            raise RequestValidationError(errors)
        if request_name is not None:
            values[request_name] = request
        response: Response = await endpoint(**values)
        return response

    return handler


def _path_names(path: str) -> set[str]:
    """The names in ``{...}`` of a route's path (``{walker_id}`` → ``walker_id``)."""
    return {part[1:-1].split(":")[0] for part in path.split("/") if part.startswith("{")}


def _validate(
    adapter: TypeAdapter[Any],
    value: Any,
    loc: tuple[str, ...],
    name: str,
    values: dict[str, Any],
    errors: list[dict[str, Any]],
) -> None:
    """As FastAPI's ``ModelField.validate``: python mode, from attributes, ``loc`` prefixed."""
    try:
        values[name] = adapter.validate_python(value, from_attributes=True)
    except ValidationError as exc:
        errors.extend(
            {**error, "loc": loc + tuple(error.get("loc", ()))}
            for error in exc.errors(include_url=False)
        )


class _NoBody:
    """No body was sent (an empty one): FastAPI's "Field required" at ``("body",)``."""


_NO_BODY = _NoBody()


async def _json_body(request: Request) -> Any:
    """The body as FastAPI reads it: JSON when the content type says JSON (strict content
    type: none given is not JSON), the raw bytes otherwise, :data:`_NO_BODY` when empty."""
    raw = await request.body()
    if not raw:
        return _NO_BODY
    content_type = request.headers.get("content-type")
    if not content_type:
        return raw
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    if message.get_content_maintype() != "application" or not (
        subtype == "json" or subtype.endswith("+json")
    ):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", exc.pos),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": exc.msg},
                }
            ],
            body=exc.doc,
        ) from exc
    except Exception as exc:  # not UTF-8, say: FastAPI's own answer
        raise HTTPException(status_code=400, detail="There was an error parsing the body") from exc


def _missing(loc: tuple[str, ...]) -> dict[str, Any]:
    """FastAPI's error for a required body that was not sent."""
    error = ValidationError.from_exception_data(
        "Field required", [{"type": "missing", "loc": loc, "input": {}}]
    ).errors(include_url=False)[0]
    return {**error, "input": None}
