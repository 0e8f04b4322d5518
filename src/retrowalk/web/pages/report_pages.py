"""Download routes on the clinician's pages: one walker's PDF report, FHIR R4 bundle and CSV
tables, and the CSV tables of all their walkers (responses in :mod:`retrowalk.web.downloads`).

The form on the walker page sends what was typed; a wrong date or paper size comes back to
that form as a sentence in the form's own words (From, To, Paper size), not as an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from retrowalk.services.errors import InvalidRequest
from retrowalk.web.auth import check_csrf, require_clinician
from retrowalk.web.downloads import WalkerId, fhir_response, pdf_response, tables_response
from retrowalk.web.render import flash

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

Typed = Annotated[str, Query(max_length=40)]
FORM_WORDS = {"since": "From", "until": "To", "size": "Paper size", "period": "From and To"}
"""The report form's labels, for a sentence that points at the box to change."""


def _day(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidRequest(
            f"{field}: “{value.strip()}” is not a date; choose a day, e.g. 2026-03-01",
            field=field,
        ) from None


def _size(value: str) -> Literal["A4", "Letter"]:
    if value in ("A4", "Letter"):
        return "A4" if value == "A4" else "Letter"
    raise InvalidRequest(
        f"size: “{value}” is not a paper size; choose A4 or US Letter", field="size"
    )


def _or_back_to_the_form(
    walker_id: int | None, request: Request, make: Callable[[], Response]
) -> Response:
    """The file, or the walker page (the list for all walkers) with what to change."""
    try:
        return make()
    except InvalidRequest as exc:
        # The problems' own words, each after the box's label: never a field's code.
        said = "; ".join(
            f"{FORM_WORDS.get(p.field, 'Reports')}: {p.message.rstrip('.')}" for p in exc.problems
        )
        flash(request, f"The report was not made. {said or exc}.")
        back = f"/clinician/walkers/{walker_id}#reports-h" if walker_id else "/clinician"
        return RedirectResponse(back, 303)


@router.get("/clinician/walkers/{walker_id}/report.pdf")
def walker_report(
    request: Request, walker_id: WalkerId, since: Typed = "", until: Typed = "", size: Typed = "A4"
) -> Response:
    actor = require_clinician(request)
    return _or_back_to_the_form(
        walker_id,
        request,
        lambda: pdf_response(
            request, actor, walker_id, _day(since, "since"), _day(until, "until"), _size(size)
        ),
    )


@router.get("/clinician/walkers/{walker_id}/fhir.json")
def walker_fhir(
    request: Request, walker_id: WalkerId, since: Typed = "", until: Typed = ""
) -> Response:
    actor = require_clinician(request)
    return _or_back_to_the_form(
        walker_id,
        request,
        lambda: fhir_response(
            request, actor, walker_id, _day(since, "since"), _day(until, "until")
        ),
    )


@router.get("/clinician/walkers/{walker_id}/tables.zip")
def walker_tables(
    request: Request, walker_id: WalkerId, since: Typed = "", until: Typed = ""
) -> Response:
    actor = require_clinician(request)
    return _or_back_to_the_form(
        walker_id,
        request,
        lambda: tables_response(
            request, actor, [walker_id], _day(since, "since"), _day(until, "until")
        ),
    )


@router.get("/clinician/tables.zip")
def all_tables(request: Request, since: Typed = "", until: Typed = "") -> Response:
    """Every walker the clinician looks after, one table per kind, for a researcher."""
    actor = require_clinician(request)
    return _or_back_to_the_form(
        None,
        request,
        lambda: tables_response(request, actor, None, _day(since, "since"), _day(until, "until")),
    )
