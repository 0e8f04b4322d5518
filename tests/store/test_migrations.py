"""Migrations build the schema from nothing, tear it down and build it again, and match the
models exactly (an installed program must be able to migrate its own database)."""

from __future__ import annotations

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
