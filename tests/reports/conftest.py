"""The known walker (built once, on SQLite) and their PDF, rendered once per test run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from retrowalk.reports.record import WalkerRecord
from retrowalk.reports.report_pdf import report_pdf
from retrowalk.services.context import build_context
from tests.db import ctx, database, database_url, postgres_schema_url
from tests.reports.known_walker import Known, build

__all__ = ["ctx", "database", "database_url", "postgres_schema_url"]


@pytest.fixture(scope="session")
def known(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Known]:
    ctx = build_context(f"sqlite+pysqlite:///{tmp_path_factory.mktemp('known') / 'rw.sqlite'}")
    try:
        yield build(ctx)
    finally:
        ctx.db.dispose()


@pytest.fixture(scope="session")
def report(known: Known) -> WalkerRecord:
    return known.report()


@pytest.fixture(scope="session")
def pdf_a4(report: WalkerRecord) -> bytes:
    return report_pdf(report, page_size="A4")
