"""The terminal as a newcomer meets it: words not codes, answers never lost, clear errors,
a quick start-up.

Each test names what a walker (often 65, on a phone or a terminal) or her physiotherapist
relies on; each failed before its fix.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retrowalk.cli.app import app
from tests.cli.screen_args import CLEAR
from tests.cli.test_start_cli import RED_FLAGS_ANSWERED_NO
from tests.cli.test_tracking_commands import LOG, _walker_with_plan, fails, run
from tests.db import database_url, postgres_schema_url, sqlite_url

__all__ = ["database_url", "postgres_schema_url", "sqlite_url"]

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "motion" / "data"
RAW_CODES = ("missed_sessions", "reassessment_due", "flat_clear_known_path", "oa (")


# --- start-up -------------------------------------------------------------------------------


def test_the_cli_starts_without_scipy_or_alembic() -> None:
    """`retrowalk --help`, `today`, `log` must not pay ~1.2 s for SciPy and Alembic."""
    code = (
        "import sys, retrowalk.cli.app\n"
        "print(sorted(m for m in ('scipy', 'alembic') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_motion_package_names_still_import_lazily() -> None:
    import retrowalk.motion as motion
    from retrowalk.cli.motion import FORMATS
    from retrowalk.motion import analyze, read_recording
    from retrowalk.motion.analysis import analyze as real_analyze

    assert analyze is real_analyze
    assert callable(read_recording)
    assert FORMATS == motion.FORMATS  # the CLI's copy of --format's values stays in step
    assert set(motion.__all__) <= set(dir(motion))


# --- retrowalk start, in a terminal ---------------------------------------------------------

WALK_THROUGH_START = ["67", "1", "n", "1"] + ["n"] * 7 + RED_FLAGS_ANSWERED_NO + ["n"] * 6
TREADMILL_TEST = ["0.5", "0.6"]
"""Choosing the treadmill asks for the treadmill speed test (RULES.md §7.10)."""


def test_a_typo_in_a_test_result_is_asked_again_not_fatal() -> None:
    """Typing -3 for the TUG used to end `start` with exit 2 after every answer was given."""
    typed = [*WALK_THROUGH_START, "-3", "9.1", "", "12", "n", "4.2", "2", *TREADMILL_TEST]
    result = runner.invoke(app, ["start"], input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert "Please try again: a number from 1 to 300" in result.stdout
    assert "Your backward-walking plan" in result.stdout


def test_prompts_explain_codes_and_help_with_wrong_typing() -> None:
    typed = ["sixty-seven", *WALK_THROUGH_START[:3], "perhaps", *WALK_THROUGH_START[3:]]
    typed += ["9.1", "", "12", "maybe", "n", "4.2", "2", *TREADMILL_TEST]
    result = runner.invoke(app, ["start"], input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Please type a whole number with the digits 0 to 9, such as 67." in out
    assert "valid integer" not in out
    assert "1 = knee osteoarthritis" in out
    assert "2 = patellofemoral pain (pain around the kneecap)" in out
    assert "Please type a number from 1 to 2." in out  # "perhaps" for the condition
    assert "Please type y (yes) or n (no)" in out  # "maybe" for the arms question
    assert "Error: invalid input" not in out
    assert "1 = a flat, clear path you know" in out
    assert "Surface    │ a treadmill" in out
    for code in ("patellofemoral_pain", "flat_clear_known_path"):
        assert code not in out


# --- tracking output in words -----------------------------------------------------------------


def test_walker_list_and_show_use_words_not_codes(sqlite_url: str) -> None:
    _walker_with_plan(sqlite_url)
    run(sqlite_url, *LOG)
    listing = run(sqlite_url, "walker", "list")
    assert "osteoarthritis" in listing  # not "oa"
    assert "missed sessions" in listing
    assert "3 a week are prescribed" in listing  # the flag's reason is shown, not just its name
    shown = run(sqlite_url, "walker", "show", "1")
    assert "knee osteoarthritis, both knees" in " ".join(shown.split())
    assert "a flat, clear path you know" in shown or "a treadmill" in shown
    for code in RAW_CODES:
        assert code not in listing + shown
    raw = json.loads(run(sqlite_url, "walker", "list", "--json"))
    assert raw[0]["flags"][0] == "missed_sessions"  # --json keeps the codes for machines


def test_history_dates_are_readable_in_an_80_column_terminal(sqlite_url: str) -> None:
    """The date column used to be cut to `2026-01-…` at 80 columns."""
    _walker_with_plan(sqlite_url)
    run(sqlite_url, *LOG)
    result = runner.invoke(
        app,
        ["history", "1", "--at", "2026-01-06T12:00:00+00:00", "--database-url", sqlite_url],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    assert "2026-01-05" in result.stdout
    assert "2026-01-…" not in result.stdout
    assert "b/peak/a" not in result.stdout


def test_demo_summary_is_a_sentence_not_a_python_dict(sqlite_url: str) -> None:
    out = run(sqlite_url, "demo", "--seed", "1")
    assert "{'" not in out
    assert "stay" in out
    assert "×" in out


# --- bad input: one sentence, the flags a person types, nothing written ----------------------


def test_import_reads_a_csv_folder_without_format(sqlite_url: str, tmp_path: Path) -> None:
    """`export --format csv` makes a folder; `import FOLDER` used to fail with `[Errno 21]`."""
    _walker_with_plan(sqlite_url)
    run(sqlite_url, *LOG)
    folder = tmp_path / "export-csv"
    run(sqlite_url, "export", str(folder), "--format", "csv")
    empty = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    assert "Imported" in run(empty, "import", str(folder))


def test_an_answers_folder_or_missing_file_is_named_in_words(
    sqlite_url: str, tmp_path: Path
) -> None:
    _walker_with_plan(sqlite_url)
    folder = str(fails(sqlite_url, "screen", "1", "--answers", str(tmp_path)))
    missing = str(fails(sqlite_url, "assess", "1", "--answers", str(tmp_path / "none.json")))
    assert "is a folder, not a JSON file" in folder
    assert "does not exist" in missing
    assert "Errno" not in folder + missing


def test_service_messages_do_not_show_pydantic_prefixes(sqlite_url: str) -> None:
    run(sqlite_url, "init")
    message = str(
        fails(
            sqlite_url,
            *("walker", "add", "--email", "b@example.org", "--name", "B", "--age", "70"),
            *("--sex", "female", "--knee", "oa", "--timezone", "Mars/Base"),
        )
    )
    assert message.startswith("--timezone: must be a time zone from the list")
    assert "Value error" not in message


def _count_sessions(url: str) -> int:
    hist = json.loads(run(url, "history", "1", "--json", "--at", "2026-01-20T12:00:00+00:00"))
    return len(hist["sessions"])


def test_recording_without_gps_keeps_the_plans_speed(sqlite_url: str) -> None:
    """`log --as-prescribed --from-recording` with a phone recording (no GPS) used to fail with
    'input: Value error, give speed_m_s or distance_m': the recording erased the plan's speed."""
    _walker_with_plan(sqlite_url)
    args = (
        *("log", "1", "--pain-before", "2", "--pain-peak", "2", "--pain-after", "2"),
        *("--effort", "3", "--at", "2026-01-07T10:00:00+00:00"),
        *("--from-recording", str(DATA / "phyphox_acceleration.zip")),
    )
    message = str(fails(sqlite_url, *args, "--surface", "treadmill", "--alone"))
    assert message.startswith("--speed or --distance is required")
    assert "phyphox_acceleration.zip has no GPS" in message
    assert "--step-length-m" in message
    assert _count_sessions(sqlite_url) == 0  # nothing half-written
    logged = json.loads(run(sqlite_url, *args, "--as-prescribed", "--json"))
    plan = json.loads(run(sqlite_url, "walker", "show", "1", "--json"))["prescription"]
    assert logged["speed_m_s"] == plan["speed_m_s"]
    assert 0 < logged["duration_min"] < 1  # the minutes come from the recording
    assert _count_sessions(sqlite_url) == 1


