"""`retrowalk checkin` after a session at 23:50 in Brisbane is refused at 00:33, saying when
it opens in words; at 07:50 it is taken (RULES.md §3: the next morning, a **policy** hour)."""

from __future__ import annotations

from tests.cli.screen_args import CLEAR
from tests.cli.test_tracking_commands import fails, run
from tests.db import sqlite_url

__all__ = ["sqlite_url"]

BEFORE = "2026-01-04T09:00:00+00:00"


def test_the_terminal_takes_the_report_in_the_morning_not_after_midnight(sqlite_url: str) -> None:
    run(sqlite_url, "init")
    run(sqlite_url, "walker", "add", "--email", "b@example.org", "--name", "Bea", "--age", "66",
        "--sex", "female", "--knee", "oa", "--timezone", "Australia/Brisbane")  # fmt: skip
    run(sqlite_url, "screen", "1", *CLEAR, "--at", BEFORE)
    run(sqlite_url, "assess", "1", "--tug-s", "9", "--tandem-s", "12", "--chair-stands", "13",
        "--backward-3m-s", "4", "--at", BEFORE)  # fmt: skip
    run(sqlite_url, "plan", "1", "--at", BEFORE)
    walked = "2026-01-05T13:50:00+00:00"  # 23:50 in Brisbane
    run(sqlite_url, "log", "1", "--as-prescribed", "--pain-before", "2", "--pain-peak", "2",
        "--pain-after", "2", "--effort", "4", "--key", "k1", "--at", walked)  # fmt: skip
    night = fails(
        sqlite_url,
        "checkin",
        "1",
        "--pain",
        "2",
        "--stiffness",
        "1",
        "--at",
        "2026-01-05T14:33:00+00:00",
    )  # fmt: skip  (00:33 in Brisbane)
    assert "opens on Tuesday 6 January, from 7:50 in the morning" in str(night)
    out = run(
        sqlite_url,
        "checkin",
        "1",
        "--pain",
        "2",
        "--stiffness",
        "1",
        "--at",
        "2026-01-05T21:50:00+00:00",
    )  # fmt: skip  (07:50 in Brisbane)
    assert "opens on" not in out
