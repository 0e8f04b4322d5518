"""``retrowalk evidence``: the studies with their certainty, and the verdicts on the seed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from retrowalk.cli.app import app
from retrowalk.clinical.evidence import CATALOGUE

runner = CliRunner()


def test_json_lists_every_study_once_grouped_with_status() -> None:
    result = runner.invoke(app, ["evidence", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    keys = [study["key"] for group in out["groups"] for study in group["studies"]]
    assert sorted(keys) == sorted(CATALOGUE)
    first = out["groups"][0]
    assert first["group"] == "Knee OA: randomised trials"
    assert all(study["status"] for group in out["groups"] for study in group["studies"])


def test_json_gives_the_three_seed_claims_with_verdicts() -> None:
    out = json.loads(runner.invoke(app, ["evidence", "--json"]).stdout)
    verdicts = [claim["verdict"] for claim in out["seed_claims"]]
    assert verdicts == [
        "unsupported as cited",
        "contradicted",
        "citation unverified; plausible in healthy young adults",
    ]


def test_tables_show_studies_certainty_and_claims() -> None:
    result = runner.invoke(app, ["evidence"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Knee OA: randomised trials" in text
    assert "alghadir2019" in text
    assert "secondary source only" in text
    assert "The seed blog post's claims" in text
    assert "contradicted" in text
