"""Rendering pages: every template gets the signed-in person, the CSRF field and flashes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from retrowalk.clinical.norms import (
    BACKWARD_WALK_3M_DISTANCE_M,
    CHAIR_STAND_DURATION_S,
    CR10_MAX,
    KM_H_PER_M_S,
    NPRS_MAX,
    TANDEM_STANCE_AT_RISK_BELOW_S,
)
from retrowalk.clinical.prescription import (
    MAX_DURATION_MIN,
    START_DURATION_MIN,
    START_SESSIONS_PER_WEEK,
    TREADMILL_OVERSHOOT_M_S,
)
from retrowalk.clinical.screening import AGE_MAX_YEARS, AGE_MIN_YEARS
from retrowalk.present import vocabulary as vocab
from retrowalk.present.days import (
    date_words,
    day_words,
    moment_words,
    next_session_words,
)
from retrowalk.present.numbers import source_label, speed_words
from retrowalk.services.pending_checkins import hour_words
from retrowalk.web.auth import current_session, ensure_session
from retrowalk.web.flashes import FLASH_PARAM
from retrowalk.web.forms import FORM_KEY_FIELD, new_form_key
from retrowalk.web.sign_in_store import CSRF_FIELD
from retrowalk.web.state import web_state

TEMPLATES_DIR = Path(__file__).parent / "templates"

CLINICAL_NUMBERS: dict[str, float] = {
    "start_duration_min": START_DURATION_MIN,
    "start_sessions_per_week": START_SESSIONS_PER_WEEK,
    "max_duration_min": MAX_DURATION_MIN,
    "nprs_max": NPRS_MAX,
    "cr10_max": CR10_MAX,
    "chair_stand_duration_s": CHAIR_STAND_DURATION_S,
    "tandem_stance_target_s": TANDEM_STANCE_AT_RISK_BELOW_S,
    "backward_walk_3m_distance_m": BACKWARD_WALK_3M_DISTANCE_M,
    "treadmill_overshoot_m_s": TREADMILL_OVERSHOOT_M_S,
    "km_h_per_m_s": KM_H_PER_M_S,
    "age_min_years": AGE_MIN_YEARS,
    "age_max_years": AGE_MAX_YEARS,
}
"""The clinical numbers the templates quote (as ``clinical.<name>``), taken from the one
place each lives in :mod:`retrowalk.clinical`, never typed into a template."""


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.autoescape = True
    env.filters["source_label"] = source_label
    env.filters["minutes"] = lambda v: f"{v:g} min" if v is not None else "—"
    env.filters["speed"] = speed_words
    env.filters["pct"] = lambda v: f"{v:g} %" if v is not None else "—"
    env.filters["words"] = lambda v: str(v).replace("_", " ")
    env.filters["long_day"] = day_words
    env.filters["day"] = date_words
    env.filters["walker_time"] = moment_words
    env.globals["next_session_words"] = next_session_words
    env.globals["hour_words"] = hour_words
    env.globals["clinical"] = CLINICAL_NUMBERS
    env.globals["vocab"] = vocab
    env.globals["form_key"] = form_key
    return templates


def form_key() -> Markup:
    """The hidden one-time key of a form that creates a record, new at every rendering: the
    same form sent twice stores one record; two renderings (two notes) are two records."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        FORM_KEY_FIELD, new_form_key()
    )


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` with the common context; forms get a CSRF token."""
    session = ensure_session(request)
    flashes = session.take_flash(request.query_params.get(FLASH_PARAM))
    signed_in = current_session(request)
    actor = None
    if signed_in is not None and signed_in.account_id is not None:
        actor = {
            "account_id": signed_in.account_id,
            "role": signed_in.role,
            "display_name": signed_in.display_name,
        }

    def csrf_field() -> Markup:
        return Markup('<input type="hidden" name="{}" value="{}">').format(
            CSRF_FIELD, session.csrf_token
        )

    full: dict[str, Any] = {
        "actor": actor,
        "csrf_field": csrf_field,
        "csrf_token": session.csrf_token,
        "flashes": flashes,
        "error": None,
        "errors": {},
        "title": None,
        "nav": None,
    }
    full.update(context or {})
    response = web_state(request).templates.TemplateResponse(
        request, template, full, status_code=status_code, headers=headers
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def render_error(
    request: Request, status_code: int, message: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    return render(
        request,
        "error.html",
        {"title": "Something went wrong", "message": message, "status_code": status_code},
        status_code=status_code,
        headers=headers,
    )


def flash(request: Request, message: str) -> None:
    """Show ``message`` once: on the page this request renders, or on the page its redirect
    leads to (never on another tab's page, nor again on a reload)."""
    ensure_session(request).flash.append(message)
