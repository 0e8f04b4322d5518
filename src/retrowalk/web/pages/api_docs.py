"""The API's interactive documentation at ``/api/docs``, served entirely by the app.

Swagger UI's script and style come from the ``fastapi-offline`` package's copy (Swagger UI 5,
which reads FastAPI's OpenAPI 3.1), mounted at ``/api/docs/assets``; the page starts it with
a local script, not an inline one, so the app's own Content-Security-Policy
(``script-src 'self'``) allows it. No CDN is ever asked.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from retrowalk.web.state import web_state

ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/api/docs/assets"

router = APIRouter(include_in_schema=False)


def mount_assets(app: FastAPI) -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="api-docs-assets")


@router.get("/api/docs")
def api_docs(request: Request) -> HTMLResponse:
    response = web_state(request).templates.TemplateResponse(
        request,
        "api_docs.html",
        {"assets": ASSETS_URL, "openapi_url": request.app.openapi_url},
    )
    return response
