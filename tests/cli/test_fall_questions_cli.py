"""`retrowalk assess` asks the questions about falls again, with the flags of `retrowalk
screen` (found by the outside-in test: it had no flags for them, so a walker whose screening
said "I fell" could never have fall risk lifted from the terminal). RULES.md §1.3, §7.3–7.4:
a low fall risk needs the three questions answered as well as the tests; high → low needs a
reassessment low on its own and a clinician's clearance. All three or none: left out, the
latest screening's answers are used; some alone is one sentence and exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer

from tests.cli.screen_args import PARQ_CLEAR
from tests.cli.test_restrictions_cli import enrol
from tests.cli.test_tracking_commands import fails, run, runner
from tests.db import database_url, postgres_schema_url, sqlite_url

__all__ = ["database_url", "postgres_schema_url", "sqlite_url"]

AT = "--at"
FELL_SCREENING = (
    *PARQ_CLEAR,
    "--no-red-flags",
    "--used-to-activity",
    "--no-fever",
    "--no-walking-aid",
    "--no-anticoagulant",
    "--no-recent-knee-surgery",
    "--fell",
    "--not-unsteady",
    "--not-worried",
)
"""A screening with every question answered, and a fall in the past 12 months."""
GOOD_TESTS = ("--tug-s", "9", "--tandem-s", "12", "--chair-stands", "13")
ALL_NO = ("--not-fell", "--not-unsteady", "--not-worried")
CLEAR_FALL_RISK = ("clear", "1", "--scope", "fall_risk", "--reason", "Reassessed: no fall")


def fell_and_planned(url: str) -> None:
    enrol(url)
    run(url, "screen", "1", *FELL_SCREENING, AT, "2026-01-05T09:00:00+00:00")
    first = run(url, "assess", "1", *GOOD_TESTS, "--backward-3m-s", "4",
                AT, "2026-01-05T09:10:00+00:00")  # fmt: skip
    assert "fall risk high" in first  # the fall at the screening
    run(url, "plan", "1", AT, "2026-01-05T09:20:00+00:00")


def _reassess(url: str, at: str, *falls: str) -> str:
    return run(url, "assess", "1", "--kind", "reassessment", *GOOD_TESTS, *falls, AT, at)


def _restrictions(url: str, at: str) -> set[str]:
    today = json.loads(run(url, "today", "1", "--json", AT, at))
    return {r["kind"] for r in today["restrictions"]}


def test_fall_risk_lifts_from_the_terminal_only_after_all_no_and_a_clearance(
    database_url: str,
) -> None:
    fell_and_planned(database_url)
    # the questions left out: the screening's fall still counts
    assert "fall risk high" in _reassess(database_url, "2026-01-10T09:00:00+00:00")
    refused = fails(database_url, *CLEAR_FALL_RISK, AT, "2026-01-10T09:10:00+00:00")
    assert "questions about falls" in str(refused)
    # asked again, and the walker is worried about falling: it stays
    worried = ("--not-fell", "--not-unsteady", "--worried")
    assert "fall risk high" in _reassess(database_url, "2026-01-11T09:00:00+00:00", *worried)
    refused = fails(database_url, *CLEAR_FALL_RISK, AT, "2026-01-11T09:10:00+00:00")
    assert "low risk on its own" in str(refused)
    # asked again, all no: low, and lifted by the clinician's clearance only
    assert "fall risk low" in _reassess(database_url, "2026-01-12T09:00:00+00:00", *ALL_NO)
    assert "fall_risk" in _restrictions(database_url, "2026-01-12T09:05:00+00:00")
    run(database_url, *CLEAR_FALL_RISK, AT, "2026-01-12T09:10:00+00:00")
    assert "fall_risk" not in _restrictions(database_url, "2026-01-12T09:20:00+00:00")


def test_the_questions_about_falls_are_all_three_or_none(sqlite_url: str) -> None:
    fell_and_planned(sqlite_url)
    part = fails(sqlite_url, "assess", "1", "--kind", "reassessment", *GOOD_TESTS, "--not-fell")
    assert "--unsteady/--not-unsteady, --worried/--not-worried" in str(part)
    assert "--fell/--not-fell" not in str(part)
    # nothing was stored: the next reassessment is the walker's second assessment
    shown = json.loads(run(sqlite_url, "assess", "1", "--kind", "reassessment", *GOOD_TESTS,
                           *ALL_NO, "--json"))  # fmt: skip
    assert shown["id"] == 2
    assert shown["fall_risk"] == "low"
    typed = runner.invoke(_root(), ["assess", "1", "--fell=maybe", "--database-url", sqlite_url])
    assert typed.exit_code == 2


def _root() -> typer.Typer:
    from retrowalk.cli import app as root

    return root.app


def test_a_part_answered_set_is_one_sentence_and_exit_code_2(tmp_path: Path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'cli.sqlite'}"
    fell_and_planned(url)
    script = Path(sys.executable).parent / "retrowalk"
    done = subprocess.run(
        [str(script), "assess", "1", "--kind", "reassessment", "--tug-s", "9", "--worried",
         "--database-url", url],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    said = (done.stdout + done.stderr).strip()
    assert "questions about falls are answered all three or not at all" in " ".join(said.split())
    assert "--fell/--not-fell, --unsteady/--not-unsteady" in " ".join(said.split())


def test_the_questions_alone_are_refused_in_their_own_words(sqlite_url: str) -> None:
    fell_and_planned(sqlite_url)
    alone = fails(sqlite_url, "assess", "1", "--kind", "reassessment", *ALL_NO)
    assert "The questions about falls were answered but no test was filled in" in str(alone)
    empty = fails(sqlite_url, "assess", "1", "--kind", "reassessment")
    assert "Nothing was filled in" in str(empty)
