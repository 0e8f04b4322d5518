"""Export and import of the whole database (admin), in JSON or CSV, round-trip exact."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from retrowalk.services.access import require_role
from retrowalk.services.context import AppContext
from retrowalk.services.errors import Conflict, InvalidRequest
from retrowalk.services.schemas import Actor, Role
from retrowalk.store import transfer

Format = Literal["json", "csv"]


def export_data(ctx: AppContext, actor: Actor) -> dict[str, Any]:
    """Every table as JSON-ready data (an administrator's job: it holds everyone's records)."""
    with ctx.db.reader() as tx:
        require_role(tx, actor, Role.ADMIN)
        return transfer.dump(tx)


def export_to(ctx: AppContext, actor: Actor, path: Path, fmt: Format) -> None:
    """Write the export to ``path`` (a JSON file, or a folder of CSV files)."""
    data = export_data(ctx, actor)
    if fmt == "json":
        transfer.write_json(data, path)
    else:
        transfer.write_csv(data, path)


def import_data(ctx: AppContext, data: dict[str, Any]) -> int:
    """Load an export into an EMPTY database, ids kept; returns how many rows.

    No actor: an empty database has no accounts yet, and the export brings its own. The
    import is not added to the audit log, so the copy stays identical to its source.
    """
    try:
        with ctx.db.transaction() as tx:
            return transfer.load(tx, data)
    except transfer.TransferError as exc:
        raise Conflict(str(exc)) from None


def import_from(ctx: AppContext, path: Path, fmt: Format) -> int:
    """Read an export from ``path`` and import it (see :func:`import_data`)."""
    try:
        data = transfer.read_json(path) if fmt == "json" else transfer.read_csv(path)
    except transfer.TransferError as exc:
        raise InvalidRequest(str(exc), field="path") from None
    return import_data(ctx, data)
