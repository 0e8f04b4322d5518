"""Every table to plain data and back, exactly: the export/import and PostgreSQL backup format.

Rows keep their ids, so a copy is the same database; values are encoded by column type
(aware UTC datetimes and dates as ISO 8601, JSON columns as JSON, floats as Python's
shortest exact form, binary columns — a recording's file — as base64), so export → import →
export is byte-identical. CSV writes one file per
table plus ``manifest.json``; ``\\N`` marks NULL (as PostgreSQL's COPY does), so an empty
text is kept apart from a missing one; a text that starts with a backslash gets one more.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    Integer,
    LargeBinary,
    Table,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from retrowalk.store.column_types import UTCDateTime
from retrowalk.store.json_files import JsonFileError, read_json_file
from retrowalk.store.models import LOCAL_STATE_TABLES, Base, DatabaseInstance
from retrowalk.store.private_files import create_private_file, private_dir, write_private_text


def _head_revision() -> str | None:
    """The schema revision an export is stamped with (Alembic is imported only when needed)."""
    from retrowalk.store.migrate import head_revision

    return head_revision()


FORMAT = "retrowalk-export"
FORMAT_VERSION = 1
NULL = "\\N"
INTEGER_MIN = -(2**31)
INTEGER_MAX = 2**31 - 1
"""INTEGER columns are 32-bit on PostgreSQL; SQLite would take more, so an import checks."""


class TransferError(ValueError):
    """An export file that cannot be imported; the message says why."""


def _tables() -> list[Table]:
    """The tables of records, parents first (sign-in state and the database's own name are
    not exported: see models)."""
    return [t for t in Base.metadata.sorted_tables if t.name not in LOCAL_STATE_TABLES]


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_contains_nul(v) for v in value)
    return False


def _decode(table: Table, column: str, value: Any) -> Any:
    """One exported value as the column stores it; a value that SQLite would take but
    PostgreSQL would refuse (a NUL character, an integer beyond 32 bits) is refused on both."""
    if value is None:
        return None
    kind = table.c[column].type
    if _contains_nul(value):
        raise TransferError(
            f"{table.name}.{column}: a text with a NUL character (\\x00) cannot be stored."
        )
    if isinstance(kind, Integer) and (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not INTEGER_MIN <= value <= INTEGER_MAX
    ):
        raise TransferError(
            f"{table.name}.{column}: {value!r} is not a whole number from {INTEGER_MIN} to "
            f"{INTEGER_MAX}."
        )
    if isinstance(kind, LargeBinary):
        try:
            return base64.b64decode(value, validate=True)
        except (TypeError, ValueError):
            raise TransferError(f"{table.name}.{column}: the value is not base64.") from None
    try:
        if isinstance(kind, UTCDateTime):
            return datetime.fromisoformat(value)
        if isinstance(kind, Date):
            return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise TransferError(f"{table.name}.{column}: {value!r} is not an ISO date/time.") from None
    return value


def dump(session: Session) -> dict[str, Any]:
    """Every row of every table, in id order, as JSON-ready data."""
    tables: dict[str, Any] = {}
    for table in _tables():
        columns = [c.name for c in table.columns]
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        tables[table.name] = {
            "columns": columns,
            "rows": [[_encode(v) for v in row] for row in rows],
        }
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": _head_revision(),
        "tables": tables,
    }


def is_empty(session: Session) -> bool:
    """True when no table holds a row."""
    return all(not session.scalar(select(func.count()).select_from(table)) for table in _tables())


def load(session: Session, data: dict[str, Any]) -> int:
    """Insert an export into an empty database (ids kept); returns the number of rows."""
    if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
        raise TransferError(f"This is not a retrowalk export of format version {FORMAT_VERSION}.")
    if data.get("schema_revision") != _head_revision():
        raise TransferError(
            f"The export is of schema {data.get('schema_revision')!r}; this retrowalk reads "
            f"{_head_revision()!r}."
        )
    if not is_empty(session):
        raise TransferError("Import only into an empty database: this one already has data.")
    count = 0
    by_name = {t.name: t for t in _tables()}
    for name in data.get("tables", {}):
        if name not in by_name:
            raise TransferError(f"The export has an unknown table {name!r}.")
    for table in _tables():
        block = data["tables"].get(table.name, {"columns": [], "rows": []})
        columns = block["columns"]
        unknown = set(columns) - {c.name for c in table.columns}
        if unknown:
            raise TransferError(f"{table.name}: unknown columns {sorted(unknown)}.")
        rows = [
            {col: _decode(table, col, v) for col, v in zip(columns, row, strict=True)}
            for row in block["rows"]
        ]
        if rows:
            try:
                with session.begin_nested():
                    session.execute(insert(table), rows)
            except DBAPIError as exc:
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                raise TransferError(
                    f"{table.name}: the export's rows do not fit this database ({reason})."
                ) from None
            count += len(rows)
    # a new copy of the data: nothing a running process kept about the copy before may be
    # taken for it (``models.DatabaseInstance``)
    session.execute(update(DatabaseInstance).values(instance_id=uuid.uuid4().hex))
    if session.get_bind().dialect.name == "postgresql":
        for table in _tables():
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )
    return count


# --- files -------------------------------------------------------------------------------------


def write_json(data: dict[str, Any], path: Path) -> None:
    """Write an export, owner-only (0600: it holds health records).

    It is written beside ``path`` first and moved into place only when complete, so a full
    disk or an interruption never leaves half an export, nor spoils the one it replaces.
    """
    text = json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    if path.exists() and not path.is_file():  # a device or a folder: never replaced
        write_private_text(path, text)
        return
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        write_private_text(partial, text)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


MAX_EXPORT_BYTES = 1024 * 1024 * 1024
"""An export larger than 1 GB is refused before it is read (about 5 million sessions)."""


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = read_json_file(path, max_bytes=MAX_EXPORT_BYTES)
    except JsonFileError as exc:
        raise TransferError(f"{path} is not a readable JSON export: it {exc.reason}.") from None
    if not isinstance(data, dict):
        raise TransferError(f"{path} is not a retrowalk export (a JSON object is expected).")
    return data


def _cell(table: Table, column: str, value: Any) -> str:
    if value is None:
        return NULL
    kind = table.c[column].type
    if isinstance(kind, JSON):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if isinstance(kind, Boolean):
        return "true" if value else "false"
    if isinstance(kind, Float):
        return repr(float(value))
    if isinstance(value, str) and value.startswith("\\"):
        return "\\" + value
    return str(value)


def _uncell(table: Table, column: str, cell: str) -> Any:
    if cell == NULL:
        return None
    kind = table.c[column].type
    try:
        if isinstance(kind, JSON):
            return json.loads(cell)
        if isinstance(kind, Boolean):
            if cell not in ("true", "false"):
                raise ValueError(cell)
            return cell == "true"
        if isinstance(kind, Float):
            return float(cell)
        if isinstance(kind, Integer):
            return int(cell)
    except ValueError:
        raise TransferError(f"{table.name}.{column}: {cell!r} is not a valid value.") from None
    if cell.startswith("\\"):
        return cell[1:]
    return cell


def write_csv(data: dict[str, Any], folder: Path) -> None:
    """One ``<table>.csv`` per table and a ``manifest.json`` in ``folder``."""
    private_dir(folder)
    by_name = {t.name: t for t in _tables()}
    manifest = {k: v for k, v in data.items() if k != "tables"}
    manifest["tables"] = sorted(data["tables"])
    write_json(manifest, folder / "manifest.json")
    for name, block in data["tables"].items():
        table = by_name[name]
        create_private_file(folder / f"{name}.csv")
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(block["columns"])
            for row in block["rows"]:
                writer.writerow(
                    [_cell(table, c, v) for c, v in zip(block["columns"], row, strict=True)]
                )


def read_csv(folder: Path) -> dict[str, Any]:
    manifest = read_json(folder / "manifest.json")
    by_name = {t.name: t for t in _tables()}
    tables: dict[str, Any] = {}
    for name in manifest.get("tables", []):
        if name not in by_name:
            raise TransferError(f"The export has an unknown table {name!r}.")
        table = by_name[name]
        try:
            with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                columns = next(reader)
                unknown = set(columns) - {c.name for c in table.columns}
                if unknown:
                    raise TransferError(f"{name}.csv: unknown columns {sorted(unknown)}.")
                rows = [
                    [_uncell(table, c, v) for c, v in zip(columns, row, strict=True)]
                    for row in reader
                ]
        except (OSError, StopIteration, ValueError) as exc:
            if isinstance(exc, TransferError):
                raise
            raise TransferError(f"{folder / (name + '.csv')} cannot be read: {exc}.") from None
        tables[name] = {"columns": columns, "rows": rows}
    data = {k: v for k, v in manifest.items() if k != "tables"}
    data["tables"] = tables
    return data
