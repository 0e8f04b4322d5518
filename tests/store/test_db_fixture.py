"""Without PostgreSQL the PostgreSQL tests skip saying why — or fail when CI requires them."""

from __future__ import annotations

import pytest

from tests import db


def test_unavailable_postgres_skips_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_TEST_POSTGRES_URL", "postgresql+psycopg://nobody@127.0.0.1:9/x")
    monkeypatch.delenv("RETROWALK_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no PostgreSQL at postgresql\+psycopg://"):
        db._unavailable("connection refused")


def test_unavailable_postgres_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match="must run"):
        db._unavailable("connection refused")


def test_search_path_is_added_to_the_url() -> None:
    assert db.with_search_path("postgresql+psycopg://u@h/d", "s1").endswith(
        "?options=-csearch_path%3Ds1"
    )
    assert "&options=" in db.with_search_path("postgresql+psycopg://u@h/d?sslmode=disable", "s1")
