"""Opening a database: engine, SQLite pragmas, sessions, and migration to the latest schema."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from retrowalk.store.config import database_url
from retrowalk.store.private_files import create_private_file


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL (readers never block the writer), foreign keys enforced, durable commits.

    ``synchronous=FULL`` makes a commit survive a power cut as well as a killed process:
    an acknowledged session is never lost.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # Let SQLAlchemy, not the sqlite3 module, say where transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None


_BEGIN: ContextVar[str | None] = ContextVar("retrowalk_sqlite_begin", default="BEGIN")
"""What begins a SQLite transaction here and now: ``BEGIN`` (reads), ``BEGIN IMMEDIATE`` (set
by :meth:`Database.transaction`) or nothing (one read statement, :meth:`Database.row_reader`).
A context variable, not a connection's execution option, because the dialect's ``do_begin``
that reads it is given only the driver's connection (see :func:`_sqlite_do_begin`)."""


@contextmanager
def _begin_as(statement: str | None) -> Iterator[None]:
    """SQLite transactions begun in the block begin with ``statement`` (None: not at all)."""
    token = _BEGIN.set(statement)
    try:
        yield
    finally:
        _BEGIN.reset(token)


def _sqlite_do_begin(dbapi_connection: Any) -> None:
    """Emit BEGIN ourselves (the SQLAlchemy recipe for pysqlite savepoints).

    Left to itself, Python's sqlite3 module begins a transaction only at the first INSERT or
    UPDATE, so a SAVEPOINT opened before that (``begin_nested``) started its own transaction
    and its RELEASE committed it: a use case that failed later kept half its rows. A write
    transaction begins IMMEDIATE (it takes the write lock at once and waits for it up to the
    busy timeout, instead of failing when a read turns into a write); reads begin DEFERRED;
    one SELECT needs no BEGIN (SQLite's autocommit mode reads it whole).

    This is the dialect's ``do_begin``, not the recipe's ``begin`` event: with any
    connection-event listener on an engine SQLAlchemy dispatches every connection event of
    every statement (before and after executing, before and after the cursor), which was
    about 170 of "today"'s 1,380 Python calls and 300 of the log's 1,940
    (docs/performance.md)."""
    statement = _BEGIN.get()
    if statement is not None:
        dbapi_connection.execute(statement)


def _create_sqlite_file(database: str | None, query: dict[str, object]) -> None:
    """Create a new SQLite file owner-only (0600) before SQLite makes it world-readable.

    An empty file is a valid SQLite database, and SQLite gives its ``-wal`` and ``-shm``
    files the database file's permissions, so these are private too. In-memory databases,
    URI filenames and a file in a missing folder (SQLite's own error) are left to SQLite.
    """
    if not database or database == ":memory:" or database.startswith("file:") or "uri" in query:
        return
    path = Path(database)
    if path.parent.is_dir():
        create_private_file(path)


SQLITE_POOL_SIZE = 40
"""Connections kept open to a SQLite file: one for each of the web server's worker threads
(anyio's default of 40). With SQLAlchemy's default of 5 kept, more than 5 requests at once
opened a new connection each (a file open and four pragmas) and closed it after: at 10
clients that was 12 % of the server's busy time (py-spy, docs/performance.md). An open
SQLite connection costs a file handle and a page cache."""

POSTGRESQL_POOL_SIZE = 20
"""Connections kept open to PostgreSQL, per process: each is a server process, so four
workers keep 80 at most, within PostgreSQL's default ``max_connections`` of 100."""

POOL_OVERFLOW = 20
"""Connections opened beyond those kept, when more are asked for at once (closed after)."""


