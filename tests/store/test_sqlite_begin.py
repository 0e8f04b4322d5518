"""How SQLite transactions begin (``store/engine.py: _sqlite_do_begin``): a write takes the
write lock at once, a read of several statements sees one snapshot, one read statement needs
no BEGIN, and a read opened inside a write is a read. What a walker relies on: a session
logged while someone else writes is neither refused for a lock taken late nor decided on two
different states of her record."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, text

from retrowalk.store import Database
from retrowalk.store.models import Account


def _account(email: str) -> Account:
    return Account(email=email, display_name="A", role="clinician", created_at=datetime.now(UTC))


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = Database(sqlite_url)
    from retrowalk.store.migrate import upgrade

    upgrade(database.engine)
    yield database
    database.dispose()


def _path(db: Database) -> str:
    assert db.engine.url.database is not None
    return db.engine.url.database


@contextmanager
def _traced(db: Database) -> Iterator[list[str]]:
    """The statements SQLite is sent on connections checked out while the block runs."""
    sent: list[str] = []

    def trace(dbapi_connection: sqlite3.Connection, *_: object) -> None:
        dbapi_connection.set_trace_callback(sent.append)

    event.listen(db.engine, "checkout", trace)
    try:
        yield sent
    finally:
        event.remove(db.engine, "checkout", trace)
        db.engine.dispose()  # the traced connections are not used again


def _someone_else_can_write(db: Database) -> bool:
    """Whether another process's connection could take the write lock right now."""
    other = sqlite3.connect(_path(db), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return False
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()
    return True


def test_a_write_takes_the_lock_when_it_begins(db: Database) -> None:
    assert _someone_else_can_write(db)
    with db.transaction() as tx:
        # nothing written yet: the lock is already held, so a later insert never fails on it
        assert not _someone_else_can_write(db)
        tx.add(_account("first@example.org"))
    assert _someone_else_can_write(db)


def test_a_read_of_several_statements_sees_one_state(db: Database) -> None:
    with db.reader() as tx:
        before = tx.scalar(text("SELECT count(*) FROM accounts"))
        other = sqlite3.connect(_path(db), isolation_level=None)
        other.execute(
            "INSERT INTO accounts (email, display_name, role, created_at) "
            "VALUES ('other@example.org', 'O', 'clinician', '2026-12-03 10:00:00.000000')"
        )
        other.close()
        assert tx.scalar(text("SELECT count(*) FROM accounts")) == before
    with db.reader() as tx:
        assert tx.scalar(text("SELECT count(*) FROM accounts")) == before + 1


def _begins(sent: list[str]) -> list[str]:
    return [s for s in sent if s.startswith("BEGIN")]


def test_each_kind_of_unit_begins_as_it_should(db: Database) -> None:
    with _traced(db) as sent, db.row_reader() as connection:
        connection.execute(text("SELECT count(*) FROM accounts")).scalar()
    assert _begins(sent) == []  # one statement reads one state on its own
    with _traced(db) as sent, db.reader() as tx:
        tx.scalar(text("SELECT count(*) FROM accounts"))
    assert _begins(sent) == ["BEGIN"]
    with _traced(db) as sent, db.transaction() as tx:
        tx.add(_account("traced@example.org"))
    assert _begins(sent) == ["BEGIN IMMEDIATE"]


def test_a_read_inside_a_write_is_a_read(db: Database) -> None:
    """A use case that reads through :meth:`Database.reader` while its own write transaction
    is open must not wait for the lock that transaction holds (it would, for the busy
    timeout, and then fail)."""
    done = threading.Event()

    def use_case() -> None:
        with db.transaction() as tx:
            tx.add(_account("writing@example.org"))
            tx.flush()
            with db.reader() as read:
                # the committed state, not the write in progress
                assert read.scalar(text("SELECT count(*) FROM accounts")) == 0
            with db.row_reader() as connection:
                assert connection.execute(text("SELECT count(*) FROM accounts")).scalar() == 0
        done.set()

    thread = threading.Thread(target=use_case)
    thread.start()
    thread.join(timeout=60)
    assert done.is_set()
    with db.reader() as tx:
        assert tx.scalar(text("SELECT count(*) FROM accounts")) == 1


def test_a_write_inside_a_one_statement_read_still_takes_the_lock(db: Database) -> None:
    with db.row_reader() as connection:
        connection.execute(text("SELECT 1")).scalar()
        with db.transaction() as tx:
            assert not _someone_else_can_write(db)
            tx.add(_account("inner@example.org"))
    with db.reader() as tx:
        assert tx.scalar(text("SELECT count(*) FROM accounts")) == 1
