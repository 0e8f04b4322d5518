"""axe-core in the browser tests: every page state checked for serious or critical findings.

Call ``enable_axe(context)`` on a new browser context (an init script, so the app's
Content-Security-Policy, which forbids inline scripts, does not block it), then
``assert_accessible(page, "walker today")`` after the page has settled. The script is the
vendored axe-core (tests/web/vendor/axe-core); findings of impact "minor" or "moderate"
are reported by axe but do not fail a test (issue 12: 0 serious or critical on every page).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = frozenset({"serious", "critical"})

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


def enable_axe(context: Any) -> None:
    """Make axe-core available on every page the browser context opens."""
    context.add_init_script(path=str(AXE_JS))


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Every axe violation on the page as it is now (all impacts)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        raise AssertionError("axe-core is not loaded: call enable_axe(context) first")
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return found


def assert_accessible(page: Any, where: str) -> None:
    """Fail with axe's own words when the page has a serious or critical violation."""
    serious = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    lines = [f"{v['impact']}: {v['id']} — {v['help']} at {v['targets']}" for v in serious]
    assert not serious, f"axe on {where} ({page.url}):\n" + "\n".join(lines)
