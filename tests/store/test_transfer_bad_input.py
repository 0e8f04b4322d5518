"""An import file that SQLite would store but PostgreSQL would refuse (a NUL character, an
integer beyond 32 bits) is refused with a sentence on BOTH databases, and nothing is kept."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from retrowalk.services import accounts, clinician, walkers
from retrowalk.services.context import AppContext
from retrowalk.services.errors import Conflict
from retrowalk.services.transfer import export_data, import_data
from retrowalk.store import Database, open_database
from retrowalk.store import repositories as repo
from retrowalk.store.models import Account
from retrowalk.store.transfer import INTEGER_MAX


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A small, valid export made through the use cases on SQLite."""
    path = tmp_path_factory.mktemp("source") / "source.sqlite"
    source = AppContext(db=open_database(f"sqlite+pysqlite:///{path}"))
    admin = accounts.ensure_local_admin(source)
    walker = walkers.enrol_walker(
        source,
        admin,
        {
            "email": "ann@example.org",
            "display_name": "Ann",
            "age_years": 66,
            "sex": "female",
            "knee_condition": "oa",
            "knee_side": "left",
        },
    )
    clinician.add_note(source, admin, walker.id, {"text": "first visit"})
    data = export_data(source, admin)
    source.db.dispose()
    return data


def _set(data: dict[str, Any], table: str, column: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    block = changed["tables"][table]
    block["rows"][0][block["columns"].index(column)] = value
    return changed


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("clinician_notes", "text", "first\x00visit", "NUL character"),
        ("accounts", "display_name", "Ann\x00", "NUL character"),
        ("walkers", "age_years", INTEGER_MAX + 1, f"whole number from .* to {INTEGER_MAX}"),
        ("walkers", "age_years", 2**70, "whole number"),
        ("walkers", "age_years", "sixty", "whole number"),
    ],
)
def test_an_export_that_does_not_fit_is_refused_on_both_databases(
    database: Database,
    export: dict[str, Any],
    table: str,
    column: str,
    value: Any,
    message: str,
) -> None:
    assert table in export["tables"], sorted(export["tables"])
    with pytest.raises(Conflict, match=f"{table}.{column}: .*{message}"):
        import_data(AppContext(db=database), _set(export, table, column, value))
    with database.reader() as session:
        assert repo.get(session, Account, 1) is None, "nothing of a refused import is kept"
    assert import_data(AppContext(db=database), export) > 0, "the valid export still imports"


def test_rows_that_break_a_constraint_are_a_sentence_not_a_crash(
    database: Database, export: dict[str, Any], tmp_path: Path
) -> None:
    broken = _set(export, "walkers", "sex", "other")
    with pytest.raises(Conflict, match="walkers: the export's rows do not fit this database"):
        import_data(AppContext(db=database), broken)
    assert import_data(AppContext(db=database), export) > 0
