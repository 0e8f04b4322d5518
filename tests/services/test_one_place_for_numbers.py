"""Each clinical number lives in one place (``retrowalk.clinical``): the adapters and use
cases import it. This scan catches the copies found at integration coming back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "retrowalk"
SCANNED = [
    *sorted((SRC / "services").rglob("*.py")),
    *sorted((SRC / "web").rglob("*.py")),
    *sorted((SRC / "web" / "templates").rglob("*.html")),
    SRC / "cli" / "tracking.py",
    SRC / "cli" / "serve.py",
]
COPIES = {
    r"\ble=(10|30|60|25|7)\b": "a bound copied from the clinical rules (NPRS/CR10, duration…)",
    r"timedelta\(days=7\)": "the 7-day speed window (norms.SPEED_RISE_WINDOW_DAYS)",
    r"y_max=(10|30)\b": "a chart scale (NPRS_MAX, MAX_DURATION_MIN)",
    r"\b(10|30) minutes\b": "the start dose or the ceiling (START_/MAX_DURATION_MIN)",
    r"(?<![\w.])\d+/10\b": "a 0–10 scale (NPRS_MAX, CR10_MAX)",
    r"MISSED_SESSIONS_WINDOW_DAYS = \d": "a policy outside PolicyConfig",
}


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(SRC)))
def test_no_copy_of_a_clinical_number(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [
        f"line {text.count(chr(10), 0, m.start()) + 1}: {m.group(0)!r} ({why})"
        for pattern, why in COPIES.items()
        for m in re.finditer(pattern, text)
    ]
    assert not found, "; ".join(found)
