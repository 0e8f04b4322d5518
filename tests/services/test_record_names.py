"""Every kind of record has one name for the clinician (found by the outside-in test: raw
names such as "Checkin of …"): the audit list and a restriction's trigger read them from one
table, and no kind a use case writes to the audit log can be missing from it."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

from retrowalk.clinical.restriction_models import RestrictionKind, Source
from retrowalk.services import (
    accounts,
    audit_view,
    checkins,
    clinician,
    red_flag_reports,
    restrictions,
    sessions,
)
from retrowalk.services.context import AppContext
from retrowalk.services.record_names import RECORD_NAMES, record_name
from tests.services.factory import T0, morning, planned_walker, session_data

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "retrowalk"
DAY = timedelta(days=1)


def _audited_kinds() -> set[str]:
    """Every ``entity="…"`` the code passes (the audit entries' kinds), and every module's
    ``ENTITY`` constant: read from the source, so a new kind is found without running it."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "entity":
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    found.add(node.value.value)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                names = {t.id for t in node.targets if isinstance(t, ast.Name)}
                if "ENTITY" in names and isinstance(node.value.value, str):
                    found.add(node.value.value)
    return found


def test_every_kind_of_record_the_audit_log_holds_has_a_name() -> None:
    kinds = _audited_kinds()
    assert {"checkin", "prescription", "session", "red_flag_report"} <= kinds, "the scan works"
    missing = sorted(kinds - set(RECORD_NAMES))
    assert not missing, f"name these kinds in services/record_names.py: {missing}"


def test_every_record_a_restriction_comes_from_has_a_name() -> None:
    assert {s.value for s in Source} <= set(RECORD_NAMES)


def test_the_names_are_words_not_codes() -> None:
    for code, name in RECORD_NAMES.items():
        assert "_" not in name, code
        assert name[0].isupper(), code
    assert record_name("checkin") == "Check-in"
    assert record_name("prescription") == "Plan"
    assert record_name("no_such_kind") == "Record"


def test_the_audit_list_and_the_triggers_name_each_record_in_words(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    sessions.log_session(ctx, admin, walker.id, session_data("s0", T0, pain_before_nprs=2))
    checkins.morning_checkin(ctx, admin, walker.id, morning(T0, pain=7))  # a rest day
    rest = restrictions.walker_restrictions(ctx, admin, walker.id).active
    (trigger,) = [t for r in rest if r.kind is RestrictionKind.REST_DAY for t in r.triggers]
    assert trigger.source_name == "Check-in"
    clinician.clear_walker(
        ctx.at(T0 + 2 * DAY), admin, walker.id, {"scope": "rest_day", "reason": "Phoned: fine"}
    )
    red_flag_reports.report_red_flags(ctx.at(T0 + 2 * DAY), admin, walker.id, {"new_red_flags": []})
    clinician.add_note(ctx.at(T0 + 2 * DAY), admin, walker.id, {"text": "Settled."})
    entries = audit_view.walker_audit(ctx, admin, walker.id).entries
    assert {e.entity for e in entries} >= {"checkin", "prescription", "clearance", "note"}
    for entry in entries:
        assert entry.record == RECORD_NAMES[entry.entity], entry.entity
        for words in (entry.what, entry.record):
            assert "_" not in words, (entry.action, words)
            assert not {"checkin", "prescription"} & set(words.lower().split()), words
    added = [e for e in entries if e.action == "restriction.add" and e.entity == "checkin"]
    assert [e.what for e in added] == ["a restriction followed from this check-in"]
    checked_in = [e for e in entries if e.entity == "checkin" and e.action != "restriction.add"]
    assert [e.what for e in checked_in] == ["Check-in: regress"]
    cleared = [e.what for e in entries if e.entity == "clearance"]
    assert cleared == ["Clearance: rest day"]
