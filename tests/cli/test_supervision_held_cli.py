"""The CLI's plan, today and screening output say what the restrictions hold (RULES.md §7.1,
§7.5): a walking aid is every session supervised, never "walk alone"; clean answers after a
red flag are still "stop and refer", with the doctor's advice, never "you can go on"."""

from __future__ import annotations

import json

from tests.cli.screen_args import CLEAR, with_red_flag
from tests.cli.test_tracking_commands import run
from tests.db import sqlite_url

__all__ = ["sqlite_url"]

AT = ("--at", "2026-01-05T09:00:00+00:00")
ALONE = ("walk alone", "unsupervised sessions are allowed", "allowed alone")


def enrol(url: str) -> None:
    run(url, "init")
    run(url, "walker", "add", "--email", "s@example.org", "--name", "Sam", "--age", "66",
        "--sex", "female", "--knee", "oa", "--timezone", "UTC")  # fmt: skip


def test_plan_and_today_say_every_session_with_a_walking_aid(sqlite_url: str) -> None:
    enrol(sqlite_url)
    aid = tuple("--walking-aid" if a == "--no-walking-aid" else a for a in CLEAR)
    run(sqlite_url, "screen", "1", *aid, *AT)
    run(sqlite_url, "assess", "1", "--tug-s", "9", "--tandem-s", "10", "--chair-stands", "14",
        "--backward-3m-s", "3.5", *AT)  # fmt: skip
    plan = run(sqlite_url, "plan", "1", *AT)
    assert "Supervision: every session, while you use a walking aid" in plan
    assert [a for a in ALONE if a in plan] == []
    today = run(sqlite_url, "today", "1", "--at", "2026-01-06T09:00:00+00:00")
    assert "Supervised: yes" in today
    assert "every session, while you use a walking aid" in today
    assert [a for a in ALONE if a in today] == []
    current = json.loads(
        run(sqlite_url, "today", "1", "--json", "--at", "2026-01-06T09:00:00+00:00")
    )
    assert current["prescription"]["supervision"] == "every_session"


def test_screening_again_after_a_red_flag_still_refers(sqlite_url: str) -> None:
    enrol(sqlite_url)
    run(sqlite_url, "screen", "1", *with_red_flag("calf_pain_swelling_warmth"), *AT)
    again = run(sqlite_url, "screen", "1", *CLEAR, "--at", "2026-01-06T09:00:00+00:00")
    assert "Screening outcome: stop and refer" in again
    assert "You can go on" not in again
    assert "no knee red flag" not in again
    assert "A warning sign reported earlier still stands" in again
    as_json = json.loads(run(sqlite_url, "screen", "1", *CLEAR, "--json",
                             "--at", "2026-01-07T09:00:00+00:00"))  # fmt: skip
    assert as_json["outcome"] == as_json["result"]["outcome"] == "stop_and_refer"
    assert as_json["result"]["answered_outcome"] == "cleared"
