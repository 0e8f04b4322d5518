"""`retrowalk today` says a speed above retrowalk's rules is the clinician's own setting, and
`adjust` shows it in the plan's reasons (RULES.md §7.10)."""

from __future__ import annotations

from tests.cli.screen_args import CLEAR
from tests.cli.test_tracking_commands import run
from tests.db import sqlite_url

__all__ = ["sqlite_url"]


def test_a_fast_speed_is_said_to_be_the_clinicians_setting(sqlite_url: str) -> None:
    run(sqlite_url, "init")
    run(sqlite_url, "walker", "add", "--email", "f@example.org", "--name", "Fay", "--age", "70",
        "--sex", "female", "--knee", "oa")  # fmt: skip
    run(sqlite_url, "screen", "1", *CLEAR)
    run(sqlite_url, "assess", "1", "--tug-s", "14", "--tandem-s", "5", "--backward-3m-s", "6")
    run(sqlite_url, "plan", "1")
    assert "clinician's own setting" not in run(sqlite_url, "today", "1")
    adjusted = " ".join(
        run(
            sqlite_url, "adjust", "1", "--speed", "3", "--confirm-speed", "--reason", "Athlete"
        ).split()
    )
    assert "is your clinician's own setting" in adjusted
    today = " ".join(run(sqlite_url, "today", "1").split())
    said = "This speed, 3.00 m/s (10.8 km/h), is your clinician's own setting"
    assert today.count(said) == 1  # once: in the plan's reasons, not again below them
    assert "at most 0.80 m/s" in today  # the starting ceiling (policy): 0.50 m/s measured
