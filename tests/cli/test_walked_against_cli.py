"""The outside-in probe from the terminal, on SQLite and PostgreSQL: on a rest day a session
reporting sharp knee pain (30 min at 2.0 m/s on a treadmill, alone) is stored as told, the
person at the terminal reads why it matters and that it is above the plan (once), `walker
list` shows both flags with the restriction named and the policy labelled; and the rest day
still stands (a plain session is refused)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.cli.test_restrictions_cli import AT, enrol, full_tests, words
from tests.cli.test_tracking_commands import fails, run
from tests.db import database_url, postgres_schema_url, sqlite_url

__all__ = ["database_url", "postgres_schema_url", "sqlite_url"]

SCALES = ("--pain-before", "8", "--pain-peak", "6", "--pain-after", "5", "--effort", "6")
TODAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
"""`walker list` reads the flags of now (it takes no ``--at``): the days below end yesterday."""


def at(days_ago: int, hour: int) -> str:
    return (TODAY - timedelta(days=days_ago) + timedelta(hours=hour)).isoformat()


def on_a_rest_day(url: str) -> None:
    from tests.cli.screen_args import CLEAR

    enrol(url)
    run(url, "screen", "1", *CLEAR, AT, at(2, 8))
    full_tests(url, at(2, 9))
    run(url, "plan", "1", AT, at(2, 9))
    run(url, "log", "1", "--as-prescribed", "--pain-before", "2", "--pain-peak", "2",
        "--pain-after", "2", "--effort", "3", AT, at(2, 10))  # fmt: skip
    out = run(url, "checkin", "1", "--pain", "8", "--stiffness", "3", AT, at(1, 7))
    assert "rest day" in words(out).lower()


def test_the_probe_from_the_terminal_is_stored_told_and_flagged(database_url: str) -> None:
    on_a_rest_day(database_url)
    probe = ("log", "1", *SCALES, "--minutes", "30", "--speed", "2.0", "--surface", "treadmill",
             "--alone", "--adverse", "sharp_knee_pain", "--key", "probe")  # fmt: skip
    said = words(run(database_url, *probe, AT, at(1, 11)))
    assert "Logged session" in said
    assert "you walked backward on a rest day" in said
    assert said.count("More than your plan: your clinician will see it.") == 1
    # the same command again (the same time: other values under the key would be refused)
    stored = json.loads(run(database_url, *probe, "--json", AT, at(1, 11)))
    assert stored["walked_against"] == ["rest_day"]
    plain = fails(database_url, "log", "1", "--as-prescribed", *SCALES,
                  AT, at(1, 13))  # fmt: skip
    assert "rest day" in str(plain).lower()
    rows = json.loads(run(database_url, "walker", "list", "--json"))
    assert {"walked_against_restriction", "above_plan", "rest_day"} <= set(rows[0]["flags"])
    listed = words(run(database_url, "walker", "list"))  # the table cells wrap; the details not
    assert "a rest day after a painful morning stopped every session" in listed
    assert "Flag: retrowalk policy" in listed
