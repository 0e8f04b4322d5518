"""``retrowalk koos score FILE [--json]``: output mirrors the input; bad input → one sentence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from retrowalk.cli import koos
from retrowalk.cli.koos import KoosFileError

runner = CliRunner()
KEYS = {"symptoms", "pain", "adl", "sport_rec", "qol"}
PAIN_ONLY = {f"P{i}": 1 for i in range(1, 10)}


def sub_app() -> typer.Typer:
    app = typer.Typer()
    koos.register(app)
    return app


def write(tmp_path: Path, data: object, name: str = "koos.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_object_in_object_out(tmp_path: Path) -> None:
    result = runner.invoke(sub_app(), ["koos", "score", str(write(tmp_path, PAIN_ONLY)), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == KEYS
    assert out["pain"] == 75.0
    assert out["symptoms"] is None


def test_array_in_array_out(tmp_path: Path) -> None:
    data = [PAIN_ONLY, {}, {"Q1": 4, "Q2": 4}]
    result = runner.invoke(sub_app(), ["koos", "score", str(write(tmp_path, data)), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert [o["pain"] for o in out] == [75.0, None, None]
    assert out[2]["qol"] == 0.0
    assert all(set(o) == KEYS for o in out)


def test_table_shows_every_subscale(tmp_path: Path) -> None:
    result = runner.invoke(
        sub_app(), ["koos", "score", str(write(tmp_path, [PAIN_ONLY, PAIN_ONLY]))]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("75.0") == 2
    assert "Symptoms" in result.output
    assert "—" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        (json.dumps({"P3": 5}), "P3: 5 is not allowed; expected a whole number from 0 to 4"),
        (json.dumps({"X9": 1}), "item code: “X9” is not allowed"),
        (json.dumps([{"P1": 1}, 3]), "element 1: is a number (3), not an object"),
        (json.dumps([{"P1": 1}, {"P1": 1.5}]), "element 1: P1: 1.5"),
        ('{"P1": 1, "P1": 2}', "'P1' appears twice"),
        (json.dumps("P1"), "is text ('P1'), not an object"),
    ],
)
def test_bad_input_is_one_named_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(sub_app(), ["koos", "score", str(path)])
    assert isinstance(result.exception, KoosFileError)
    assert message in str(result.exception)
    assert str(path) in str(result.exception)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    result = runner.invoke(sub_app(), ["koos", "score", str(missing)])
    assert isinstance(result.exception, KoosFileError)
    assert "nope.json: does not exist" in str(result.exception)


# The root app imports every command module; while another engineer's module is still
# missing, the subprocess stands in a no-op ``register`` for it, so the real ``main()`` (exit
# code 2, one sentence, no traceback) is exercised all the same.
RUN_MAIN = """
import importlib, sys, types
for name in ("start", "evidence", "motion"):
    full = "retrowalk.cli." + name
    try:
        importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name != full:
            raise
        stub = types.ModuleType(full)
        stub.register = lambda app: None
        sys.modules[full] = stub
from retrowalk.cli.app import main
sys.argv[0] = "retrowalk"
main()
"""


def run_console(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN_MAIN, *args], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (json.dumps({"P3": 5}), "P3: 5"),
        ("[1, 2", "not valid JSON"),
        (json.dumps([{}, []]), "element 1"),
    ],
)
def test_console_bad_input_exits_2_without_traceback(
    tmp_path: Path, content: str, needle: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    proc = run_console("koos", "score", str(path))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert needle in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 3  # one sentence (Rich may wrap it)


def test_console_missing_file_exits_2(tmp_path: Path) -> None:
    proc = run_console("koos", "score", str(tmp_path / "absent.json"), "--json")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "absent.json" in proc.stderr


def test_console_good_file_prints_json(tmp_path: Path) -> None:
    proc = run_console("koos", "score", str(write(tmp_path, PAIN_ONLY)), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["pain"] == 75.0
