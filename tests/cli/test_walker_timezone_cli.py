"""``retrowalk walker timezone ID ZONE``: the clinic's terminal corrects a walker's time zone
(audited); an unknown zone is one sentence naming what is allowed, exit 2."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from retrowalk.services import accounts, plans, walkers
from retrowalk.services.clock import local_date
from retrowalk.services.context import build_context
from retrowalk.store import repositories as repo
from tests.cli.test_start_cli import console_script
from tests.cli.test_tracking_commands import run
from tests.db import sqlite_url
from tests.services.factory import enrol

__all__ = ["sqlite_url"]

AUCKLAND = "Pacific/Auckland"


def test_the_terminal_corrects_a_walkers_time_zone(sqlite_url: str) -> None:
    ctx = build_context(sqlite_url)
    try:
        admin = accounts.ensure_local_admin(ctx)
        walker = enrol(ctx, admin, timezone="UTC")
    finally:
        ctx.db.dispose()
    wrong = console_script(
        "walker", "timezone", str(walker.id), "Mars/Olympus", "--database-url", sqlite_url
    )
    assert wrong.returncode == 2, wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1  # one sentence
    assert "timezone" in wrong.stderr
    assert "Europe/London" in wrong.stderr
    said = run(sqlite_url, "walker", "timezone", str(walker.id), AUCKLAND)
    assert f"now on time zone {AUCKLAND}" in said
    shown = json.loads(run(sqlite_url, "walker", "timezone", str(walker.id), AUCKLAND, "--json"))
    assert shown["timezone"] == AUCKLAND
    ctx = build_context(sqlite_url)
    try:
        assert walkers.get_walker(ctx, admin, walker.id).timezone == AUCKLAND
        now = datetime.now(UTC)
        today = plans.todays_prescription(ctx.at(now), admin, walker.id)
        assert today.local_date == local_date(now, AUCKLAND)
        with ctx.db.reader() as tx:
            entries = repo.audit_entries(tx, walker_id=walker.id, action="walker.set_timezone")
            assert [e.detail_json for e in entries] == [
                {"timezone": {"before": "UTC", "after": AUCKLAND}}
            ]
    finally:
        ctx.db.dispose()
