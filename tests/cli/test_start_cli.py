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
    # a treadmill plan starts from the treadmill test (the mean of 0.6 and 0.7), not the 3-m walk
    assert plan["speed_m_s"] == pytest.approx(0.65)
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
        ({"tests": {"backward_walk_3m_s": -3}}, "backward_walk_3m_s"),
        ({"surface": "flat_clear_known_path", "tests": {"backward_walk_3m_s": 5.0}}, "surface"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"age_years": 12}, "age_years: 12 is not allowed; expected a whole number of years"),
        ({"sex": "x"}, "sex: must be one of 'male' or 'female' (got 'x')"),
        ({"knee_condition": "acl"}, "knee_condition: must be one of"),
        ({"parq": [0, 0, 0, 0, 1, 0, 0]}, "parq.0: must be true or false (got 0)"),
        ({"tests": {"tug_s": "NaN", "backward_walk_3m_s": 4.0}}, "tests.tug_s: must be a number"),
        (
            {"tests": {"chair_stand_count": -3, "backward_walk_3m_s": 4.0}},
            "tests.chair_stand_count: must be at least 0 (got -3)",
        ),
        ({"tests": {"backward_walk_3m_s": 1e9}}, "must be at most 300"),
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


RED_FLAGS_ANSWERED_NO = (
    ["n", "n"]  # hot swollen knee, then the separate fever question
    + ["n"]  # broken, dislocated or torn after an injury
    + ["y"]  # "Can you put weight on the leg and take 4 steps?" asked positively: yes
    + ["n"] * 8
)


def test_interactive_walk_through_in_a_terminal() -> None:
    typed = "\n".join(
        ["7", "66", "female", "y", "patellofemoral_pain"]
        + ["n"] * 7  # PAR-Q
        + RED_FLAGS_ANSWERED_NO
        + ["n"] * 3  # walking aid, blood thinner, knee surgery
        + ["n"] * 3  # STEADI
        + ["8.5", "", "13", "n", "3.5", "flat_clear_known_path"]
    )
    result = runner.invoke(app, ["start"], input=typed + "\n")
    assert result.exit_code == 0, result.output
    assert "Timed Up and Go: sit in a chair" in result.stdout
    assert "a flat, clear path you know" in result.stdout
    # 3 m in 3.5 s is 0.86 m/s measured; the plan starts at the policy ceiling of 0.80 m/s
    assert "0.86 m/s" in result.stdout
    assert "0.80 m/s (2.9 km/h)" in result.stdout
    assert "Please try again" in result.stdout  # age 7 is refused and asked again


def test_the_weight_bearing_question_needs_a_typed_answer() -> None:
    """Its "no" is the warning sign, so Enter is not taken as an answer (no double negative)."""
    typed = "\n".join(
        ["66", "female", "y", "oa"] + ["n"] * 7 + ["n", "n", "n", "", "n"] + ["n"] * 30
    )
    result = runner.invoke(app, ["start"], input=typed + "\n")
    assert "Can you put weight on the leg and take 4 steps? [y/n]" in result.stdout
    assert "Please type y (yes) or n (no)." in result.stdout
    assert "No walking plan is made" in result.stdout  # the typed "n" raises the red flag


def test_a_treadmill_walker_does_the_treadmill_test_in_the_walk_through() -> None:
    """Persona B: a treadmill plan starts from the treadmill test, never the 3-m walk."""
    typed = "\n".join(
        ["24", "female", "y", "patellofemoral_pain"]
        + ["n"] * 7
        + RED_FLAGS_ANSWERED_NO
        + ["n"] * 6
        + ["7.0", "12", "", "2.2", "treadmill", "1.2", "1.3"]
    )
    result = runner.invoke(app, ["start", "--json"], input=typed + "\n")
    assert result.exit_code == 0, result.output
    echoed, _, printed = result.stdout.partition("\n{")  # the runner echoes what was typed
    assert echoed
    plan = json.loads("{" + printed)["prescription"]
    assert plan["surface"] == "treadmill"
    assert plan["comfortable_speed_m_s"] == pytest.approx(1.25)  # the treadmill test, not 3/2.2
    assert plan["speed_m_s"] == pytest.approx(0.8)  # and the policy's starting ceiling


def test_without_the_3m_walk_a_high_risk_walker_is_told_to_see_their_clinician(
    tmp_path: Path,
) -> None:
    """Persona I: TUG 16 s, stands up with the arms, cannot do the 3-m backward walk."""
    data = answers(surface=None)
    data["tests"] = {"tug_s": 16.0, "chair_stand_count": 0, "chair_stand_used_arms": True}
    result = runner.invoke(app, ["start", "--answers", str(write(tmp_path, data)), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["outcome"] == "no_plan_yet"
    assert "not for you yet" in out["why"]
    assert "see your clinician" in out["why"]
    assert out["fall_risk"]["level"] == "high"


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


def test_enter_never_answers_a_screening_question() -> None:
    """Found in review: Enter was taken as "no" on the PAR-Q, the red flags and the fall
    questions, so a walker could answer a red flag away by pressing Enter. Each now asks again
    until y or n is typed; here the hot swollen knee is answered "y" after two Enters."""
    typed = "\n".join(
        ["66", "female", "y", "oa"]
        + ["", "n"]  # PAR-Q 1: Enter asked again
        + ["n"] * 6
        + ["", "", "y"]  # a hot, swollen knee: asked until typed
        + ["n"] * 40
    )
    result = runner.invoke(app, ["start"], input=typed + "\n")
    assert "[y/N]" not in result.stdout
    assert result.stdout.count("Please type y (yes) or n (no).") >= 3
    assert "No walking plan is made" in result.stdout  # the typed "y" raised the red flag


def test_enter_never_picks_the_sex_or_the_condition() -> None:
    """Found outside-in: Enter took "female" (the chair-stand norm) and "knee osteoarthritis"
    (the incline) as given. Each choice is now asked until a number or a code is typed."""
    typed = "\n".join(["66", "", "male", "y", "", "oa"] + ["n"] * 40)
    result = runner.invoke(app, ["start"], input=typed + "\n")
    assert result.stdout.count("Please type a number from 1 to 2.") >= 2
    assert "[1]" not in result.stdout
    assert "[2]" not in result.stdout