def _pool_options(backend: str, database: str | None) -> dict[str, int]:
    """The pool's sizes for a file or server database (an in-memory SQLite has its own)."""
    if backend == "postgresql":
        return {"pool_size": POSTGRESQL_POOL_SIZE, "max_overflow": POOL_OVERFLOW}
    if (
        backend == "sqlite"
        and database
        and database != ":memory:"
        and "mode=memory" not in database
    ):
        return {"pool_size": SQLITE_POOL_SIZE, "max_overflow": POOL_OVERFLOW}
    return {}


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default: :func:`retrowalk.store.config.database_url`)."""
    resolved = make_url(database_url(url))
    options = {**_pool_options(resolved.get_backend_name(), resolved.database), **kwargs}
    engine = create_engine(resolved, **options)
    if resolved.get_backend_name() == "sqlite":
        _create_sqlite_file(resolved.database, dict(resolved.query))
        event.listen(engine, "connect", _sqlite_pragmas)
        engine.dialect.do_begin = _sqlite_do_begin  # type: ignore[method-assign]
    return engine


class Database:
    """One database: its engine and a session factory. Services open a unit of work here."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.engine = engine if engine is not None else make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # PostgreSQL reads at READ COMMITTED: each statement sees its own snapshot, in a
        # transaction or not, so a read needs no BEGIN and ROLLBACK (two round trips of a
        # request's five). SQLite's reads keep their transaction: it is their one snapshot.
        self._reading = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT")
            if self.backend == "postgresql"
            else self.engine
        )
        self._read_sessions = (
            sessionmaker(self._reading, expire_on_commit=False)
            if self.backend == "postgresql"
            else self._sessions
        )
        self._writer: AbstractContextManager[object] = (
            threading.RLock() if self.backend == "sqlite" else nullcontext()
        )

    @property
    def url(self) -> str:
        """The URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.url.get_backend_name()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error.

        On SQLite, one write transaction runs at a time anyway (BEGIN IMMEDIATE): the threads
        of this process queue for it on a lock, woken as soon as it is free, instead of
        polling SQLite's busy handler, whose growing sleeps leave the database idle while
        writers wait. Other processes still meet at SQLite's own lock."""
        with (
            self._writer,
            _begin_as("BEGIN IMMEDIATE"),
            self._sessions() as session,
            session.begin(),
        ):
            session.connection()  # begun now: the write lock is taken here
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reading only (rolled back at the end).

        Rows read here stay usable afterwards (detached with their loaded values, not
        expired), so a caller may read ``row.id`` after the block.
        """
        with _begin_as("BEGIN"), self._read_sessions() as session:  # a read, even in a write
            try:
                yield session
            finally:
                session.expunge_all()
                session.rollback()

    @contextmanager
    def row_reader(self) -> Iterator[Connection]:
        """A connection for one read statement (rolled back at the end), for the reads every
        request makes that want rows, not objects: on SQLite an ORM session's setup and
        entity loading cost several times the query itself. One statement is atomic on its
        own, so none is sent to begin or end a transaction around it."""
        with _begin_as(None), self._reading.connect() as connection:
            try:
                yield connection
            finally:
                connection.rollback()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


class DatabaseOpenError(ValueError):
    """The database URL cannot be used or the database cannot be opened (one sentence)."""


EXAMPLE_URLS = "sqlite:///path/to/retrowalk.sqlite or postgresql+psycopg://user@host/dbname"


def _shown(url: str | None) -> str:
    """A URL fit to print: its password hidden, cut to a sensible length."""
    text = str(url or "")
    text = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", text)
    return repr(text if len(text) <= 120 else text[:119] + "…")


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open the database at ``url`` and (by default) bring its schema to the latest version.

    Every way a URL or a database can be wrong — unreadable, an unknown kind, a folder that
    does not exist, a server that does not answer, a file that is no database — is a
    :class:`DatabaseOpenError` with one sentence, never a driver's traceback.
    """
    try:
        db = Database(url)
    except (NoSuchModuleError, ImportError):  # NoSuchModuleError is an ArgumentError: first
        raise DatabaseOpenError(
            f"The database URL {_shown(url)} names a kind of database retrowalk cannot use; "
            f"give e.g. {EXAMPLE_URLS}."
        ) from None
    except (ArgumentError, ValueError, TypeError):
        raise DatabaseOpenError(
            f"The database URL {_shown(url)} is not one retrowalk can read; expected e.g. "
            f"{EXAMPLE_URLS}."
        ) from None
    if db.backend == "sqlite":
        folder = _sqlite_folder(db.engine)
        if folder is not None and not folder.is_dir():
            raise DatabaseOpenError(
                f"The database {db.url} cannot be made: the folder {folder} does not exist."
            )
    if migrate:
        from retrowalk.store.migrate import current_revision, head_revision, upgrade

        try:
            if current_revision(db.engine) != head_revision():
                upgrade(db.engine)
        except DBAPIError as exc:
            db.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
            raise DatabaseOpenError(
                f"The database {db.url} cannot be opened: {reason.rstrip('.')}."
            ) from None
    return db


def _sqlite_folder(engine: Engine) -> Path | None:
    """The folder of a SQLite file (None in memory or for a URI filename)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).parent
