"""Schema migrations through Alembic's Python API, with the scripts shipped in the package.

An installed retrowalk migrates its own database (``retrowalk init`` or on open); nobody
needs the ``alembic`` command or an ``alembic.ini``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from retrowalk.store.models import Base

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at the packaged scripts (and at ``engine`` when given)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the schema up to ``revision`` (default: the latest)."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Migrate the schema down to ``revision`` (default: empty)."""
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when it was never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this version of retrowalk."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_differences(engine: Engine) -> list[Any]:
    """What autogenerate would change to make the database match the models ([] when equal)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


__all__ = [
    "EnvironmentContext",
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "schema_differences",
    "upgrade",
]
