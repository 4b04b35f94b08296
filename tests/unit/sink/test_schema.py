"""The sink creates its schema itself, once: a second migration applies nothing."""

from __future__ import annotations

from streams.sink import schema
from streams.sink.store import open_store
from streams.sink.tables import ROW_TABLES


def test_migrate_creates_the_schema_once(store_url):
    with open_store(store_url) as store:
        assert store.migrate() == [version for version, _ in schema.MIGRATIONS]
        assert store.schema_version() == schema.LATEST
    with open_store(store_url) as store:  # a restarted sink
        assert store.migrate() == []
        assert store.schema_version() == schema.LATEST
        assert store.fetch("SELECT count(*) FROM sink_schema_version") == [(len(schema.MIGRATIONS),)]
        for table in ROW_TABLES:
            assert store.count(table.name) == 0
        assert store.stored_offsets() == {}


def test_the_tables_have_their_indexes(store):
    if store.param == "?":  # DuckDB
        sql = "SELECT index_name FROM duckdb_indexes()"
    else:
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
    names = {row[0] for row in store.fetch(sql)}
    assert {"events_event_date_idx", "events_source_code_idx", "events_target_code_idx",
            "events_geonameid_idx", "events_daily_event_date_idx", "entities_code_idx",
            "alerts_window_start_idx"} <= names
