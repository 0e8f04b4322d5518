"""Storage of retrowalk: SQLAlchemy 2 models, repositories, Alembic migrations, backups.

SQLite in the user data folder by default (WAL, foreign keys on); any SQLAlchemy URL —
PostgreSQL included (``postgresql+psycopg://...``) — through ``RETROWALK_DATABASE_URL``.
Nothing outside this package builds SQL.
"""

from retrowalk.store.config import DATABASE_URL_ENV, database_url, default_sqlite_path
from retrowalk.store.engine import Database, make_engine, open_database

__all__ = [
    "DATABASE_URL_ENV",
    "Database",
    "database_url",
    "default_sqlite_path",
    "make_engine",
    "open_database",
]
