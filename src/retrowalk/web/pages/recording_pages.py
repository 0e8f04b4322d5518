"""The walker's page for one logged session: its recordings, their analysis, and an upload.

``GET /sessions/{id}`` shows what each recording found (steps, cadence, bouts with their
direction, the guided session's phases); ``POST /sessions/{id}/recording`` takes a file from
the walker's phone or watch. The session id is in the address, so the services decide who may
see it (the walker whose session it is); a bad file re-renders the page with the reader's
sentence next to the file box, never an error page or a traceback.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from retrowalk.services import history, session_recordings
from retrowalk.services.errors import InvalidRequest, ServiceError
from retrowalk.services.numbers import WholeNumberText
from retrowalk.services.schemas import ID_MAX
from retrowalk.web import forms
from retrowalk.web.auth import check_csrf, require_walker
from retrowalk.web.errors import status_for
from retrowalk.web.render import flash, render
from retrowalk.web.state import web_state

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

SessionId = Annotated[WholeNumberText, Path(ge=1, le=ID_MAX)]
FORMAT_CHOICES = {
    "auto": "Find out from the file",
    "phyphox": "phyphox",
    "sensor-logger": "Sensor Logger",
    "fit": "FIT (a watch)",
    "gpx": "GPX (a GPS track)",
    "csv": "CSV with time, x, y, z",
}
"""What the walker may choose in the format box (the services read them all)."""
NO_FILE = "Choose a recording file first."


def _context(request: Request, session_id: int) -> dict[str, Any]:
    actor, walker_id = require_walker(request)
    ctx = web_state(request).ctx
    recordings = session_recordings.session_recordings(ctx, actor, session_id)
    record = history.walker_history(ctx, actor, walker_id, weeks=520)
    session = next((s for s in record.sessions if s.id == session_id), None)
    return {
        "title": "Your session",
        "nav": "progress",
        "session": session,
        "session_id": session_id,
        "recordings": recordings,
        "recordings_zone": record.walker.timezone,  # her own clock, never UTC on her page
        "formats": FORMAT_CHOICES,
        "expected": session_recordings.EXPECTED,
        "limit_mb": session_recordings.MAX_RECORDING_BYTES >> 20,
        "values": {"format": "auto"},
    }


@router.get("/sessions/{session_id}")
def session_page(request: Request, session_id: SessionId) -> Response:
    return render(request, "walker/recorded_session.html", _context(request, session_id))


@router.post("/sessions/{session_id}/recording")
async def upload_recording(request: Request, session_id: SessionId) -> Response:
    actor, _ = require_walker(request)
    form = await request.form()
    chosen = forms.text(form, "format") or "auto"
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidRequest(f"file: {NO_FILE}", field="file")
        content = await upload.read(session_recordings.MAX_RECORDING_BYTES + 1)
        saved = await run_in_threadpool(
            session_recordings.attach_recording,
            web_state(request).ctx,
            actor,
            session_id,
            content,
            file_name=upload.filename,
            fmt=chosen,
        )
    except ServiceError as exc:
        context = await run_in_threadpool(_context, request, session_id)
        context.update(
            {"error": str(exc), "errors": forms.field_errors(exc), "values": {"format": chosen}}
        )
        return render(request, "walker/recorded_session.html", context, status_code=status_for(exc))
    if saved.created:
        found = f"{saved.steps} steps" if saved.steps is not None else "no steps counted"
        flash(request, f"Recording added: {found}.")
    else:
        flash(request, "This recording was already added to the session.")
    return RedirectResponse(f"/sessions/{session_id}", 303)
