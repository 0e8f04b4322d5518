"""``retrowalk export``, ``import``, ``backup``, ``restore`` and ``demo``: the records as files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from retrowalk.cli.flags import speaks_flags
from retrowalk.cli.options import (
    DbOption,
    JsonOption,
    open_context,
    out,
    print_json,
    whole_option,
)
from retrowalk.cli.reports import (
    FromOption,
    ToOption,
    check_new_file,
    export_fhir,
    export_tables,
)
from retrowalk.present import vocabulary as vocab
from retrowalk.services import (
    transfer,
)
from retrowalk.services.context import build_context
from retrowalk.services.errors import InvalidRequest
from retrowalk.store import open_database
from retrowalk.store.backup import BackupError
from retrowalk.store.backup import backup as backup_database
from retrowalk.store.backup import restore as restore_database

FormatOption = Annotated[
    Literal["json", "csv"], typer.Option("--format", help="json (one file) or csv (a folder).")
]


def export(
    path: Annotated[Path, typer.Argument(help="JSON file, or folder for CSV.")],
    fmt: FormatOption = "json",
    force: Annotated[
        bool, typer.Option("--force", help="Replace an export that is already there.")
    ] = False,
    fhir: Annotated[
        int | None,
        typer.Option(
            "--fhir",
            parser=whole_option,
            metavar="WALKER",
            help="Write this walker's FHIR R4 bundle (JSON) instead.",
        ),
    ] = None,
    tables: Annotated[
        bool,
        typer.Option(
            "--tables",
            help="Write tidy CSV tables (sessions, check-ins, assessments, decisions) "
            "to the folder PATH instead: every walker's, or --walker's.",
        ),
    ] = False,
    walker: Annotated[
        int | None,
        typer.Option("--walker", parser=whole_option, help="With --tables: only this walker."),
    ] = None,
    since: FromOption = None,
    until: ToOption = None,
    database_url: DbOption = None,
) -> None:
    """Export every record (JSON or CSV) for a backup that `retrowalk import` reads back
    exactly; or, with --fhir or --tables, the files a record system or a researcher reads."""
    if fhir is not None or tables:
        _export_for_records(path, fmt, force, fhir, tables, walker, since, until, database_url)
        return
    if walker is not None or since is not None or until is not None:
        raise InvalidRequest(
            "--walker, --from and --to go with --fhir or --tables; a full export holds every "
            "record.",
            field="walker",
        )
    _check_new_path(path, fmt, force)
    ctx, actor = open_context(database_url)
    try:
        transfer.export_to(ctx, actor, path, fmt)
    except OSError as exc:
        raise InvalidRequest(f"{path} could not be written: {_os_words(exc)}.") from None
    out.print(f"Exported to {path} ({fmt}).")


def _export_for_records(
    path: Path,
    fmt: str,
    force: bool,
    fhir: int | None,
    tables: bool,
    walker: int | None,
    since: datetime | None,
    until: datetime | None,
    database_url: str | None,
) -> None:
    if fhir is not None and tables:
        raise InvalidRequest("choose --fhir or --tables, not both.", field="fhir")
    if fmt != "json":
        raise InvalidRequest(
            "--format is for the full export; --fhir writes JSON and --tables writes CSV.",
            field="format",
        )
    first, last = (d.date() if d is not None else None for d in (since, until))
    if fhir is not None:
        if walker is not None:
            raise InvalidRequest("--walker goes with --tables; --fhir names the walker.")
        check_new_file(path, force)
        ctx, actor = open_context(database_url)
        what = export_fhir(ctx, actor, fhir, path, first, last)
    else:
        if path.is_dir() and any(path.iterdir()) and not force:
            raise InvalidRequest(
                f"{path} already holds files; add --force to write into it, or choose another "
                "folder.",
                field="path",
            )
        ctx, actor = open_context(database_url)
        what = export_tables(ctx, actor, walker, path, first, last)
    out.print(f"{what} written to {path}.")


def _os_words(exc: OSError) -> str:
    """``[Errno 28] No space left on device`` → "no space left on device"."""
    return (exc.strerror or str(exc)).lower()


def _check_new_path(path: Path, fmt: str, force: bool) -> None:
    """Refuse to write over what is there (unless ``force``), or into a missing folder."""
    if not path.parent.is_dir():
        raise InvalidRequest(f"{path} cannot be written: the folder {path.parent} does not exist.")
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_file() and not path.is_dir():
        raise InvalidRequest(f"{path} is not a regular file or folder; choose another name.")
    if fmt == "json" and path.is_dir():
        raise InvalidRequest(f"{path} is a folder; give a file name for a JSON export.")
    if fmt == "csv" and path.is_file():
        raise InvalidRequest(f"{path} is a file; give a folder name for a CSV export.")
    if not force:
        raise InvalidRequest(
            f"{path} already exists; add --force to replace it, or choose another name."
        )


def import_cmd(
    path: Annotated[Path, typer.Argument(help="JSON file, or folder of CSV files.")],
    fmt: Annotated[
        Literal["json", "csv"] | None,
        typer.Option(
            "--format", help="json (one file) or csv (a folder); by default, from the path."
        ),
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Import an export into an EMPTY database (ids kept)."""
    if fmt is None:
        fmt = "csv" if path.is_dir() else "json"
    ctx = build_context(database_url)
    count = transfer.import_from(ctx, path, fmt)
    out.print(f"Imported {count} rows from {path}.")


