"""Each store test runs against a real DuckDB file and a real PostgreSQL database."""

from __future__ import annotations

import pytest

from streams.sink.store import open_store


@pytest.fixture(params=["duckdb", "postgresql"])
def store_url(request, tmp_path) -> str:
    if request.param == "duckdb":
        return f"duckdb:///{tmp_path / 'sink.duckdb'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url):
    with open_store(store_url) as opened:
        opened.migrate()
        yield opened
