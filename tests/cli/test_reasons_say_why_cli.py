"""`retrowalk clear` and `retrowalk adjust` refuse a reason of no three letters ("...") with
one sentence naming the reason, and the red flag stays (RULES.md §7.1)."""

from __future__ import annotations

import json

from tests.cli.screen_args import with_red_flag
from tests.cli.test_restrictions_cli import enrol
from tests.cli.test_tracking_commands import fails, run
from tests.db import sqlite_url

__all__ = ["sqlite_url"]

AT = "2026-01-05T09:00:00+00:00"


def test_dots_for_a_reason_never_lift_a_red_flag_from_the_terminal(sqlite_url: str) -> None:
    enrol(sqlite_url)
    run(sqlite_url, "screen", "1", *with_red_flag("locked_knee"), "--at", AT)
    refused = fails(sqlite_url, "clear", "1", "--scope", "red_flag", "--reason", "...")
    assert "reason" in str(refused)
    assert "at least 3 letters" in str(refused)
    adjusted = fails(sqlite_url, "adjust", "1", "--minutes", "8", "--reason", "...")
    assert "at least 3 letters" in str(adjusted)
    today = json.loads(run(sqlite_url, "today", "1", "--json", "--at", AT))
    assert today["status"] == "stopped"
