"""The README is the newcomer's first page: its commands must be the ones that are tested."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, re.S)


def test_readme_opens_with_the_two_commands() -> None:
    opening = README[:400]
    assert opening.index("make run") < opening.index("make test")


def test_readme_tracking_block_is_the_tested_docs_block() -> None:
    """tests/cli/test_tracking_docs.py runs docs/tracking.md's block; the README shows it too."""
    docs = (ROOT / "docs" / "tracking.md").read_text(encoding="utf-8")
    assert _bash_blocks(docs)[0] in _bash_blocks(README)


def test_readme_motion_table_is_the_measured_one() -> None:
    """The per-placement error table is the one `retrowalk motion evaluate` wrote to docs."""
    motion = (ROOT / "docs" / "motion.md").read_text(encoding="utf-8")
    rows = [line for line in README.splitlines() if re.match(r"\| [a-z_]+ \| \d+ \|", line)]
    assert len(rows) == 7
    for row in rows:
        assert row in motion
