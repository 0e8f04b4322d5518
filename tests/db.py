"""The two real databases every storage and service test runs on.

``database_url`` is parametrised over SQLite (a temporary file) and PostgreSQL
(``RETROWALK_TEST_POSTGRES_URL``, default ``postgresql+psycopg://root@127.0.0.1:5432/test``).
Each PostgreSQL test gets a fresh schema (through ``search_path``), dropped afterwards, so
runs never see each other's rows. With no PostgreSQL answering, those tests SKIP saying why —
unless ``RETROWALK_REQUIRE_POSTGRES=1`` (CI), when they FAIL.

Import the fixtures into a test module or conftest: ``from tests.db import ctx, database,
database_url``; ``ctx`` is the application context the use cases take, on ``database``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrowalk.services.context import AppContext
from retrowalk.store import Database, open_database

DEFAULT_POSTGRES_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"


def postgres_url() -> str:
    return os.environ.get("RETROWALK_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def postgres_required() -> bool:
    return os.environ.get("RETROWALK_REQUIRE_POSTGRES", "") == "1"


def _unavailable(error: str) -> None:
    message = f"no PostgreSQL at {postgres_url()}: {error}"
    if postgres_required():
        pytest.fail(message + " (RETROWALK_REQUIRE_POSTGRES=1: PostgreSQL tests must run)")
    pytest.skip(message)


def _admin_connection():  # type: ignore[no-untyped-def]
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url())
    return psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
        connect_timeout=5,
    )


def with_search_path(url: str, schema: str) -> str:
    """``url`` with the session's search_path set to ``schema``."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections live in a new, empty schema (dropped after the test)."""
    try:
        conn = _admin_connection()
    except Exception as exc:
        _unavailable(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
    schema = f"rw_test_{uuid.uuid4().hex[:12]}"
    with conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield with_search_path(postgres_url(), schema)
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database's URL: SQLite file or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite+pysqlite:///{tmp_path / 'retrowalk.sqlite'}"
    return str(request.getfixturevalue("postgres_schema_url"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite-only database URL (for the slower end-to-end tests)."""
    return f"sqlite+pysqlite:///{tmp_path / 'retrowalk.sqlite'}"


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated database on each backend."""
    db = open_database(database_url)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def ctx(database: Database) -> AppContext:
    """The application context the use cases take, on that database (the server's clock;
    ``ctx.at(moment)`` for another)."""
    return AppContext(db=database)
