"""The tracking commands: exit codes, idempotent logging, export/import, backup/restore, demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from retrowalk.cli import tracking
from retrowalk.cli.errors import user_error_types
from tests.cli.screen_args import CLEAR
from tests.db import database_url, postgres_schema_url, sqlite_url

__all__ = ["database_url", "postgres_schema_url", "sqlite_url"]

runner = CliRunner()


def _app() -> typer.Typer:
    from retrowalk.cli import app as root

    if "log" in {c.name for c in root.app.registered_commands}:
        return root.app
    app = typer.Typer()
    tracking.register(app)
    return app


def run(url: str, *args: str) -> str:
    result = runner.invoke(_app(), [*args, "--database-url", url], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def fails(url: str, *args: str) -> BaseException:
    result = runner.invoke(_app(), [*args, "--database-url", url])
    assert isinstance(result.exception, user_error_types()), result.output
    return result.exception


def _walker_with_plan(url: str) -> None:
    run(url, "init")
    run(
        url,
        "walker",
        "add",
        "--email",
        "ann@example.org",
        "--name",
        "Ann",
        "--age",
        "67",
        "--sex",
        "female",
        "--knee",
        "oa",
        "--timezone",
        "Europe/London",
    )
    run(url, "screen", "1", *CLEAR, "--at", "2026-01-05T09:00:00+00:00")
    run(
        url,
        "assess",
        "1",
        "--tug-s",
        "9",
        "--tandem-s",
        "12",
        "--backward-3m-s",
        "4",
        "--at",
        "2026-01-05T09:00:00+00:00",
    )
    run(url, "plan", "1", "--at", "2026-01-05T09:00:00+00:00")


LOG = (
    "log",
    "1",
    "--as-prescribed",
    "--pain-before",
    "3",
    "--pain-peak",
    "2",
    "--pain-after",
    "2",
    "--effort",
    "4",
    "--key",
    "k1",
    "--at",
    "2026-01-05T10:00:00+00:00",
)


def test_log_twice_with_one_key_stores_one_session(database_url: str) -> None:
    _walker_with_plan(database_url)
    first = json.loads(run(database_url, *LOG, "--json"))
    again = json.loads(run(database_url, *LOG, "--json"))
    assert first["created"]
    assert not again["created"]
    assert first["id"] == again["id"]
    hist = json.loads(
        run(database_url, "history", "1", "--json", "--at", "2026-01-06T12:00:00+00:00")
    )
    assert len(hist["sessions"]) == 1


def test_bad_input_is_one_sentence(sqlite_url: str) -> None:
    _walker_with_plan(sqlite_url)
    err = fails(
        sqlite_url,
        "log",
        "1",
        "--as-prescribed",
        "--pain-before",
        "3",
        "--pain-peak",
        "12",
        "--pain-after",
        "2",
        "--effort",
        "4",
    )
    assert str(err) == "--pain-peak: must be at most 10 (got 12)."
    assert "no time zone" in str(fails(sqlite_url, "today", "1", "--at", "2026-01-05T10:00"))
    assert "no walker with id 9" in str(fails(sqlite_url, "today", "9"))
    assert "PAR-Q" in str(fails(sqlite_url, "screen", "1", "--parq-yes", "9", *CLEAR[2:]))


def test_export_import_export_is_byte_identical(database_url: str, tmp_path: Path) -> None:
    _walker_with_plan(database_url)
    run(database_url, *LOG)
    run(
        database_url,
        "checkin",
        "1",
        "--pain",
        "2",
        "--stiffness",
        "2",
        "--at",
        "2026-01-06T08:00:00+00:00",
    )
    run(database_url, "demo", "--seed", "2")
    first = tmp_path / "first.json"
    run(database_url, "export", str(first))
    csv_dir = tmp_path / "csv"
    run(database_url, "export", str(csv_dir), "--format", "csv")
    for name, source, fmt in (("a", first, "json"), ("b", csv_dir, "csv")):
        url = f"sqlite+pysqlite:///{tmp_path / (name + '.sqlite')}"
        run(url, "import", str(source), "--format", fmt)
        second = tmp_path / f"second-{name}.json"
        run(url, "export", str(second))
        assert second.read_bytes() == first.read_bytes()
    assert "empty database" in str(fails(database_url, "import", str(first)))


def test_backup_and_restore_sqlite(sqlite_url: str, tmp_path: Path) -> None:
    _walker_with_plan(sqlite_url)
    run(sqlite_url, *LOG)
    copy = tmp_path / "backup.sqlite"
    run(sqlite_url, "backup", str(copy))
    before = tmp_path / "before.json"
    run(sqlite_url, "export", str(before))
    run(
        sqlite_url,
        "log",
        "1",
        "--as-prescribed",
        "--pain-before",
        "1",
        "--pain-peak",
        "1",
        "--pain-after",
        "1",
        "--effort",
        "3",
        "--key",
        "after-backup",
    )
    run(sqlite_url, "restore", str(copy))
    after = tmp_path / "after.json"
    run(sqlite_url, "export", str(after))
    assert after.read_bytes() == before.read_bytes()
    assert "already exists" in str(fails(sqlite_url, "backup", str(copy)))


@pytest.mark.postgres
def test_backup_and_restore_postgres(postgres_schema_url: str, tmp_path: Path) -> None:
    _walker_with_plan(postgres_schema_url)
    copy = tmp_path / "backup.json"
    run(postgres_schema_url, "backup", str(copy))
    from sqlalchemy import text

    from retrowalk.store import open_database

    db = open_database(postgres_schema_url)
    with db.transaction() as s:
        for table in (
            "audit_log",
            "prescriptions",
            "assessments",
            "screenings",
            "walkers",
            "accounts",
        ):
            s.execute(text(f"DELETE FROM {table}"))
    db.dispose()
    run(postgres_schema_url, "restore", str(copy))
    out = json.loads(run(postgres_schema_url, "walker", "show", "1", "--json"))
    assert out["walker"]["email"] == "ann@example.org"
    assert out["prescription"]["version"] == 1


def test_demo_is_deterministic(database_url: str, tmp_path: Path) -> None:
    one = json.loads(run(database_url, "demo", "--seed", "7", "--json"))
    other = f"sqlite+pysqlite:///{tmp_path / 'other.sqlite'}"
    two = json.loads(run(other, "demo", "--seed", "7", "--json"))
    assert one == two
    assert one["sessions"] == 15
    assert one["checkins"] == 15
    assert {"hold", "progress", "regress"} <= set(one["decisions"])
    hist = json.loads(
        run(
            database_url,
            "history",
            str(one["walker_id"]),
            "--json",
            "--weeks",
            "8",
            "--at",
            one["until"],
        )
    )
    assert any(p["decision"] == "step_back" for p in hist["prescriptions"])
    assert "peak pain" in run(database_url, "progress", str(one["walker_id"]), "--at", one["until"])


def _gpx(path: Path) -> None:
    """A 10-minute track walking 0.5 m/s due north (one point a minute)."""
    points = []
    for minute in range(11):
        lat = 51.5 + minute * 30.0 / 111_195.0
        points.append(
            f'<trkpt lat="{lat:.7f}" lon="-0.1"><time>2026-01-07T10:{minute:02d}:00Z</time></trkpt>'
        )
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        + "".join(points)
        + "</trkseg></trk></gpx>",
        encoding="utf-8",
    )


def test_log_from_recording_takes_minutes_distance_speed(sqlite_url: str, tmp_path: Path) -> None:
    _walker_with_plan(sqlite_url)
    track = tmp_path / "walk.gpx"
    _gpx(track)
    out = json.loads(
        run(
            sqlite_url,
            "log",
            "1",
            "--from-recording",
            str(track),
            "--surface",
            "treadmill",
            "--supervised",
            "--pain-before",
            "2",
            "--pain-peak",
            "2",
            "--pain-after",
            "2",
            "--effort",
            "3",
            "--json",
        )
    )
    assert out["duration_min"] == pytest.approx(10.0)
    assert out["distance_m"] == pytest.approx(300.0, rel=0.01)
    assert out["speed_m_s"] == pytest.approx(0.5, rel=0.01)
    assert out["performed_at"].startswith("2026-01-07T10:00")
    err = fails(
        sqlite_url,
        "log",
        "1",
        "--from-recording",
        str(tmp_path / "none.gpx"),
        "--surface",
        "treadmill",
        "--supervised",
        "--pain-before",
        "2",
        "--pain-peak",
        "2",
        "--pain-after",
        "2",
        "--effort",
        "3",
    )
    assert "none.gpx" in str(err)


def test_clinician_commands(sqlite_url: str) -> None:
    _walker_with_plan(sqlite_url)
    adjusted = json.loads(
        run(sqlite_url, "adjust", "1", "--minutes", "12", "--reason", "Tolerating well", "--json")
    )
    assert adjusted["decision"] == "adjust"
    assert adjusted["duration_min"] == 12
    assert "reason" in str(fails(sqlite_url, "adjust", "1", "--minutes", "12", "--reason", ""))
    assert "no active restriction" in str(
        fails(sqlite_url, "clear", "1", "--scope", "start", "--reason", "not needed")
    )
    assert "Note 1 added" in run(sqlite_url, "note", "1", "Prefers mornings")
    flags = json.loads(run(sqlite_url, "walker", "list", "--json"))
    assert flags[0]["walker"]["email"] == "ann@example.org"


ROOT = Path(__file__).resolve().parents[2]


def test_start_answers_file_feeds_screen_and_assess(sqlite_url: str) -> None:
    answers = ROOT / "examples" / "start-answers.json"
    run(sqlite_url, "init")
    run(
        sqlite_url,
        "walker",
        "add",
        "--email",
        "b@example.org",
        "--name",
        "B",
        "--age",
        "67",
        "--sex",
        "female",
        "--knee",
        "oa",
    )
    screened = json.loads(run(sqlite_url, "screen", "1", "--answers", str(answers), "--json"))
    assert screened["outcome"] == "cleared"
    assessed = json.loads(run(sqlite_url, "assess", "1", "--answers", str(answers), "--json"))
    raw = json.loads(answers.read_text(encoding="utf-8"))
    assert assessed["backward_speed_m_s"] == pytest.approx(3.0 / raw["tests"]["backward_walk_3m_s"])
    assert "surface" in str(fails(sqlite_url, "plan", "1", "--surface", "ice_rink"))
    rx = json.loads(run(sqlite_url, "plan", "1", "--surface", "treadmill", "--json"))
    assert rx["surface"] == "treadmill"


def test_clinician_account_and_assigned_walker(sqlite_url: str) -> None:
    run(sqlite_url, "init")
    dr = json.loads(
        run(sqlite_url, "account", "add", "--email", "dr@clinic.org", "--name", "Dr", "--json")
    )
    assert dr["role"] == "clinician"
    walker = json.loads(
        run(
            sqlite_url,
            "walker",
            "add",
            "--email",
            "w@example.org",
            "--name",
            "W",
            "--age",
            "70",
            "--sex",
            "male",
            "--knee",
            "patellofemoral_pain",
            "--clinician-id",
            str(dr["id"]),
            "--json",
        )
    )
    assert walker["clinician_id"] == dr["id"]
    assert "not a clinician" in str(
        fails(
            sqlite_url,
            "walker",
            "add",
            "--email",
            "x@example.org",
            "--name",
            "X",
            "--age",
            "70",
            "--sex",
            "male",
            "--knee",
            "oa",
            "--clinician-id",
            "1",
        )
    )


def test_today_uses_the_walkers_own_date(sqlite_url: str) -> None:
    run(sqlite_url, "init")
    run(
        sqlite_url,
        "walker",
        "add",
        "--email",
        "nz@example.org",
        "--name",
        "Kiri",
        "--age",
        "66",
        "--sex",
        "female",
        "--knee",
        "oa",
        "--timezone",
        "Pacific/Auckland",
    )
    today = json.loads(run(sqlite_url, "today", "1", "--at", "2026-01-05T20:00:00+00:00", "--json"))
    assert today["local_date"] == "2026-01-06"


def test_console_errors_are_one_sentence_with_exit_code_2(sqlite_url: str) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from retrowalk.cli import app as root, tracking\n"
        "if 'log' not in {c.name for c in root.app.registered_commands}:\n"
        "    tracking.register(root.app)\n"
        "sys.argv = ['retrowalk', *sys.argv[1:]]\n"
        "root.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "today", "9", "--database-url", sqlite_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "There is no walker with id 9 among the records you may see." in done.stderr
