"""The Oxford step-count error table: the same code as ``retrowalk motion evaluate``."""

from __future__ import annotations

from rich.console import Console

from retrowalk.cli.motion import print_evaluation
from retrowalk.motion.evaluation import default_oxford_dir, evaluate_ipol, evaluate_oxford


def main() -> None:
    folder = default_oxford_dir()
    oxford = evaluate_oxford(folder)
    ipol_dir = folder.parent / "ipol-lower-back-gait" / "trials"
    ipol = evaluate_ipol(ipol_dir) if ipol_dir.is_dir() else None
    print_evaluation(Console(width=120), oxford, ipol)


if __name__ == "__main__":
    main()
