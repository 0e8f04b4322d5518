"""``python -m retrowalk`` runs the same program as ``retrowalk`` (found by the outside-in
test: it answered "No module named retrowalk.__main__")."""

from __future__ import annotations

import subprocess
import sys


def test_python_dash_m_runs_the_program() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "retrowalk", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "serve" in done.stdout
