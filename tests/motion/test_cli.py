"""``retrowalk motion analyze`` and ``retrowalk motion evaluate`` from a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def _app() -> typer.Typer:
    from retrowalk.cli.app import app

    return app


def test_analyze_prints_bouts_with_estimated_distance(data_dir: Path) -> None:
    result = runner.invoke(
        _app(),
        ["motion", "analyze", str(data_dir / "phyphox_acceleration.zip"), "--step-length-m", "0.6"],
    )
    assert result.exit_code == 0, result.output
    assert "1 walking bout(s), 37 steps" in result.output
    assert "22.2 m *" in result.output
    assert "estimate" in result.output


def test_analyze_json_reports_steps_cadence_and_gps(data_dir: Path) -> None:
    result = runner.invoke(
        _app(), ["motion", "analyze", str(data_dir / "sensor_logger_android.zip"), "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["format"] == "sensor-logger"
    assert doc["start_utc"] == "2026-03-14T09:30:00+00:00"
    (bout,) = doc["bouts"]
    assert abs(bout["steps"] - 36.7) <= 2
    assert abs(bout["cadence_spm"] - 110) <= 3
    assert bout["distance_m"] is not None
    assert bout["distance_is_estimate"] is False
    assert bout["direction"] in ("forward", "backward", "unknown")
    assert 0.0 <= bout["direction_confidence"] <= 1.0


def test_analyze_generic_csv_with_column_mapping(data_dir: Path) -> None:
    result = runner.invoke(
        _app(),
        [
            "motion",
            "analyze",
            str(data_dir / "generic_ms_g.csv"),
            "--format",
            "csv",
            "--columns",
            "time=ms_since_boot,x=ax_g,y=ay_g,z=az_g,time_unit=ms,acc_unit=g",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert abs(json.loads(result.output)["steps"] - 36.7) <= 2


def test_analyze_gpx_says_steps_cannot_be_counted(data_dir: Path) -> None:
    result = runner.invoke(_app(), ["motion", "analyze", str(data_dir / "walk.gpx")])
    assert result.exit_code == 0, result.output
    assert "no acceleration" in result.output


def test_evaluate_json_reports_oxford_and_ipol(shared: Path) -> None:
    result = runner.invoke(
        _app(),
        ["motion", "evaluate", "--data", str(shared / "data"), "--json"],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert len(doc["oxford"]["recordings"]) == 48
    assert doc["oxford"]["median_abs_error_pct"] <= 2.5
    assert {p["placement"] for p in doc["oxford"]["placements"]} >= {"back_pocket", "armband"}
    assert doc["ipol"]["trials"] == 80


def _console(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("retrowalk")
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, cwd=ROOT, env=os.environ.copy()
    )


def test_a_broken_file_gives_one_sentence_and_exit_code_2(data_dir: Path) -> None:
    done = _console("motion", "analyze", str(data_dir / "phyphox_broken_value.csv"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "line 42" in done.stderr
    assert "Acceleration y (m/s^2)" in done.stderr


def test_bad_options_give_one_sentence_and_exit_code_2(data_dir: Path) -> None:
    done = _console(
        "motion", "analyze", str(data_dir / "walk.gpx"), "--step-length-m", "7", "--json"
    )
    assert done.returncode == 2
    assert "step_length_m" in done.stderr
    assert "Traceback" not in done.stderr
    done = _console("motion", "analyze", str(data_dir / "walk.gpx"), "--format", "xlsx")
    assert done.returncode == 2
    assert "format" in done.stderr
    assert "Traceback" not in done.stderr


def test_long_recording_is_analysed_with_a_progress_bar(tmp_path: Path) -> None:
    from tests.motion.synth import walking

    t, xyz = walking(100.0, 600.0, 50.0, rest_before_s=60, rest_after_s=60)
    rows = "\n".join(
        f"{ti:.3f},{x:.4f},{y:.4f},{z:.4f}" for ti, (x, y, z) in zip(t, xyz, strict=True)
    )
    path = tmp_path / "long.csv"
    path.write_text("time,x,y,z\n" + rows + "\n")
    result = runner.invoke(_app(), ["motion", "analyze", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 walking bout(s)" in result.output
    assert "Distance and speed are not shown" in result.output


def test_analyze_fit_shows_the_watch_steps(tmp_path: Path) -> None:
    from benchmarks.motion_files import gps_walk, write_fit

    path = tmp_path / "walk.fit"
    write_fit(path, gps_walk(1_773_480_600.0, 600.0), strides=500, cadence_spm=100.0)
    result = runner.invoke(_app(), ["motion", "analyze", str(path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["device_steps"]["steps"] == 1000
    assert doc["gps_distance_m"] > 500
    result = runner.invoke(_app(), ["motion", "analyze", str(path)])
    assert "The watch counted 1000 steps" in result.output
