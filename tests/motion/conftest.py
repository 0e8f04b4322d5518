"""Fixtures of the motion tests: fixture files, the real data sets, one Oxford evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrowalk.motion.evaluation import OxfordEvaluation, evaluate_oxford

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The small, faithfully formatted export files (see data/make_fixtures.py)."""
    return DATA


@pytest.fixture(scope="session")
def oxford_dir(shared: Path) -> Path:
    return shared / "data" / "oxford-step-counter"


@pytest.fixture(scope="session")
def ipol_dir(shared: Path) -> Path:
    return shared / "data" / "ipol-lower-back-gait" / "trials"


@pytest.fixture(scope="session")
def oxford_evaluation(oxford_dir: Path) -> OxfordEvaluation:
    """The Oxford evaluation, computed once per test session (it reads 48 recordings)."""
    return evaluate_oxford(oxford_dir)
