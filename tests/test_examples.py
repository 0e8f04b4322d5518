"""The examples run as a reader runs them, and the docs show the files, not copies that drift."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from retrowalk.motion.readers.datasets import read_oxford_stats
from tests.conftest import ROOT, shared_dir

EXAMPLES = ROOT / "examples"
MOTION_EXAMPLE = EXAMPLES / "motion_analysis.py"
OXFORD = shared_dir() / "data" / "oxford-step-counter"
RECORDING = "Nexus_Jamie_Hard_InHand_1"
"""One hand-counted phone recording of the Oxford set, held in the hand on a hard floor."""


def test_the_motion_example_counts_the_steps_of_a_real_recording(tmp_path: Path) -> None:
    recording = OXFORD / "recordings" / RECORDING
    if not recording.is_dir():
        pytest.skip(f"needs the shared Oxford recording {recording} (../shared/data)")
    hand_count = next(
        t.steps for t in read_oxford_stats(OXFORD / "stats.csv") if t.folder == RECORDING
    )
    done = subprocess.run(
        [sys.executable, str(MOTION_EXAMPLE), str(recording), "0.7"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"^bout [\d.]+-[\d.]+ s: \d+ steps, \d+ steps/min", done.stdout, re.M)
    found = re.search(r"^SessionSummary\(.*\bsteps=(\d+),", done.stdout, re.M)
    assert found, done.stdout
    # tests/motion/test_evaluation.py's bound for any one recording: within 20 % of the hand count
    assert abs(int(found[1]) - hand_count) <= 0.2 * hand_count
    assert "distance_is_estimate=True" in done.stdout, "a step length gives an estimate"


def test_docs_motion_shows_the_example_file_as_it_is() -> None:
    doc = (ROOT / "docs" / "motion.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, flags=re.S)
    assert MOTION_EXAMPLE.read_text(encoding="utf-8") in blocks, (
        "docs/motion.md's Python block must be examples/motion_analysis.py exactly: paste the file"
    )


RUN_BY = {
    "motion_analysis.py": "tests/test_examples.py",
    "start-answers.json": "tests/cli/test_start_cli.py",
}
"""Each example and the test that runs it (start-answers.json: ``retrowalk start --answers``)."""


def test_every_example_is_run_by_a_test() -> None:
    assert sorted(p.name for p in EXAMPLES.iterdir() if p.is_file()) == sorted(RUN_BY), (
        "a new example needs a test that runs it, named in RUN_BY"
    )
    for example, test in RUN_BY.items():
        assert example in (ROOT / test).read_text(encoding="utf-8"), (
            f"{test} does not run {example}"
        )
