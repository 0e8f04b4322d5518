"""docs/tracking.md's command sequence runs as written: enrol, plan, six weeks, decisions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# ``retrowalk`` on PATH runs the tracking commands exactly as registered on the root app, but
# without importing the other command groups (the motion package pulls in scipy, about 1 s a
# start): the 45 invocations of the sequence stay fast.
ENTRY = """
import sys
import typer
from retrowalk.cli import tracking
from retrowalk.clinical.errors import ClinicalError
from retrowalk.services.errors import ServiceError

app = typer.Typer(pretty_exceptions_enable=False)
tracking.register(app)
try:
    app(standalone_mode=False)
except (ClinicalError, ServiceError) as exc:
    print(f"Error: {exc}", file=sys.stderr)
    sys.exit(2)
"""


def _docs_script() -> str:
    text = (ROOT / "docs" / "tracking.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1, "docs/tracking.md must hold exactly one bash block"
    return blocks[0]


@pytest.mark.skipif(shutil.which("date") is None, reason="needs GNU date")
def test_docs_sequence_runs_and_shows_decisions(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    entry = tmp_path / "entry.py"
    entry.write_text(ENTRY, encoding="utf-8")
    wrapper = bin_dir / "retrowalk"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{entry}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "RETROWALK_DATABASE_URL"}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "200"
    done = subprocess.run(
        ["bash", "-e", "-c", _docs_script()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    decisions = re.findall(r"^Decision: (\w+)", done.stdout, flags=re.M)
    assert len(decisions) == 18, "six weeks × three sessions, each with its check-in"
    assert {"hold", "progress", "regress"} <= set(decisions)
    assert "qualifying session" in done.stdout, "decisions show their reasons"
    assert "(policy" in done.stdout
    assert "extrapolation" in done.stdout
    assert (tmp_path / "tracking-example.sqlite").is_file()
