"""Export and import of the whole database (admin), in JSON or CSV, round-trip exact."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from retrowalk.services.access import require_role
from retrowalk.services.errors import Conflict, InvalidRequest
from retrowalk.services.schemas import Actor, Role
from retrowalk.store import Database, transfer

Format = Literal["json", "csv"]


def export_data(db: Database, actor: Actor) -> dict[str, Any]:
    """Every table as JSON-ready data (an administrator's job: it holds everyone's records)."""
    with db.reader() as session:
        require_role(session, actor, Role.ADMIN)
        return transfer.dump(session)


def export_to(db: Database, actor: Actor, path: Path, fmt: Format) -> None:
    """Write the export to ``path`` (a JSON file, or a folder of CSV files)."""
    data = export_data(db, actor)
    if fmt == "json":
        transfer.write_json(data, path)
    else:
        transfer.write_csv(data, path)


def import_data(db: Database, data: dict[str, Any]) -> int:
    """Load an export into an EMPTY database, ids kept; returns how many rows.

    No actor: an empty database has no accounts yet, and the export brings its own. The
    import is not added to the audit log, so the copy stays identical to its source.
    """
    try:
        with db.transaction() as session:
            return transfer.load(session, data)
    except transfer.TransferError as exc:
        raise Conflict(str(exc)) from None


def import_from(db: Database, path: Path, fmt: Format) -> int:
    """Read an export from ``path`` and import it (see :func:`import_data`)."""
    try:
        data = transfer.read_json(path) if fmt == "json" else transfer.read_csv(path)
    except transfer.TransferError as exc:
        raise InvalidRequest(str(exc), field="path") from None
    return import_data(db, data)
