"""The files a clinician downloads, as HTTP responses shared by the pages and the JSON API:
one walker's PDF report, FHIR R4 bundle and CSV tables, and the tables of all their walkers.

Every download goes through the use cases (:mod:`retrowalk.reports.build`), so a clinician
reaches only their own walkers; a period outside the record is a sentence (422), never a
half-made file.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Path, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator

from retrowalk.reports.build import choose_period, report_record, table_histories
from retrowalk.reports.csv_tables import csv_tables, csv_zip
from retrowalk.reports.fhir_bundle import walker_bundle_json
from retrowalk.reports.report_pdf import report_pdf
from retrowalk.services.numbers import WholeNumberText
from retrowalk.services.schemas import ID_MAX, Actor
from retrowalk.web.state import web_state

WalkerId = Annotated[WholeNumberText, Path(ge=1, le=ID_MAX, description="The walker's id")]


def _empty_is_none(value: object) -> object:
    """A date box left empty on the page sends ``since=``: that means "the default"."""
    return None if value == "" else value


Since = Annotated[
    date | None,
    BeforeValidator(_empty_is_none),
    Query(description="First day (the walker's local date; default: 12 weeks before until)"),
]
Until = Annotated[
    date | None,
    BeforeValidator(_empty_is_none),
    Query(description="Last day (the walker's local date; default: their today)"),
]
PageSize = Annotated[Literal["A4", "Letter"], Query(description="Paper size")]

FHIR_JSON = "application/fhir+json"


def download(body: bytes, media_type: str, filename: str) -> Response:
    """A file to save, never shown inline nor kept by a shared cache (it is health data)."""
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def pdf_response(
    request: Request, actor: Actor, walker_id: int, since: date | None, until: date | None,
    size: Literal["A4", "Letter"],
) -> Response:  # fmt: skip
    ctx = web_state(request).ctx
    chosen = choose_period(ctx, actor, walker_id, since, until)
    pdf = report_pdf(report_record(ctx, actor, walker_id, chosen), page_size=size)
    name = f"retrowalk-walker-{walker_id}-{chosen.since}-{chosen.until}.pdf"
    return download(pdf, "application/pdf", name)


def fhir_response(
    request: Request, actor: Actor, walker_id: int, since: date | None, until: date | None
) -> Response:
    ctx = web_state(request).ctx
    chosen = choose_period(ctx, actor, walker_id, since, until)
    bundle = walker_bundle_json(report_record(ctx, actor, walker_id, chosen))
    name = f"retrowalk-walker-{walker_id}-{chosen.since}-{chosen.until}.fhir.json"
    return download(bundle.encode("utf-8"), FHIR_JSON, name)


def tables_response(
    request: Request, actor: Actor, walker_ids: list[int] | None, since: date | None,
    until: date | None,
) -> Response:  # fmt: skip
    histories, tests = table_histories(web_state(request).ctx, actor, walker_ids, since, until)
    body = csv_zip(csv_tables(histories, tests=tests))
    who = f"walker-{walker_ids[0]}" if walker_ids else "my-walkers"
    return download(body, "application/zip", f"retrowalk-{who}-tables.zip")
