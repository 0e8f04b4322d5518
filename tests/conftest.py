"""Test fixtures shared by every package's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Tests never assert wall-clock time (speed is `make bench`'s business): Hypothesis's
# per-example deadline would be one, and flaky on a loaded 2-core CI machine.
settings.register_profile(
    "retrowalk", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("retrowalk")

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """``../shared`` beside the project root (override with ``RETROWALK_SHARED``)."""
    return Path(os.environ.get("RETROWALK_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not path.is_dir():
        pytest.fail(f"the shared folder {path} is missing: clone the project beside ../shared")
    return path


@pytest.fixture(scope="session", autouse=True)
def _no_test_writes_the_users_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A command run without ``--database-url`` (``retrowalk start``) opens the default
    database: in the tests that is a temporary SQLite file, never the user's data folder."""
    if os.environ.get("RETROWALK_DATABASE_URL"):
        yield
        return
    path = tmp_path_factory.mktemp("default-db") / "retrowalk.sqlite3"
    os.environ["RETROWALK_DATABASE_URL"] = f"sqlite:///{path}"
    try:
        yield
    finally:
        os.environ.pop("RETROWALK_DATABASE_URL", None)
