"""``retrowalk report`` (one walker's PDF) and the record-system files of ``retrowalk export``
(``--fhir WALKER``: a FHIR R4 bundle; ``--tables``: tidy CSV tables).

The files are the ones the clinician's walker page downloads: the same use cases
(:mod:`retrowalk.reports.build`) and the same renderers. A file is written whole or not at all
(a temporary file beside it, then renamed), and an existing one is kept unless ``--force``.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from retrowalk.cli.flags import speaks_flags
from retrowalk.cli.options import DbOption, WalkerArg, open_context, out
from retrowalk.reports.build import choose_period, report_record, table_histories
from retrowalk.reports.csv_tables import csv_tables
from retrowalk.reports.fhir_bundle import walker_bundle_json
from retrowalk.reports.report_pdf import report_pdf
from retrowalk.services.context import AppContext
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.schemas import Actor

DATE_FORMATS = ["%Y-%m-%d"]

FromOption = Annotated[
    datetime | None,
    typer.Option(
        "--from", formats=DATE_FORMATS, help="First day, YYYY-MM-DD (default: 12 weeks ago)."
    ),
]
ToOption = Annotated[
    datetime | None,
    typer.Option("--to", formats=DATE_FORMATS, help="Last day, YYYY-MM-DD (default: today)."),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace a file that is already there.")]


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def check_new_file(path: Path, force: bool) -> None:
    """Refuse a path that cannot take a new file, or one already there (unless ``force``)."""
    if not path.parent.is_dir():
        raise InvalidRequest(
            f"{path} cannot be written: the folder {path.parent} does not exist.", field="output"
        )
    if path.is_dir():
        raise InvalidRequest(f"{path} is a folder; give a file name.", field="output")
    if path.exists() and not force:
        raise InvalidRequest(
            f"{path} already exists; add --force to replace it, or choose another name.",
            field="output",
        )


def write_whole(path: Path, body: bytes) -> None:
    """Write ``body`` to ``path`` so that a crash leaves the old file or the new, never half."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(body)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        words = (exc.strerror or str(exc)).lower()
        raise InvalidRequest(f"{path} could not be written: {words}.", field="output") from None


def report(
    walker_id: WalkerArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="The PDF file to write.")],
    since: FromOption = None,
    until: ToOption = None,
    page_size: Annotated[
        Literal["A4", "Letter"], typer.Option("--page-size", help="A4 or Letter (US).")
    ] = "A4",
    force: ForceOption = False,
    database_url: DbOption = None,
) -> None:
    """Write a walker's clinical report (PDF) for their file: the same as the web download."""
    check_new_file(output, force)
    ctx, actor = open_context(database_url)
    chosen = choose_period(ctx, actor, walker_id, _day(since), _day(until))
    pdf = report_pdf(report_record(ctx, actor, walker_id, chosen), page_size=page_size)
    write_whole(output, pdf)
    out.print(f"Report for walker {walker_id}, {chosen.label()}, written to {output}.")


def export_fhir(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    path: Path,
    since: date | None,
    until: date | None,
) -> str:
    """The walker's FHIR R4 bundle (JSON) written to ``path``; returns what was written."""
    chosen = choose_period(ctx, actor, walker_id, since, until)
    bundle = walker_bundle_json(report_record(ctx, actor, walker_id, chosen))
    write_whole(path, bundle.encode("utf-8"))
    return f"FHIR R4 bundle for walker {walker_id}, {chosen.label()}"


def export_tables(
    ctx: AppContext,
    actor: Actor,
    walker_id: int | None,
    folder: Path,
    since: date | None,
    until: date | None,
) -> str:
    """Sessions, check-ins, red-flag reports, assessments and decisions as ``<kind>.csv``
    files in ``folder`` (created if missing): one walker's, or every walker's when
    ``walker_id`` is None."""
    if folder.exists() and not folder.is_dir():
        raise InvalidRequest(f"{folder} is a file; give a folder for the tables.", field="path")
    if not folder.parent.is_dir():
        raise InvalidRequest(
            f"{folder} cannot be written: the folder {folder.parent} does not exist.", field="path"
        )
    ids = [walker_id] if walker_id is not None else None
    histories, tests = table_histories(ctx, actor, ids, since, until)
    tables = csv_tables(histories, tests=tests)
    folder.mkdir(exist_ok=True)
    for name, text in sorted(tables.items()):
        write_whole(folder / f"{name}.csv", text.encode("utf-8"))
    count = len(histories)
    who = f"walker {walker_id}" if walker_id is not None else f"{count} walker" + "s"[: count != 1]
    return f"{len(tables)} CSV tables ({', '.join(sorted(tables))}) for {who}"


def register(app: typer.Typer) -> None:
    """Add ``retrowalk report`` to the root app (``export`` options live in :mod:`.data`)."""
    app.command("report")(speaks_flags(report))
