"""The reports import every clinical number from ``retrowalk.clinical`` (same scan as the
services' test, over this package and its template)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.services.test_one_place_for_numbers import COPIES, SRC

SCANNED = [
    *sorted((SRC / "reports").rglob("*.py")),
    *sorted((SRC / "reports" / "templates").rglob("*.html")),
]


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(SRC)))
def test_no_copy_of_a_clinical_number(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [m.group(0) for pattern in COPIES for m in re.finditer(pattern, text)]
    assert not found, found
