"""Hard limits on what a request may send: its body is capped before it is read.

A declared ``Content-Length`` over the cap is answered 413 at once, without reading a byte
of the body; a body without a length (chunked) is counted as it arrives and refused as soon
as it passes the cap. Forms and JSON get a small cap; file uploads (``multipart/form-data``)
their own, larger one.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024
"""Policy: 1 MiB for a form or a JSON body (the largest real one, a KOOS form, is ~2 KiB)."""
MAX_UPLOAD_BYTES = 32 * 1024 * 1024
"""Policy: 32 MiB for a file upload (an hour of phone motion data as CSV is ~20 MiB)."""


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


class BodyTooLargeError(HTTPException):
    """The request body is over its cap (413); an HTTPException so FastAPI passes it on."""

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(
            413,
            f"The request is too large: at most {_mib(limit_bytes)} may be sent here.",
        )
        self.limit_bytes = limit_bytes


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class BodyLimitMiddleware:
    """Refuses request bodies over ``max_body_bytes`` (uploads: ``max_upload_bytes``)."""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    def limit_for(self, scope: Scope) -> int:
        content_type = (_header(scope, b"content-type") or "").lower()
        if content_type.startswith("multipart/form-data"):
            return self.max_upload_bytes
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _refuse(scope, send, 400, "The Content-Length header is not a number.")
                return
            if int(declared) > limit:
                await _refuse(scope, send, 413, BodyTooLargeError(limit).detail, close=True)
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLargeError as exc:
            if started:
                raise
            await _refuse(scope, send, 413, exc.detail, close=True)


async def _refuse(
    scope: Scope, send: Send, status: int, sentence: str, close: bool = False
) -> None:
    """Answer before the app runs: JSON under /api, a small page elsewhere."""
    if str(scope.get("path", "")).startswith("/api/"):
        body = json.dumps({"detail": sentence}).encode()
        content_type = b"application/json"
    else:
        body = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>Too large · retrowalk</title><link rel="stylesheet" '
            'href="/static/css/retrowalk.css"></head><body><main id="main">'
            f'<h1>That was too much to send</h1><p>{sentence}</p><p><a href="/">Back to '
            "retrowalk</a></p></main></body></html>"
        ).encode()
        content_type = b"text/html; charset=utf-8"
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    if close:  # the unread body must not be taken for the next request on this connection
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
