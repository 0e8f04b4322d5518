"""``retrowalk report`` and ``retrowalk export --fhir / --tables`` on the known walker, on
SQLite and PostgreSQL: the files a physiotherapist files and a record system reads, written
whole, never over an existing file without --force, and every bad input one sentence."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from retrowalk.cli.app import main
from retrowalk.services import exercise_log
from retrowalk.services.context import build_context
from tests.db import database_url, postgres_schema_url
from tests.reports.known_walker import (
    CLINICIAN_NAME,
    SESSION_DAYS,
    WALKER_NAME,
    Known,
    build,
    when,
)
from tests.reports.pdf_text import flat, page_size_pt, pages_text

__all__ = ["database_url", "postgres_schema_url"]

PERIOD = ("--from", "2026-01-05", "--to", "2026-01-19")
"""The known walker's two weeks (``tests.reports.known_walker``)."""


@pytest.fixture
def known(database_url: str) -> Known:
    """The known walker, who also ticked her strengthening exercises on two days."""
    ctx = build_context(database_url)
    try:
        known = build(ctx)
        for day in (2, 4):
            exercise_log.log_exercises(
                ctx.at(when(day) + timedelta(hours=2)),
                known.actor,
                known.walker_id,
                {
                    "client_key": f"exercises-day-{day}",
                    "exercises": [
                        {"exercise_key": "straight_leg_raise", "sets_done": 2, "pain_nprs": 1}
                    ],
                },
            )
        return known
    finally:
        ctx.db.dispose()


Cli = Callable[..., tuple[int, str]]


@pytest.fixture
def cli(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Cli:
    """The console script's ``main`` as a person runs it: the exit code and what it printed
    (errors are worded by ``main``, so a traceback would show here)."""

    def run(*args: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "argv", ["retrowalk", *args, "--database-url", database_url])
        with pytest.raises(SystemExit) as stopped:
            main()
        said = capsys.readouterr()
        return int(stopped.value.code or 0), flat(said.out + said.err)

    return run


def test_report_writes_the_pdf_of_the_walker_page(cli: Cli, known: Known, tmp_path: Path) -> None:
    target = tmp_path / "ann.pdf"
    code, said = cli("report", str(known.walker_id), *PERIOD, "-o", str(target))
    assert code == 0, said
    assert "2026-01-05 to 2026-01-19" in said
    pages = pages_text(target.read_bytes())
    assert all(WALKER_NAME in page for page in pages)
    text = flat("\n".join(pages))
    assert CLINICIAN_NAME in text
    assert "knee osteoarthritis, left knee" in text
    assert "2026-01-05 to 2026-01-19" in text
    assert re.search(
        r"Strengthening exercises: 2 days done of \d+ planned over 3 calendar weeks", text
    )
    assert page_size_pt(target.read_bytes()) == (595, 842)

    letter = tmp_path / "ann-letter.pdf"
    code, said = cli(
        "report", str(known.walker_id), *PERIOD, "-o", str(letter),
        "--page-size", "Letter",
    )  # fmt: skip
    assert code == 0, said
    assert page_size_pt(letter.read_bytes()) == (612, 792)


def test_report_never_overwrites_without_force_and_says_why(
    cli: Cli, known: Known, tmp_path: Path
) -> None:
    target = tmp_path / "ann.pdf"
    target.write_bytes(b"the report filed last month")
    code, said = cli("report", str(known.walker_id), "-o", str(target))
    assert code == 2
    assert "already exists; add --force" in said
    assert target.read_bytes() == b"the report filed last month"
    code, _ = cli("report", str(known.walker_id), *PERIOD, "-o", str(target), "--force")
    assert code == 0
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ("--from", "2026-02-01", "--to", "2026-01-01"),
            "the first day (2026-02-01) is after the last day",
        ),
        (("--to", "2099-01-01"), "is after today"),
        (("--from", "2026-13-01"), "Invalid value for '--from'"),
    ],
)
def test_a_bad_period_is_one_sentence_and_no_file(
    cli: Cli, known: Known, tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    target = tmp_path / "ann.pdf"
    code, said = cli("report", str(known.walker_id), *args, "-o", str(target))
    assert code == 2
    assert words in said
    assert "Traceback" not in said
    assert not target.exists()


def test_an_unknown_walker_is_named(cli: Cli, known: Known, tmp_path: Path) -> None:
    code, said = cli("report", "9999", "-o", str(tmp_path / "x.pdf"))
    assert code == 2
    assert "no walker with id 9999" in said


def test_export_fhir_writes_a_bundle_that_validates(cli: Cli, known: Known, tmp_path: Path) -> None:
    target = tmp_path / "ann.fhir.json"
    code, said = cli("export", str(target), "--fhir", str(known.walker_id), *PERIOD)
    assert code == 0, said
    bundle = Bundle.model_validate_json(target.read_text("utf-8"))
    assert bundle.type == "collection"
    kinds = [entry.resource.__resource_type__ for entry in bundle.entry or []]
    for kind in ("Patient", "Practitioner", "Condition", "CarePlan", "QuestionnaireResponse"):
        assert kind in kinds
    patient = next(
        e.resource for e in bundle.entry or [] if e.resource.__resource_type__ == "Patient"
    )
    assert patient.name[0].text == WALKER_NAME
    assert json.loads(target.read_text("utf-8"))["resourceType"] == "Bundle"


def test_export_tables_writes_one_tidy_csv_per_kind(cli: Cli, known: Known, tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    code, said = cli("export", str(folder), "--tables", "--walker", str(known.walker_id), *PERIOD)
    assert code == 0, said
    assert sorted(p.name for p in folder.iterdir()) == [
        "assessments.csv", "checkins.csv", "decisions.csv", "red_flag_reports.csv",
        "sessions.csv",
    ]  # fmt: skip
    with (folder / "sessions.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == len(SESSION_DAYS)
    assert any(name.endswith("_min") for name in rows[0])  # units in the column names

    code, said = cli("export", str(folder), "--tables")
    assert code == 2
    assert "already holds files; add --force" in said


def test_export_options_that_do_not_go_together_are_refused(
    cli: Cli, known: Known, tmp_path: Path
) -> None:
    target = str(tmp_path / "x")
    for args, words in [
        (("--fhir", "1", "--tables"), "choose --fhir or --tables, not both"),
        (("--walker", "1"), "go with --fhir or --tables"),
        (("--tables", "--format", "csv"), "--format is for the full export"),
    ]:
        code, said = cli("export", target, *args)
        assert code == 2, args
        assert words in said
