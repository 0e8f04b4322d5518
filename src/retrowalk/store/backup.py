"""Consistent copies of a live database.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies pages under a read
lock, so the copy is a consistent snapshot even while sessions are being logged. PostgreSQL:
a logical copy in the export format (:mod:`retrowalk.store.transfer`) taken in one
REPEATABLE READ transaction; restore imports it into an empty database.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from sqlalchemy import Engine

from retrowalk.store import transfer
from retrowalk.store.engine import Database
from retrowalk.store.private_files import create_private_file


class BackupError(ValueError):
    """A backup or restore that cannot be done; the message says why."""


def _sqlite_path(engine: Engine) -> str:
    path = engine.url.database
    if not path or path == ":memory:":
        raise BackupError("Only a SQLite database in a file can be backed up this way.")
    return path


def backup(db: Database, target: Path) -> str:
    """Copy the live database to ``target``; returns how (``sqlite-backup`` or ``export``)."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    if db.backend == "sqlite":
        _sqlite_path(db.engine)
        create_private_file(target)  # owner-only (0600): a backup holds health records
        raw = db.engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            with sqlite3.connect(target) as copy:
                source.backup(copy)
            copy.close()
        finally:
            raw.close()
        return "sqlite-backup"
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        from sqlalchemy.orm import Session

        with Session(bind=conn) as session:
            transfer.write_json(transfer.dump(session), target)
    return "export"


def _create_schema(db: Database) -> None:
    """Create the tables in a brand-new PostgreSQL database, so that restore needs no ``init``."""
    from retrowalk.store.migrate import current_revision, head_revision, upgrade

    if current_revision(db.engine) != head_revision():
        upgrade(db.engine)


def _rename_instance(conn: sqlite3.Connection) -> None:
    """Give the restored copy a new name: a running server must not take what it kept about
    the records before (keyed on version numbers the restore put back) for this copy's."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'database_instance'"
    ).fetchone()
    if has_table:  # a backup of a schema before 0009 gets its table when next migrated
        conn.execute("UPDATE database_instance SET instance_id = ?", (uuid.uuid4().hex,))
        conn.commit()


def restore(db: Database, source: Path) -> str:
    """Replace the (SQLite) database with a backup, or import one into an empty PostgreSQL."""
    if not source.exists():
        raise BackupError(f"{source} does not exist; give a file made by `retrowalk backup`.")
    if source.is_dir():
        raise BackupError(f"{source} is a folder; give a file made by `retrowalk backup`.")
    if not source.is_file():
        raise BackupError(
            f"{source} is not a regular file (a device or a pipe); give a file made by "
            "`retrowalk backup`."
        )
    if db.backend == "sqlite":
        _sqlite_path(db.engine)
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_conn:
                backup_conn.execute("SELECT count(*) FROM alembic_version").fetchone()
                db.engine.dispose()
                raw = db.engine.raw_connection()
                try:
                    target = raw.driver_connection
                    assert isinstance(target, sqlite3.Connection)
                    backup_conn.backup(target)
                    _rename_instance(target)
                finally:
                    raw.close()
            backup_conn.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a retrowalk SQLite backup: {exc}.") from None
        return "sqlite-backup"
    try:
        data = transfer.read_json(source)
        _create_schema(db)
        with db.transaction() as session:
            transfer.load(session, data)
    except transfer.TransferError as exc:
        # The transaction rolled back: the database is as it was.
        raise BackupError(f"Cannot restore {source}: {exc}") from None
    return "export"
