"""`retrowalk screen` never takes a question left out as "no" (RULES.md §7.3: a skipped answer
is unknown; a red flag or a PAR-Q item must not be answered away by omission). Without a
terminal it names every unanswered question and stores nothing; in a terminal it asks them,
and y or n must be typed (Enter alone is asked again)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrowalk.cli import screen_answers
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.exercise_gate import EXERCISES_WAIT
from tests.cli.screen_args import CLEAR, OTHERS_NO, PARQ_CLEAR, with_red_flag
from tests.cli.test_tracking_commands import _app, fails, run, runner
from tests.db import sqlite_url

__all__ = ["sqlite_url"]


def enrol(url: str) -> None:
    run(url, "init")
    run(url, "walker", "add", "--email", "s@example.org", "--name", "Sam", "--age", "72",
        "--sex", "male", "--knee", "oa", "--timezone", "UTC")  # fmt: skip


def not_screened(url: str) -> bool:
    return json.loads(run(url, "today", "1", "--json"))["status"] == "needs_screening"


def without(args: tuple[str, ...], *left_out: str) -> list[str]:
    return [a for a in args if a not in left_out]


@pytest.mark.parametrize(
    ("left_out", "named"),
    [
        (("--no-red-flags",), "knee warning signs (red flags)"),
        (("--no-fever",), "fever"),
        (("--used-to-activity",), "used to being physically active"),
        (("--not-fell",), "fallen in the past 12 months"),
        (("--not-unsteady",), "unsteady"),
        (("--not-worried",), "worry about falling"),
        (("--no-walking-aid",), "walking stick"),
        (("--no-anticoagulant",), "blood-thinning"),
        (("--no-recent-knee-surgery",), "operation on this knee"),
    ],
)
def test_each_question_left_out_is_refused_by_name_and_nothing_is_stored(
    sqlite_url: str, left_out: tuple[str, ...], named: str
) -> None:
    enrol(sqlite_url)
    error = fails(sqlite_url, "screen", "1", *without(CLEAR, *left_out))
    assert isinstance(error, InvalidRequest)
    assert "1 screening question not answered" in str(error)
    assert "never taken as no" in str(error)
    assert named in str(error)
    assert not_screened(sqlite_url)


def test_a_par_q_item_left_out_is_named_with_its_flags(sqlite_url: str) -> None:
    enrol(sqlite_url)
    args = ["--parq-yes", "5", "--parq-no", "1,3,4,6,7", "--no-red-flags", *OTHERS_NO]
    error = str(fails(sqlite_url, "screen", "1", *args))
    assert "PAR-Q 2: Do you feel pain in your chest" in error
    assert "--parq-yes 2 or --parq-no 2" in error
    assert not_screened(sqlite_url)


def test_no_answers_at_all_names_every_question(sqlite_url: str) -> None:
    enrol(sqlite_url)
    error = fails(sqlite_url, "screen", "1")
    assert isinstance(error, InvalidRequest)
    assert str(error).startswith("16 screening questions not answered")
    assert len(error.problems) == 16
    assert all(p.kind == "missing" for p in error.problems)


def test_the_command_line_exits_2_with_the_sentence_not_a_traceback(sqlite_url: str) -> None:
    enrol(sqlite_url)
    done = runner.invoke(_app(), ["screen", "1", *PARQ_CLEAR, "--database-url", sqlite_url])
    assert done.exit_code != 0
    assert isinstance(done.exception, InvalidRequest)


def test_contradicting_answers_are_refused(sqlite_url: str) -> None:
    enrol(sqlite_url)
    both = fails(sqlite_url, "screen", "1", "--parq-yes", "2", *CLEAR)
    assert "answered both yes and no" in str(both)
    flag_and_none = fails(sqlite_url, "screen", "1", *CLEAR, "--red-flag", "locked_knee")
    assert "not both" in str(flag_and_none)
    args = ["--parq-yes", "5", "--parq-no", "1,2,3,4,6,8", "--no-red-flags", *OTHERS_NO]
    bad_item = fails(sqlite_url, "screen", "1", *args)
    assert "--parq-no: is not a PAR-Q item; expected 1 to 7 (got '8')" in str(bad_item)
    assert not_screened(sqlite_url)


def test_every_answer_given_screens_and_a_red_flag_stops(sqlite_url: str) -> None:
    enrol(sqlite_url)
    cleared = json.loads(run(sqlite_url, "screen", "1", *CLEAR, "--json"))
    assert cleared["outcome"] == "cleared"
    assert cleared["answers"]["steadi"]["fell_past_12_months"] is False
    stopped = json.loads(run(sqlite_url, "screen", "1", *with_red_flag("locked_knee"), "--json"))
    assert stopped["outcome"] == "stop_and_refer"


def test_a_par_q_yes_given_as_a_list_needs_clearance(sqlite_url: str) -> None:
    enrol(sqlite_url)
    args = ["--parq-yes", "2,5", "--parq-no", "1", "--parq-no", "3,4,6,7", "--no-red-flags"]
    result = json.loads(run(sqlite_url, "screen", "1", *args, *OTHERS_NO, "--json"))
    assert result["outcome"] == "clearance_required"


def test_an_answers_file_without_the_red_flags_is_refused(sqlite_url: str, tmp_path: Path) -> None:
    enrol(sqlite_url)
    answers = json.loads(Path("examples/start-answers.json").read_text(encoding="utf-8"))
    del answers["red_flags"]
    del answers["steadi"]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    error = str(fails(sqlite_url, "screen", "1", "--answers", str(path)))
    assert "no answer for red_flags, steadi" in error
    assert '"red_flags": []' in error
    assert not_screened(sqlite_url)


def test_in_a_terminal_the_missing_questions_are_asked_and_enter_is_not_no(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    enrol(sqlite_url)
    monkeypatch.setattr(screen_answers, "in_a_terminal", lambda: True)
    # Fever left out: Enter alone is asked again, then "y" is the answer.
    done = runner.invoke(
        _app(),
        ["screen", "1", *without(CLEAR, "--no-fever"), "--json", "--database-url", sqlite_url],
        input="\ny\n",
    )
    assert done.exit_code == 0, done.output
    assert "Please type y (yes) or n (no)." in done.output
    row = json.loads(run(sqlite_url, "history", "1", "--json"))["screenings"][-1]
    assert row["answers"]["fever_or_unwell"] is True


def test_in_a_terminal_the_red_flags_are_asked_one_by_one(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    enrol(sqlite_url)
    monkeypatch.setattr(screen_answers, "in_a_terminal", lambda: True)
    # "Can you put weight on the leg and take 4 steps?" is the third question: "n" flags it.
    answers = ["n", "n", "n"] + ["n"] * 20
    done = runner.invoke(
        _app(),
        ["screen", "1", *without(CLEAR, "--no-red-flags"), "--json", "--database-url", sqlite_url],
        input="\n".join(answers) + "\n",
    )
    assert done.exit_code == 0, done.output
    assert "Can you put weight on the leg and take 4 steps?" in done.output
    assert '"outcome": "stop_and_refer"' in done.output


def test_end_of_input_in_a_terminal_is_one_sentence(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    enrol(sqlite_url)
    monkeypatch.setattr(screen_answers, "in_a_terminal", lambda: True)
    error = fails(sqlite_url, "screen", "1", *without(CLEAR, "--no-fever"))
    assert "end of input" in str(error)
    assert not_screened(sqlite_url)


def test_a_red_flag_says_the_exercises_wait_too_until_the_clinician_clears_it(
    sqlite_url: str,
) -> None:
    """The terminal agrees with the page and the API (tests/web/test_exercise_gate.py)."""
    enrol(sqlite_url)
    screened = run(sqlite_url, "screen", "1", *with_red_flag("locked_knee"))
    assert " ".join(EXERCISES_WAIT.split()[:6]) in " ".join(screened.split())
    today = " ".join(run(sqlite_url, "today", "1").split())
    assert " ".join(EXERCISES_WAIT.split()) in today
    run(sqlite_url, "clear", "1", "--scope", "red_flag", "--reason", "GP: not locked")
    assert "strengthening exercises wait" not in run(sqlite_url, "today", "1")


def test_walker_list_says_not_screened_then_no_plan(sqlite_url: str) -> None:
    enrol(sqlite_url)
    assert "not screened yet" in run(sqlite_url, "walker", "list")
    assert json.loads(run(sqlite_url, "walker", "list", "--json"))[0]["flags"] == ["not_screened"]
    run(sqlite_url, "screen", "1", *CLEAR)
    listed = run(sqlite_url, "walker", "list")
    assert "no plan yet" in listed
    assert "not screened yet" not in listed
