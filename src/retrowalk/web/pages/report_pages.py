"""Download routes on the clinician's pages: one walker's PDF report, FHIR R4 bundle and CSV
tables, and the CSV tables of all their walkers (responses in :mod:`retrowalk.web.downloads`).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from retrowalk.web.auth import check_csrf, require_clinician
from retrowalk.web.downloads import (
    PageSize,
    Since,
    Until,
    WalkerId,
    fhir_response,
    pdf_response,
    tables_response,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


@router.get("/clinician/walkers/{walker_id}/report.pdf")
def walker_report(
    request: Request, walker_id: WalkerId, since: Since = None, until: Until = None,
    size: PageSize = "A4",
) -> Response:  # fmt: skip
    return pdf_response(request, require_clinician(request), walker_id, since, until, size)


@router.get("/clinician/walkers/{walker_id}/fhir.json")
def walker_fhir(
    request: Request, walker_id: WalkerId, since: Since = None, until: Until = None
) -> Response:
    return fhir_response(request, require_clinician(request), walker_id, since, until)


@router.get("/clinician/walkers/{walker_id}/tables.zip")
def walker_tables(
    request: Request, walker_id: WalkerId, since: Since = None, until: Until = None
) -> Response:
    return tables_response(request, require_clinician(request), [walker_id], since, until)


@router.get("/clinician/tables.zip")
def all_tables(request: Request, since: Since = None, until: Until = None) -> Response:
    """Every walker the clinician looks after, one table per kind, for a researcher."""
    return tables_response(request, require_clinician(request), None, since, until)
