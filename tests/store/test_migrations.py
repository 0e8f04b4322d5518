"""Migrations build the schema from nothing, tear it down and build it again, and match the
models exactly (an installed program must be able to migrate its own database)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from retrowalk.store import Database
from retrowalk.store.engine import make_engine
from retrowalk.store.migrate import (
    current_revision,
    downgrade,
    head_revision,
    schema_differences,
    upgrade,
)
from retrowalk.store.models import Base


def test_empty_to_head_to_base_to_head(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        downgrade(engine, "base")
        assert current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set()
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_models_match_migrations(database: Database) -> None:
    assert schema_differences(database.engine) == []


def test_scripts_ship_inside_the_package() -> None:
    from retrowalk.store.migrate import MIGRATIONS_DIR

    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert any((MIGRATIONS_DIR / "versions").glob("0001_*.py"))


def test_going_below_0003_keeps_withdrawn_and_clinician_invitations_unusable(
    database_url: str,
) -> None:
    """Revision 0002 knows neither: they are marked used, so no withdrawn link works again
    and no clinician's invitation makes a walker."""
    from sqlalchemy import text

    from retrowalk.services import accounts, invitations
    from retrowalk.services.context import AppContext
    from retrowalk.store import open_database

    db = open_database(database_url)
    ctx = AppContext(db=db)
    try:
        admin = accounts.ensure_local_admin(ctx)
        clinician = accounts.create_account(
            ctx, admin, {"email": "c@x.org", "display_name": "C", "role": "clinician"}
        )
        actor = accounts.Actor(account_id=clinician.id, role=accounts.Role.CLINICIAN)
        kept = accounts.create_invitation(ctx, actor, "kept@x.org")
        gone = accounts.create_invitation(ctx, actor, "gone@x.org")
        invitations.withdraw_invitation(ctx, actor, gone.id)
        staff = invitations.invite_clinician(ctx, admin, "staff@x.org")
        downgrade(db.engine, "0002")
        with db.engine.connect() as conn:
            used = dict(conn.execute(text("SELECT id, used_at IS NOT NULL FROM invitations")).all())
        assert used == {kept.id: False, gone.id: True, staff.id: True}
        upgrade(db.engine)
    finally:
        db.dispose()


def test_0015_keeps_keyed_records_and_their_replays_answer_as_before(database_url: str) -> None:
    """Up from 0014, every keyed record is kept with no digest (what it was sent with is not
    known): the same key, even with other values, answers it as it did before 0015; a record
    stored after 0015 refuses other values."""
    from sqlalchemy import text

    from retrowalk.services import accounts, clinician, walkers
    from retrowalk.services.context import AppContext
    from retrowalk.services.errors import KeyReused
    from retrowalk.store import open_database

    db = open_database(database_url)
    ctx = AppContext(db=db)
    try:
        admin = accounts.ensure_local_admin(ctx)
        walker = walkers.enrol_walker(
            ctx,
            admin,
            {
                "email": "ann@example.org",
                "display_name": "Ann",
                "age_years": 66,
                "sex": "female",
                "knee_condition": "oa",
                "knee_side": "left",
                "timezone": "UTC",
            },
        )
        old = clinician.add_note(ctx, admin, walker.id, {"text": "Before", "client_key": "k-old"})
        downgrade(db.engine, "0014_more_client_keys")
        upgrade(db.engine)
        with db.engine.connect() as conn:
            kept = conn.execute(
                text("SELECT id, client_key, client_key_digest FROM clinician_notes")
            ).all()
        assert [tuple(row) for row in kept] == [(old.id, "k-old", None)]
        again = clinician.add_note(ctx, admin, walker.id, {"text": "Edited", "client_key": "k-old"})
        assert (again.id, again.created, again.text) == (old.id, False, "Before")
        new = clinician.add_note(ctx, admin, walker.id, {"text": "After", "client_key": "k-new"})
        with pytest.raises(KeyReused):
            clinician.add_note(ctx, admin, walker.id, {"text": "Edited", "client_key": "k-new"})
        with db.engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM clinician_notes")).scalar_one()
        assert count == 2
        assert new.created
    finally:
        db.dispose()