def test_missing_surface_says_which_surfaces_are_allowed(sqlite_url: str) -> None:
    _walker_with_plan(sqlite_url)
    message = str(
        fails(
            sqlite_url,
            *("log", "1", "--minutes", "10", "--speed", "0.7", "--alone"),
            *("--pain-before", "2", "--pain-peak", "2", "--pain-after", "2", "--effort", "3"),
        )
    )
    assert "--surface is required (one of: treadmill_with_handrails," in message


@pytest.mark.postgres
def test_restore_into_a_postgres_database_with_data_is_one_sentence(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    """It used to print a TransferError traceback (exit 1)."""
    _walker_with_plan(postgres_schema_url)
    run(postgres_schema_url, *LOG)
    copy = tmp_path / "backup.json"
    run(postgres_schema_url, "backup", str(copy))
    message = str(fails(postgres_schema_url, "restore", str(copy)))
    assert message.startswith(f"Cannot restore {copy}: Import only into an empty database")
    assert _count_sessions(postgres_schema_url) == 1  # nothing changed


def test_restore_names_a_missing_file_or_a_folder(sqlite_url: str, tmp_path: Path) -> None:
    run(sqlite_url, "init")
    missing = str(fails(sqlite_url, "restore", str(tmp_path / "none.sqlite")))
    folder = str(fails(sqlite_url, "restore", str(tmp_path)))
    assert missing.endswith("does not exist; give a file made by `retrowalk backup`.")
    assert folder.endswith("is a folder; give a file made by `retrowalk backup`.")


@pytest.mark.postgres
def test_restore_into_a_brand_new_postgres_database(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    """The documented `restore` into an empty database used to crash with
    'relation "accounts" does not exist' unless `init` was run first."""
    from tests.db import _admin_connection, postgres_url, with_search_path

    _walker_with_plan(postgres_schema_url)
    run(postgres_schema_url, *LOG)
    copy = tmp_path / "backup.json"
    run(postgres_schema_url, "backup", str(copy))
    schema = f"rw_test_new_{uuid.uuid4().hex[:10]}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            fresh = with_search_path(postgres_url(), schema)
            run(fresh, "restore", str(copy))
            assert _count_sessions(fresh) == 1
            shown = json.loads(run(fresh, "walker", "show", "1", "--json"))
            assert shown["walker"]["email"] == "ann@example.org"
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_a_label_the_sentence_already_says_is_not_repeated(sqlite_url: str) -> None:
    """`… (retrowalk policy). (policy)` read as a stutter; and `start` now says what the
    bracketed names and labels mean."""
    _walker_with_plan(sqlite_url)
    screened = run(sqlite_url, "screen", "1", *CLEAR)
    flat = " ".join(screened.split())
    assert "(retrowalk policy)." in flat
    assert "policy). (policy" not in flat
    example = Path(__file__).resolve().parents[2] / "examples" / "start-answers.json"
    result = runner.invoke(app, ["start", "--answers", str(example)])
    started = " ".join(result.stdout.split())
    assert "policy). [policy]" not in started
    assert "`retrowalk evidence` describes the studies" in started
    assert "[policy] marks retrowalk's own choices" in started


def test_bad_values_name_the_flag_typed_and_the_limit(sqlite_url: str) -> None:
    """`pain_before_nprs: Input should be less than or equal to 10` named an internal field."""
    _walker_with_plan(sqlite_url)
    run(sqlite_url, *LOG)
    pain = str(fails(sqlite_url, "checkin", "1", "--pain", "11", "--stiffness", "1"))
    minutes = str(fails(sqlite_url, "adjust", "1", "--minutes", "-3", "--reason", "sore knee"))
    age = str(
        fails(
            sqlite_url,
            *("walker", "add", "--email", "c@example.org", "--name", "C", "--age", "10"),
            *("--sex", "female", "--knee", "oa"),
        )
    )
    assert pain == "--pain: must be at most 10 (got 11)."
    assert minutes == "--minutes: must be at least 1 (got -3)."
    assert age == "--age: must be at least 18 (got 10)."
    assert _count_sessions(sqlite_url) == 1
