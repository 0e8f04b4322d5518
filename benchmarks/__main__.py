"""Run every ``benchmarks/bench_*.py`` module's ``main()`` in name order.

``python -m benchmarks`` runs them all; ``python -m benchmarks motion`` runs those whose
name contains "motion".
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    wanted = argv[1:] or [""]
    here = Path(__file__).parent
    names = sorted(p.stem for p in here.glob("bench_*.py"))
    selected = [n for n in names if any(w in n for w in wanted)]
    if not selected:
        print(f"no benchmark matches {wanted}; there are: {', '.join(names)}")
        return 2
    for name in selected:
        print(f"\n=== {name} ===", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
