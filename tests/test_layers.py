"""Data flows one way (DESIGN.md): adapters (web, cli) → reports/present → services →
clinical + store; clinical/ and motion/ import nothing from the rest of the package."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "retrowalk"

ALLOWED: dict[str, set[str]] = {
    "clinical": {"clinical"},
    "motion": {"motion"},
    "store": {"store"},
    "services": {"services", "clinical", "store", "motion"},
    "present": {"present", "services", "clinical"},
    "reports": {"reports", "present", "services", "clinical", "store"},
    "web": {"web", "present", "reports", "services", "clinical", "store", "motion"},
    "cli": {"cli", "web", "present", "reports", "services", "clinical", "store", "motion"},
}
"""What each part may import (``cli`` imports ``web`` for ``retrowalk serve`` alone, below)."""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("retrowalk.")}


def test_every_part_imports_only_the_layers_below_it() -> None:
    wrong = []
    for part, allowed in ALLOWED.items():
        for path in sorted((PACKAGE / part).rglob("*.py")):
            for module in _imports(path):
                target = module.split(".")[1]
                if target not in allowed:
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_the_cli_reaches_the_web_only_to_serve_it() -> None:
    users = sorted(
        path.name
        for path in (PACKAGE / "cli").rglob("*.py")
        if any(m.startswith("retrowalk.web") for m in _imports(path))
    )
    assert users == ["serve.py"]


def test_every_part_is_named() -> None:
    parts = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert parts == set(ALLOWED)
