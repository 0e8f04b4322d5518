"""Where the database lives: ``RETROWALK_DATABASE_URL``, else SQLite in the user data folder.

A walker running the CLI on a laptop needs no setup (SQLite next to their other app data);
a clinic points every process at the same PostgreSQL with one environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from retrowalk.store.private_files import private_dir

DATABASE_URL_ENV = "RETROWALK_DATABASE_URL"
DEFAULT_SQLITE_NAME = "retrowalk.sqlite"


def default_sqlite_path() -> Path:
    """The SQLite file in the platform's user data directory (created on first use, 0600)."""
    return Path(platformdirs.user_data_dir("retrowalk")) / DEFAULT_SQLITE_NAME


def sqlite_url(path: Path) -> str:
    """A SQLAlchemy URL for a SQLite file at ``path``."""
    return f"sqlite+pysqlite:///{path}"


def database_url(explicit: str | None = None) -> str:
    """The URL to use: ``explicit`` first, then the environment, then the default SQLite file."""
    if explicit:
        return explicit
    from_env = os.environ.get(DATABASE_URL_ENV, "").strip()
    if from_env:
        return from_env
    path = default_sqlite_path()
    private_dir(path.parent)  # health records: the folder is the owner's only (0700)
    return sqlite_url(path)
