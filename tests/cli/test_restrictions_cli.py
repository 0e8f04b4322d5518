"""The gates of RULES.md §7 tried from the terminal, on SQLite and PostgreSQL: what a walker
(or someone typing for them) does never lifts a restriction; `retrowalk clear` does, exactly
the one it names. Bad requests end with one sentence and exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from retrowalk.services import accounts, walkers
from retrowalk.services.context import build_context
from tests.cli.screen_args import CLEAR, with_red_flag
from tests.cli.test_tracking_commands import fails, run
from tests.db import database_url, postgres_schema_url, sqlite_url

__all__ = ["database_url", "postgres_schema_url", "sqlite_url"]

ROOT = Path(__file__).resolve().parents[2]
AT = "--at"


def enrol(url: str) -> None:
    run(url, "init")
    run(url, "walker", "add", "--email", "r@example.org", "--name", "Rita", "--age", "67",
        "--sex", "female", "--knee", "oa", "--timezone", "UTC")  # fmt: skip


def full_tests(url: str, at: str, *extra: str) -> str:
    return run(url, "assess", "1", "--tug-s", "9", "--tandem-s", "12", "--chair-stands", "13",
               "--backward-3m-s", "4", AT, at, *extra)  # fmt: skip


def test_a_red_flag_stays_after_clean_answers_from_the_terminal(database_url: str) -> None:
    enrol(database_url)
    run(database_url, "screen", "1", *with_red_flag("calf_pain_swelling_warmth"),
        AT, "2026-01-05T09:00:00+00:00")  # fmt: skip
    again = run(database_url, "screen", "1", *CLEAR, AT, "2026-01-05T09:10:00+00:00")
    assert "Restrictions" in again
    assert "warning sign" in again  # the earlier red flag still shows
    # the walking tests wait for the clearance too (retrowalk policy), from the terminal too
    held = fails(database_url, "assess", "1", "--tug-s", "9", "--backward-3m-s", "4",
                 AT, "2026-01-05T09:20:00+00:00")  # fmt: skip
    assert "No walking tests now" in str(held)
    # in the clinician's words: which restriction, since when, what lifts it
    assert "a red flag (stop and refer), since Monday 5 January, holds them" in str(held)
    assert "record a clearance of the red flag" in str(held)
    assert "red flag" in str(fails(database_url, "plan", "1", AT, "2026-01-05T09:30:00+00:00"))
    today = json.loads(run(database_url, "today", "1", "--json", AT, "2026-01-05T10:00:00+00:00"))
    assert today["status"] == "stopped"
    run(database_url, "clear", "1", "--scope", "red_flag", "--reason", "Doppler scan clear",
        AT, "2026-01-06T09:00:00+00:00")  # fmt: skip
    full_tests(database_url, "2026-01-06T09:20:00+00:00")
    assert "Plan v1" in run(database_url, "plan", "1", AT, "2026-01-06T09:30:00+00:00")


def test_under_a_red_flag_the_terminal_keeps_the_past_and_refuses_the_rest(
    database_url: str,
) -> None:
    """A session walked at 09:00 and tests done at 09:30 are kept after a red flag reported
    at 10:00 (a record of the past); a session at 10:30 and tests at 10:05 are refused, each
    with one sentence."""
    enrol(database_url)
    run(database_url, "screen", "1", *CLEAR, AT, "2026-01-05T08:00:00+00:00")
    full_tests(database_url, "2026-01-05T08:10:00+00:00")
    run(database_url, "plan", "1", AT, "2026-01-05T08:20:00+00:00")
    run(database_url, "screen", "1", *with_red_flag("locked_knee"),
        AT, "2026-01-06T10:00:00+00:00")  # fmt: skip
    log = ("log", "1", "--pain-before", "2", "--pain-peak", "2", "--pain-after", "2",
           "--effort", "3", "--as-prescribed")  # fmt: skip
    kept = json.loads(run(database_url, *log, "--json", AT, "2026-01-06T09:00:00+00:00"))
    assert kept["performed_at"].startswith("2026-01-06T09:00")
    refused = fails(database_url, *log, AT, "2026-01-06T10:30:00+00:00")
    assert "red flag" in str(refused)
    past = run(database_url, "assess", "1", "--kind", "reassessment", "--tug-s", "9",
               AT, "2026-01-06T09:30:00+00:00")  # fmt: skip
    assert "Assessment" in past
    held = fails(database_url, "assess", "1", "--kind", "reassessment", "--tug-s", "9",
                 AT, "2026-01-06T10:05:00+00:00")  # fmt: skip
    assert "No walking tests now" in str(held)


def test_a_fall_holds_the_walking_tests_in_the_terminal_until_the_review(
    database_url: str, tmp_path: Path
) -> None:
    """A fall logged from the terminal: no walking test (nor session) until `retrowalk clear
    --scope adverse_event`, whatever is typed; the knee questionnaire alone is kept."""
    enrol(database_url)
    run(database_url, "screen", "1", *CLEAR, AT, "2026-01-05T08:00:00+00:00")
    full_tests(database_url, "2026-01-05T08:10:00+00:00")
    run(database_url, "plan", "1", AT, "2026-01-05T08:20:00+00:00")
    run(database_url, "log", "1", "--pain-before", "2", "--pain-peak", "3", "--pain-after", "2",
        "--effort", "3", "--as-prescribed", "--adverse", "fall", "--stopped-early",
        AT, "2026-01-05T09:00:00+00:00")  # fmt: skip
    held = fails(database_url, "assess", "1", "--kind", "reassessment", "--tug-s", "9",
                 AT, "2026-01-05T10:00:00+00:00")  # fmt: skip
    assert "No walking tests now" in str(held)
    assert "clinician" in str(held)
    koos = tmp_path / "koos.json"
    koos.write_text(json.dumps({"P1": 1, "P2": 1, "Q1": 1, "Q2": 1}), encoding="utf-8")
    sitting = ("assess", "1", "--kind", "reassessment", "--koos", str(koos))
    assert "Assessment" in run(database_url, *sitting, AT, "2026-01-05T10:05:00+00:00")
    # a clean screening lifts nothing
    run(database_url, "screen", "1", *CLEAR, AT, "2026-01-05T10:10:00+00:00")
    again = fails(database_url, *_tug("2026-01-05T10:20:00+00:00"))
    assert "No walking tests now" in str(again)
    run(database_url, "clear", "1", "--scope", "adverse_event", "--reason", "Seen: bruise only",
        AT, "2026-01-05T11:00:00+00:00")  # fmt: skip
    assert "Assessment" in run(database_url, *_tug("2026-01-05T11:10:00+00:00"))


def _tug(at: str) -> tuple[str, ...]:
    return ("assess", "1", "--kind", "reassessment", "--tug-s", "9", AT, at)


def test_tests_repeated_from_the_terminal_never_reset_the_plan(database_url: str) -> None:
    enrol(database_url)
    run(database_url, "screen", "1", *CLEAR, AT, "2026-01-05T09:00:00+00:00")
    full_tests(database_url, "2026-01-05T09:10:00+00:00")
    run(database_url, "plan", "1", AT, "2026-01-05T09:20:00+00:00")
    run(database_url, "adjust", "1", "--minutes", "3", "--speed", "0.3", "--reason", "Sore",
        AT, "2026-01-05T09:30:00+00:00")  # fmt: skip
    full_tests(database_url, "2026-01-06T09:00:00+00:00", "--kind", "reassessment")
    assert "already a plan" in str(fails(database_url, "plan", "1"))
    shown = json.loads(run(database_url, "walker", "show", "1", "--json"))
    assert shown["prescription"]["duration_min"] == 3
    assert shown["prescription"]["speed_m_s"] == 0.3
    empty = fails(database_url, "assess", "1", "--kind", "reassessment")
    assert "Nothing was filled in" in str(empty)


def test_fall_risk_is_cleared_only_after_a_low_reassessment(database_url: str) -> None:
    """Persona M from the terminal: TUG 12.5 s, retest 11.8 s, then a real change."""
    enrol(database_url)
    run(database_url, "screen", "1", *CLEAR, AT, "2026-01-05T09:00:00+00:00")
    run(database_url, "assess", "1", "--tug-s", "12.5", "--tandem-s", "12", "--backward-3m-s",
        "4", AT, "2026-01-05T09:10:00+00:00")  # fmt: skip
    run(database_url, "plan", "1", AT, "2026-01-05T09:20:00+00:00")
    retest = run(database_url, "assess", "1", "--tug-s", "11.8", "--tandem-s", "12",
                 "--kind", "reassessment", AT, "2026-01-10T09:00:00+00:00")  # fmt: skip
    assert "fall risk high" in retest
    refused = fails(database_url, "clear", "1", "--scope", "fall_risk", "--reason", "steadier")
    assert "low risk on its own" in str(refused)
    run(database_url, "assess", "1", "--tug-s", "10.5", "--tandem-s", "12", "--kind",
        "reassessment", AT, "2026-01-14T09:00:00+00:00")  # fmt: skip
    run(database_url, "clear", "1", "--scope", "fall_risk", "--reason", "TUG 10.5 s, steady",
        AT, "2026-01-14T10:00:00+00:00")  # fmt: skip
    today = json.loads(run(database_url, "today", "1", "--json", AT, "2026-01-14T11:00:00+00:00"))
    assert "fall_risk" not in {r["kind"] for r in today["restrictions"]}


def test_a_red_flag_at_the_check_in_from_the_terminal(database_url: str) -> None:
    enrol(database_url)
    run(database_url, "screen", "1", *CLEAR, AT, "2026-01-05T09:00:00+00:00")
    full_tests(database_url, "2026-01-05T09:10:00+00:00")
    run(database_url, "plan", "1", AT, "2026-01-05T09:20:00+00:00")
    run(database_url, "log", "1", "--as-prescribed", "--pain-before", "2", "--pain-peak", "2",
        "--pain-after", "2", "--effort", "3", AT, "2026-01-05T10:00:00+00:00")  # fmt: skip
    out = run(database_url, "checkin", "1", "--pain", "2", "--stiffness", "2",
              "--red-flag", "locked_knee", AT, "2026-01-06T08:00:00+00:00")  # fmt: skip
    assert "warning sign" in out
    bad = fails(database_url, "checkin", "1", "--pain", "2", "--stiffness", "2",
                "--red-flag", "sore")  # fmt: skip
    assert "--red-flag" in str(bad)


def words(output: str) -> str:
    """The output as one line (the terminal wraps long sentences)."""
    return " ".join(output.split())


def enrolled_on_the_first_day(url: str) -> None:
    """Rita enrolled on 2026-01-05, the day the records below begin: a red-flag report is
    dated from the day of enrolment on, and ``walker add`` enrols "now" (it takes no
    ``--at``), so she is enrolled through the use case."""
    run(url, "init")
    ctx = build_context(url)
    try:
        walkers.enrol_walker(
            ctx.at(datetime(2026, 1, 5, 8, 0, tzinfo=UTC)),
            accounts.ensure_local_admin(ctx),
            {
                "email": "r@example.org",
                "display_name": "Rita",
                "age_years": 67,
                "sex": "female",
                "knee_condition": "oa",
                "knee_side": "both",
                "timezone": "UTC",
            },
        )
    finally:
        ctx.db.dispose()


def _planned(url: str) -> None:
    enrolled_on_the_first_day(url)
    run(url, "screen", "1", *CLEAR, AT, "2026-01-05T09:00:00+00:00")
    full_tests(url, "2026-01-05T09:10:00+00:00")
    run(url, "plan", "1", AT, "2026-01-05T09:20:00+00:00")


def _log(key: str, at: str) -> list[str]:
    return ["log", "1", "--as-prescribed", "--pain-before", "2", "--pain-peak", "2",
            "--pain-after", "2", "--effort", "3", "--key", key, AT, at]  # fmt: skip


def test_a_red_flag_reported_at_any_time_from_the_terminal(database_url: str) -> None:
    """RULES.md §7.7: the evening after a session, not the next morning; then sessions wait
    for `retrowalk clear`, whatever the walker answers, re-screens or checks in."""
    _planned(database_url)
    run(database_url, *_log("mon", "2026-01-05T10:00:00+00:00"))
    out = words(run(database_url, "red-flag", "1", "--red-flag", "calf_pain_swelling_warmth",
                    AT, "2026-01-05T19:00:00+00:00"))  # fmt: skip
    assert "calf_pain_swelling_warmth" in out
    assert "warning sign" in out  # the check-in's words, and its action:
    assert "Get emergency care now" in out
    assert "red flag" in str(fails(database_url, *_log("tue", "2026-01-06T10:00:00+00:00")))
    none = run(database_url, "red-flag", "1", "--none", AT, "2026-01-06T08:00:00+00:00")
    assert "lifts nothing" in none
    assert "warning sign" in none  # still there
    run(database_url, "screen", "1", *CLEAR, AT, "2026-01-06T08:10:00+00:00")
    run(database_url, "checkin", "1", "--pain", "1", "--stiffness", "1",
        AT, "2026-01-06T08:20:00+00:00")  # fmt: skip
    today = json.loads(run(database_url, "today", "1", "--json", AT, "2026-01-06T09:00:00+00:00"))
    assert today["status"] == "stopped"
    assert "red flag" in str(fails(database_url, *_log("tue", "2026-01-06T10:00:00+00:00")))
    run(database_url, "clear", "1", "--scope", "red_flag", "--reason", "Doppler scan clear",
        AT, "2026-01-06T11:00:00+00:00")  # fmt: skip
    assert "Logged session" in run(database_url, *_log("tue", "2026-01-06T12:00:00+00:00"))


def test_a_red_flag_report_dated_before_enrolment_is_refused_by_name(sqlite_url: str) -> None:
    """Found by the outside-in test: a report dated years before the walker was enrolled was
    kept. Refused with the field named; nothing is stored, nothing stops."""
    _planned(sqlite_url)
    refused = fails(sqlite_url, "red-flag", "1", "--red-flag", "locked_knee",
                    AT, "2020-01-01T00:00:00+00:00")  # fmt: skip
    assert str(refused).startswith("at: 2020-01-01 is before the walker was enrolled on 2026-01-05")
    today = json.loads(run(sqlite_url, "today", "1", "--json", AT, "2026-01-05T12:00:00+00:00"))
    assert "red_flag" not in {r["kind"] for r in today["restrictions"]}


def test_the_red_flag_command_asks_for_an_answer_in_its_own_flags(sqlite_url: str) -> None:
    _planned(sqlite_url)
    for args, said in (
        ((), "--none"),
        (("--red-flag", "sore"), "--red-flag"),
        (("--red-flag", "locked_knee", "--none"), "opposite"),
    ):
        assert said in str(fails(sqlite_url, "red-flag", "1", *args))


def test_a_check_in_closed_from_the_terminal_keeps_its_red_flag_questions(sqlite_url: str) -> None:
    """A paper diary entered at the terminal decides Monday's session without its report;
    the terminal says so, and the questions wait for an answer (`red-flag --none` here)."""
    _planned(sqlite_url)
    run(sqlite_url, *_log("mon", "2026-01-05T10:00:00+00:00"))
    tuesday = words(run(sqlite_url, *_log("tue", "2026-01-06T10:00:00+00:00")))
    assert "was closed without a report" in tuesday
    today = json.loads(run(sqlite_url, "today", "1", "--json", AT, "2026-01-06T11:00:00+00:00"))
    assert today["red_flags_unasked_since"] == "2026-01-05"
    asked = words(run(sqlite_url, "today", "1", AT, "2026-01-06T11:00:00+00:00"))
    assert "Warning-sign questions unanswered" in asked
    run(sqlite_url, "red-flag", "1", "--none", AT, "2026-01-06T11:30:00+00:00")
    today = json.loads(run(sqlite_url, "today", "1", "--json", AT, "2026-01-06T12:00:00+00:00"))
    assert today["red_flags_unasked_since"] is None


def test_a_refused_command_is_one_sentence_and_exit_code_2(tmp_path: Path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'cli.sqlite'}"
    enrol(url)
    run(url, "screen", "1", *with_red_flag("locked_knee"))
    script = Path(sys.executable).parent / "retrowalk"
    done = subprocess.run(
        [
            str(script),
            "log",
            "1",
            "--minutes",
            "10",
            "--speed",
            "0.7",
            "--surface",
            "flat_clear_known_path",
            "--supervised",
            "--pain-before",
            "2",
            "--pain-peak",
            "2",
            "--pain-after",
            "2",
            "--effort",
            "3",
            "--database-url",
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "warning sign" in done.stderr


def test_the_terminal_refuses_a_policy_without_a_supervised_start(database_url: str) -> None:
    run(database_url, "init")
    refused = fails(database_url, "policy", "set", "supervised_first_sessions_low_risk=0",
                    "--reason", "they are fine alone")  # fmt: skip
    assert "always has someone there" in str(refused)
    shown = json.loads(run(database_url, "policy", "show", "--json"))
    assert shown["version"] == 0


def test_the_terminal_says_what_a_clearance_lifted_and_never_dates_it_before_them(
    database_url: str,
) -> None:
    """`clear` lifts what is recorded when it runs and lists each record; a clearance dated
    (--at) before a warning sign it would lift is refused (found by the outside-in test: a
    clearance at 08:00 lifted a report made at 20:09)."""
    enrol(database_url)
    run(database_url, "screen", "1", *with_red_flag("calf_pain_swelling_warmth"),
        AT, "2026-01-05T09:00:00+00:00")  # fmt: skip
    run(database_url, "screen", "1", *with_red_flag("hot_swollen_knee"),
        AT, "2026-01-05T10:00:00+00:00")  # fmt: skip
    early = fails(database_url, "clear", "1", "--scope", "red_flag", "--reason",
                  "GP saw her for the calf", AT, "2026-01-05T09:30:00+00:00")  # fmt: skip
    assert "cannot be dated before what it lifts" in str(early)
    done = run(database_url, "clear", "1", "--scope", "red_flag", "--reason",
               "GP saw her: scan clear, no infection", AT, "2026-01-05T11:00:00+00:00")  # fmt: skip
    assert "It lifted:" in done
    assert "calf pain, swelling or warmth" in done
    assert "hot, swollen knee" in done
    today = json.loads(run(database_url, "today", "1", "--json", AT, "2026-01-05T11:10:00+00:00"))
    assert "red_flag" not in [r["kind"] for r in today["restrictions"]]