def backup(
    path: Annotated[Path, typer.Argument(help="The new backup file.")],
    database_url: DbOption = None,
) -> None:
    """A consistent copy of the live database (SQLite backup API; PostgreSQL: an export)."""
    if not path.parent.is_dir():
        raise InvalidRequest(f"{path} cannot be written: the folder {path.parent} does not exist.")
    ctx = open_database(database_url)
    try:
        how = backup_database(ctx, path)
    except BackupError as exc:
        raise InvalidRequest(str(exc)) from None
    except OSError as exc:
        raise InvalidRequest(f"{path} could not be written: {_os_words(exc)}.") from None
    out.print(
        f"Backed up to {path} "
        f"({'SQLite online backup' if how == 'sqlite-backup' else 'logical export'})."
    )


def restore(
    path: Annotated[Path, typer.Argument(help="A file made by `retrowalk backup`.")],
    database_url: DbOption = None,
) -> None:
    """Restore a backup (SQLite: replaces the database; PostgreSQL: into an empty one)."""
    ctx = open_database(database_url, migrate=False)
    try:
        restore_database(ctx, path)
    except BackupError as exc:
        raise InvalidRequest(str(exc)) from None
    out.print(f"Restored from {path}.")


def demo(
    seed: Annotated[
        int,
        typer.Option(parser=whole_option, help="Random seed: the same seed gives the same walker."),
    ] = 1,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a realistic six-week walker through the real use cases (deterministic)."""
    from retrowalk.services.demo import run_demo

    ctx, actor = open_context(database_url)
    result = run_demo(ctx, actor, seed=seed)
    if as_json:
        print_json(result)
        return
    decisions = ", ".join(
        f"{vocab.DECISIONS.short(name)} {count}×" for name, count in result["decisions"].items()
    )
    out.print(
        f"Demo walker {result['walker_id']} ({result['email']}): {result['sessions']} sessions, "
        f"{result['checkins']} check-ins over six weeks. Decisions: {decisions or 'none'}."
    )
    out.print(f"See: retrowalk history {result['walker_id']} --weeks 8 --at {result['until']}")


def register(app: typer.Typer) -> None:
    """Add the data commands to the root app."""
    app.command("export")(speaks_flags(export))
    app.command("import")(speaks_flags(import_cmd))
    app.command("backup")(speaks_flags(backup))
    app.command("restore")(speaks_flags(restore))
    app.command("demo")(speaks_flags(demo))
