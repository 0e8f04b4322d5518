"""`retrowalk adjust` holds what the web and the API hold (found by the outside-in test), on
SQLite and PostgreSQL: under the fall-risk restriction the surface stays on what it allows
(RULES.md §7.1, §7.3), a new speed above retrowalk's own limit needs --confirm-speed, and a
move to a treadmill needs the treadmill speed test (§7.10). A refused adjustment stores no
new plan version. With --json a refusal is the JSON API's error shape, on stdout."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from retrowalk.cli.flags import flag_of
from retrowalk.services import accounts, audit_view
from retrowalk.services.context import build_context
from tests.cli.screen_args import CLEAR
from tests.cli.test_bad_input_matrix import run_main
from tests.cli.test_tracking_commands import _app, fails, run
from tests.db import database_url, postgres_schema_url, sqlite_url
from tests.services.factory import HIGH_RISK_TESTS, TREADMILL_TEST

__all__ = ["database_url", "postgres_schema_url", "sqlite_url"]


def _flags(tests: dict[str, float]) -> list[str]:
    """The factory's tests as the flags of `retrowalk assess` (one set of numbers for the
    services, the web and the terminal tests)."""
    return [part for name, value in tests.items() for part in (flag_of(name), f"{value:g}")]


def _high_fall_risk(url: str) -> None:
    run(url, "init")
    run(url, "walker", "add", "--email", "h@example.org", "--name", "Hal", "--age", "72",
        "--sex", "male", "--knee", "oa")  # fmt: skip
    run(url, "screen", "1", *CLEAR)
    run(url, "assess", "1", *_flags(HIGH_RISK_TESTS))
    run(url, "plan", "1")  # on the hallway with a rail (no treadmill test yet)


def _refused_json(url: str, *args: str) -> dict[str, Any]:
    """A refusal with --json: exit code 2, the error as one JSON object on stdout."""
    result = CliRunner().invoke(_app(), [*args, "--json", "--database-url", url])
    assert result.exit_code == 2, result.output
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def _version(url: str) -> int:
    version: int = json.loads(run(url, "today", "1", "--json"))["prescription"]["version"]
    return version


def test_the_terminal_keeps_the_surface_under_fall_risk(database_url: str) -> None:
    _high_fall_risk(database_url)
    before = _version(database_url)
    refused = fails(database_url, "adjust", "1", "--surface", "flat_clear_known_path",
                    "--reason", "Walks well outside")  # fmt: skip
    assert "fall-risk restriction is active" in str(refused)
    assert _version(database_url) == before


def test_the_terminal_asks_for_a_fast_speed_to_be_confirmed(database_url: str) -> None:
    _high_fall_risk(database_url)
    before = _version(database_url)
    refused = fails(database_url, "adjust", "1", "--speed", "2.5", "--reason", "Athlete")
    said = " ".join(str(refused).split())
    assert "above retrowalk's own limit for this walker" in said
    assert said.endswith("run the command again with --confirm-speed.")
    assert _version(database_url) == before
    run(database_url, "adjust", "1", "--speed", "2.5", "--confirm-speed", "--reason", "Athlete")
    assert _version(database_url) == before + 1


def test_the_terminal_names_the_treadmill_test_a_move_needs(database_url: str) -> None:
    _high_fall_risk(database_url)
    before = _version(database_url)
    move = ("adjust", "1", "--surface", "treadmill_with_handrails", "--reason", "Rails")
    said = " ".join(str(fails(database_url, *move)).split())
    assert said.startswith("Hal has no treadmill speed test yet")
    assert said.endswith("run the command again with --speed and --confirm-speed.")
    body = _refused_json(database_url, *move)
    assert body["detail"] == said
    (problem,) = body["problems"]
    assert problem["field"] == "surface"  # the services' field, as the JSON API names it
    assert set(problem) == {"field", "kind", "limits", "given", "message"}
    assert _version(database_url) == before
    run(database_url, "assess", "1", *_flags(TREADMILL_TEST))
    moved = json.loads(run(database_url, *move, "--json"))
    assert moved["speed_m_s"] == 0.7
    assert moved["details"]["speed_source"] == "treadmill_van_de_venis"


def test_adjust_json_answers_every_refusal_as_json(database_url: str) -> None:
    _high_fall_risk(database_url)
    fast = _refused_json(database_url, "adjust", "1", "--speed", "2.5", "--reason", "Athlete")
    assert fast["detail"].endswith("run the command again with --confirm-speed.")
    assert [p["field"] for p in fast["problems"]] == ["speed_m_s"]
    held = _refused_json(database_url, "adjust", "1", "--surface", "flat_clear_known_path",
                         "--reason", "Walks well outside")  # fmt: skip
    assert "fall-risk restriction is active" in held["detail"]
    nobody = _refused_json(database_url, "adjust", "9", "--minutes", "12", "--reason", "Who?")
    assert set(nobody) == {"detail"}  # no field was wrong: the API's shape leaves it out
    short = _refused_json(database_url, "adjust", "1", "--minutes", "12", "--reason", "ok")
    assert [p["field"] for p in short["problems"]] == ["reason"]


def test_the_real_command_prints_the_json_refusal_on_stdout(sqlite_url: str) -> None:
    _high_fall_risk(sqlite_url)
    args = ("adjust", "1", "--speed", "2.5", "--reason", "Athlete")
    code, out, err = run_main(*args, "--json", "--database-url", sqlite_url)
    assert code == 2
    assert json.loads(out)["problems"][0]["field"] == "speed_m_s"
    assert err == ""
    code, out, err = run_main(*args, "--database-url", sqlite_url)  # without: the words
    assert code == 2
    assert out == ""
    assert err.startswith("Error: 2.50 m/s (9.0 km/h) is above retrowalk's own limit")


def test_a_change_from_the_terminal_is_the_local_administrators(sqlite_url: str) -> None:
    """The terminal acts as the local administrator account (no sign-in: the machine's owner
    is trusted); the audit says so, and claims no other name for the person."""
    _high_fall_risk(sqlite_url)
    run(sqlite_url, "adjust", "1", "--minutes", "12", "--reason", "Feels fine")
    ctx = build_context(sqlite_url)
    admin = accounts.ensure_local_admin(ctx)
    entry = next(
        e
        for e in audit_view.walker_audit(ctx, admin, 1).entries
        if e.action == "prescription.adjust"
    )
    assert entry.actor_name == "Local administrator"
    assert entry.detail == {"reason": "Feels fine", "duration_min": {"before": 10, "after": 12}}
