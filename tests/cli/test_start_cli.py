"""``retrowalk start``: the walk-through from an answers file, in a terminal, and without one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from retrowalk.cli.app import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "start-answers.json"


def answers(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run_json(path: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["start", "--answers", str(path), "--json"])
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def console_script(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "retrowalk"
    command = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from retrowalk.cli.app import main; main()"]
    )
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )


def test_the_shipped_example_gives_a_cleared_walker_a_plan() -> None:
    out = run_json(EXAMPLE)
    assert out["outcome"] == "plan"
    plan = out["prescription"]
    assert plan["duration_min"] == 10
    assert plan["sessions_per_week"] == 3
    assert plan["incline_pct"] == 0
    assert plan["speed_m_s"] == pytest.approx(3.0 / 2.9)
    assert plan["supervision"] == "first_sessions"
    assert plan["supervised_first_sessions"] == 2
    assert plan["awaiting_clearance"] is False
    assert plan["surface"] == "treadmill"


def test_the_table_output_shows_the_plan_and_labels_policy() -> None:
    result = runner.invoke(app, ["start", "--answers", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "does not diagnose" in result.stdout
    assert "Your backward-walking plan" in result.stdout
    assert "[policy]" in result.stdout


def test_high_fall_risk_walker_is_always_supervised_on_a_treadmill_with_handrails(
    tmp_path: Path,
) -> None:
    data = answers(surface=None)
    data["tests"] = {**data["tests"], "tug_s": 14.0}
    out = run_json(write(tmp_path, data))
    plan = out["prescription"]
    assert out["fall_risk"]["level"] == "high"
    assert plan["supervision"] == "every_session"
    assert plan["surface"] == "treadmill_with_handrails"
    assert "Hold the handrails." in plan["safety_cues"]


def test_clearance_required_walker_gets_a_plan_waiting_for_clearance(tmp_path: Path) -> None:
    out = run_json(write(tmp_path, answers(parq=[False, True, False, False, False, False, False])))
    assert out["screening"]["outcome"] == "clearance_required"
    assert out["prescription"]["awaiting_clearance"] is True


def test_red_flag_walker_gets_the_referral_and_no_plan(tmp_path: Path) -> None:
    path = write(tmp_path, answers(red_flags=["calf_pain_swelling_warmth"]))
    out = run_json(path)
    assert out["outcome"] == "stop_and_refer"
    assert out["prescription"] is None
    assert any("emergency" in action for action in out["screening"]["actions"])
    table = runner.invoke(app, ["start", "--answers", str(path)])
    assert table.exit_code == 0
    assert "No walking plan is made" in table.stdout
    assert "Your backward-walking plan" not in table.stdout


@pytest.mark.parametrize(
    ("data", "names"),
    [
        ({"age_years": "sixty"}, "age_years"),
        ({"parq": [False] * 6}, "parq"),
        ({"red_flags": ["sore_knee"]}, "red_flags"),
        ({"tests": {"tug_s": 9.0}}, "backward walk"),
        ({"tests": {"backward_walk_3m_s": -3}}, "backward_walk_3m_s"),
        ({"surface": "flat_clear_known_path", "tests": {"backward_walk_3m_s": 5.0}}, "surface"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"age_years": 12}, "age_years: 12 is not allowed; expected a whole number of years"),
        ({"sex": "x"}, "'sex' = 'x' is not allowed"),
        ({"knee_condition": "acl"}, "'knee_condition' = 'acl' is not allowed"),
        ({"parq": [0, 0, 0, 0, 1, 0, 0]}, "'parq.0' = 0 is not allowed"),
        ({"tests": {"tug_s": "NaN", "backward_walk_3m_s": 4.0}}, "tug_s: nan is not allowed"),
        (
            {"tests": {"chair_stand_count": -3, "backward_walk_3m_s": 4.0}},
            "chair_stand_count: -3 is not allowed; expected a whole number of stands",
        ),
        ({"tests": {"backward_walk_3m_s": 1e9}}, "at most 300"),
    ],
)
def test_bad_answers_give_one_sentence_and_exit_2(
    tmp_path: Path, data: dict[str, Any], names: str
) -> None:
    result = runner.invoke(app, ["start", "--answers", str(write(tmp_path, answers(**data)))])
    assert result.exit_code == 2, result.output
    assert names in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1  # one sentence, on one line


def test_not_json_and_missing_file_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    for path in (bad, tmp_path / "missing.json"):
        result = runner.invoke(app, ["start", "--answers", str(path)])
        assert result.exit_code == 2
        assert str(path) in result.stderr


def test_interactive_walk_through_in_a_terminal() -> None:
    typed = "\n".join(
        ["7", "66", "female", "y", "patellofemoral_pain"]
        + ["n"] * 7  # PAR-Q
        + ["n"] * 11  # red flags
        + ["n"] * 3  # STEADI
        + ["8.5", "", "13", "n", "", "3.5", "flat_clear_known_path"]
    )
    result = runner.invoke(app, ["start"], input=typed + "\n")
    assert result.exit_code == 0, result.output
    assert "Timed Up and Go: sit in a chair" in result.stdout
    assert "The plan needs this test" in result.stdout  # Enter on the 3-m walk is refused
    assert "a flat, clear path you know" in result.stdout
    assert "0.86 m/s" in result.stdout
    assert "Please try again" in result.stdout  # age 7 is refused and asked again


def test_console_script_without_stdin_fails_with_a_sentence() -> None:
    result = console_script("start", stdin="")
    assert result.returncode == 2
    assert "end of input" in result.stderr
    assert "Traceback" not in result.stderr


def test_console_script_with_a_bad_answers_file_exits_2(tmp_path: Path) -> None:
    result = console_script("start", "--answers", str(write(tmp_path, [1, 2])))
    assert result.returncode == 2
    assert "one JSON object" in result.stderr
    assert "Traceback" not in result.stderr
