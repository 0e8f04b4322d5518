"""`retrowalk adjust` holds what the web and the API hold (found by the outside-in test), on
SQLite and PostgreSQL: under the fall-risk restriction the surface stays on what it allows
(RULES.md §7.1, §7.3), and a new speed above retrowalk's own limit needs --confirm-speed
(§7.10). A refused adjustment stores no new plan version."""

from __future__ import annotations

import json

from tests.cli.screen_args import CLEAR
from tests.cli.test_tracking_commands import fails, run
from tests.db import database_url, postgres_schema_url, sqlite_url

__all__ = ["database_url", "postgres_schema_url", "sqlite_url"]


def _high_fall_risk(url: str) -> None:
    run(url, "init")
    run(url, "walker", "add", "--email", "h@example.org", "--name", "Hal", "--age", "72",
        "--sex", "male", "--knee", "oa")  # fmt: skip
    run(url, "screen", "1", *CLEAR)
    run(url, "assess", "1", "--tug-s", "14", "--tandem-s", "5", "--backward-3m-s", "6")
    run(url, "plan", "1")


def _version(url: str) -> int:
    version: int = json.loads(run(url, "today", "1", "--json"))["prescription"]["version"]
    return version


def test_the_terminal_keeps_the_surface_under_fall_risk(database_url: str) -> None:
    _high_fall_risk(database_url)
    before = _version(database_url)
    refused = fails(database_url, "adjust", "1", "--surface", "flat_clear_known_path",
                    "--reason", "Walks well outside")  # fmt: skip
    assert "fall-risk restriction is active" in str(refused)
    assert _version(database_url) == before


def test_the_terminal_asks_for_a_fast_speed_to_be_confirmed(database_url: str) -> None:
    _high_fall_risk(database_url)
    before = _version(database_url)
    refused = fails(database_url, "adjust", "1", "--speed", "2.5", "--reason", "Athlete")
    said = " ".join(str(refused).split())
    assert "above retrowalk's own limit for this walker" in said
    assert said.endswith("run the command again with --confirm-speed.")
    assert _version(database_url) == before
    run(database_url, "adjust", "1", "--speed", "2.5", "--confirm-speed", "--reason", "Athlete")
    assert _version(database_url) == before + 1
