"""Health data stays the owner's: the data folder 0700, the database, backups, exports 0600.

Uses a fresh ``XDG_DATA_HOME`` (honoured by platformdirs on Linux) so the default database
path is the one a walker's first ``retrowalk`` run would create.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrowalk.services import accounts
from retrowalk.services import transfer as transfer_service
from retrowalk.services.context import AppContext
from retrowalk.store import open_database
from retrowalk.store.backup import backup
from retrowalk.store.config import DATABASE_URL_ENV, default_sqlite_path
from retrowalk.store.private_files import create_private_file, private_dir, write_private_text

pytestmark = pytest.mark.skipif(
    os.name != "posix" or sys.platform == "darwin",
    reason="POSIX modes; platformdirs reads XDG_DATA_HOME on Linux",
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def fresh_data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    old = os.umask(0o022)  # the usual default: what made the files world-readable
    try:
        yield tmp_path
    finally:
        os.umask(old)


def test_default_database_folder_and_files_are_owner_only(fresh_data_home: Path) -> None:
    path = default_sqlite_path()
    assert str(path).startswith(str(fresh_data_home)), "the test must not touch real data"
    db = open_database()
    try:
        accounts.ensure_local_admin(AppContext(db=db))
        with db.engine.connect():
            sidecars = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
            assert all(p.exists() for p in sidecars), "WAL mode keeps these while open"
            assert {_mode(p) for p in sidecars} == {0o600}
        assert _mode(path.parent) == 0o700
        assert _mode(path) == 0o600
    finally:
        db.dispose()


def test_backup_and_exports_are_owner_only(fresh_data_home: Path) -> None:
    db = open_database()
    try:
        admin = accounts.ensure_local_admin(AppContext(db=db))
        copy = fresh_data_home / "backup.sqlite"
        backup(db, copy)
        assert _mode(copy) == 0o600
        as_json = fresh_data_home / "export.json"
        transfer_service.export_to(AppContext(db=db), admin, as_json, "json")
        assert _mode(as_json) == 0o600
        folder = fresh_data_home / "csv"
        transfer_service.export_to(AppContext(db=db), admin, folder, "csv")
        assert _mode(folder) == 0o700
        files = list(folder.iterdir())
        assert files
        assert {_mode(f) for f in files} == {0o600}
    finally:
        db.dispose()


def test_what_the_user_made_is_left_as_it_is(tmp_path: Path) -> None:
    """Only what retrowalk creates is narrowed: an existing folder or file keeps its mode."""
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    private_dir(shared)
    assert _mode(shared) == 0o755
    existing = shared / "export.json"
    existing.write_text("{}")
    os.chmod(existing, 0o640)
    assert not create_private_file(existing)
    write_private_text(existing, "[]")
    assert _mode(existing) == 0o640
    assert existing.read_text() == "[]"
    nested = tmp_path / "a" / "b"
    private_dir(nested)
    assert _mode(nested) == 0o700
