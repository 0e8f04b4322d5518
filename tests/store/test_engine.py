"""The storage guarantees the rest of the program relies on."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError, StatementError

from retrowalk.store import Database
from retrowalk.store.config import DATABASE_URL_ENV, database_url
from retrowalk.store.models import Account, Walker


def _account(email: str = "a@example.org") -> Account:
    return Account(email=email, display_name="A", role="clinician", created_at=datetime.now(UTC))


def test_datetimes_come_back_aware_utc(database: Database) -> None:
    paris = timezone(timedelta(hours=1))
    with database.transaction() as s:
        row = _account()
        row.created_at = datetime(2026, 3, 1, 10, 30, tzinfo=paris)
        s.add(row)
    with database.reader() as s:
        stored = s.get(Account, row.id)
        assert stored is not None
        assert stored.created_at == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
        assert stored.created_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(database: Database) -> None:
    with pytest.raises(StatementError, match="no time zone"), database.transaction() as s:  # noqa: PT012
        row = _account()
        row.created_at = datetime(2026, 3, 1, 10, 30)
        s.add(row)
        s.flush()


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError), database.transaction() as s:  # noqa: PT012
        s.add(
            Walker(
                account_id=999,
                age_years=60,
                sex="male",
                knee_condition="oa",
                knee_side="left",
                timezone="UTC",
                created_at=datetime.now(UTC),
            )
        )
        s.flush()


def test_email_is_unique(database: Database) -> None:
    with database.transaction() as s:
        s.add(_account())
    with pytest.raises(IntegrityError), database.transaction() as s:  # noqa: PT012
        s.add(_account())
        s.flush()


def test_failed_transaction_leaves_nothing(database: Database) -> None:
    with pytest.raises(RuntimeError), database.transaction() as s:  # noqa: PT012
        s.add(_account("gone@example.org"))
        s.flush()
        raise RuntimeError("boom")
    with database.reader() as s:
        assert s.scalar(text("SELECT count(*) FROM accounts")) == 0


def test_a_savepoint_inside_a_failed_transaction_leaves_nothing(database: Database) -> None:
    """A nested savepoint (``insert_account`` uses one) is part of the outer transaction: on
    SQLite the driver's own transaction handling used to commit it on RELEASE."""
    with pytest.raises(RuntimeError), database.transaction() as s:  # noqa: PT012
        with s.begin_nested():
            s.add(_account("nested@example.org"))
        raise RuntimeError("the rest of the use case failed")
    with database.reader() as s:
        assert s.scalar(text("SELECT count(*) FROM accounts")) == 0


def test_a_failed_savepoint_keeps_the_rest_of_the_transaction(database: Database) -> None:
    with database.transaction() as s:
        s.add(_account("kept@example.org"))
        s.flush()
        with pytest.raises(IntegrityError), s.begin_nested():
            s.add(_account("kept@example.org"))
    with database.reader() as s:
        assert s.scalar(text("SELECT count(*) FROM accounts")) == 1


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_url_from_environment_wins_over_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql+psycopg://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def test_default_is_sqlite_in_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.setattr("platformdirs.user_data_dir", lambda name: f"{tmp_path}/{name}")
    url = database_url()
    assert url.startswith("sqlite+pysqlite:///")
    assert url.endswith("retrowalk/retrowalk.sqlite")


def test_audit_log_is_append_only(database: Database) -> None:
    from retrowalk.store import repositories as repo
    from retrowalk.store.models import AuditEntry, AuditLogIsAppendOnlyError

    with database.transaction() as s:
        repo.audit(
            s,
            at=datetime.now(UTC),
            actor_account_id=None,
            actor_role="system",
            action="test",
            entity="none",
            entity_id=None,
        )
    with pytest.raises(AuditLogIsAppendOnlyError), database.transaction() as s:  # noqa: PT012
        entry = s.get(AuditEntry, 1)
        assert entry is not None
        entry.action = "rewritten"
    with pytest.raises(AuditLogIsAppendOnlyError), database.transaction() as s:  # noqa: PT012
        entry = s.get(AuditEntry, 1)
        s.delete(entry)
    with database.reader() as s:
        entry = s.get(AuditEntry, 1)
        assert entry is not None
        assert entry.action == "test"


def test_ten_requests_at_once_reuse_their_connections(database_url: str) -> None:
    """Found by profiling the server at 10 clients: with SQLAlchemy's default pool (5 kept)
    every request beyond the fifth opened a new connection and closed it after (on SQLite a
    file open and four pragmas, 12 % of the server's busy time). Ten threads reading at once,
    again and again, open ten connections at most."""
    db = Database(database_url)
    opened: list[object] = []
    event.listen(db.engine, "connect", lambda *_: opened.append(1))
    together = threading.Barrier(10)

    def reads() -> None:
        for _ in range(20):
            together.wait()
            with db.reader() as tx:
                tx.execute(text("SELECT 1")).scalar_one()

    try:
        threads = [threading.Thread(target=reads) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        db.dispose()
    assert 1 <= len(opened) <= 10
