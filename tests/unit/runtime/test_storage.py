"""Every table's RocksDB databases share one bounded memory budget (streams/runtime/storage.py)."""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import replace
from types import SimpleNamespace

import rocksdict

from streams.runtime import storage
from streams.runtime.app import create_app
from streams.runtime.storage import (
    BLOCK_CACHE_BYTES,
    WRITE_BUFFER_BYTES,
    WRITE_BUFFERS,
    SharedMemoryOptions,
    rocksdb_usage,
    share_memory,
    table_options,
    usage_report,
    usage_total,
)
from streams.settings import Settings


def test_every_table_has_small_write_buffers_on_the_shared_budget(tmp_path):
    app = create_app(replace(Settings(), app_id="unit-storage", store="rocksdb://",
                             data_dir=str(tmp_path)))
    app.finalize()
    assert len(app.tables) == 9  # the counts, alert state, daily records, 4 ledgers, the
    # offsets counted
    for name, table in app.tables.items():
        options = table.data.rocksdb_options
        assert isinstance(options, SharedMemoryOptions), name
        assert (options.write_buffer_size, options.max_write_buffer_number,
                options.block_cache_size) == (WRITE_BUFFER_BYTES, WRITE_BUFFERS,
                                              BLOCK_CACHE_BYTES), name


def test_the_memory_store_is_left_alone(tmp_path):
    app = create_app(replace(Settings(), app_id="unit-storage-mem", store="memory://",
                             data_dir=str(tmp_path)))
    app.finalize()
    for table in app.tables.values():
        assert not hasattr(table.data, "rocksdb_options")
    other = SimpleNamespace(rocksdb_options=None)
    assert share_memory(other).rocksdb_options is None


def open_db(tmp_path, name: str) -> rocksdict.Rdict:
    return SharedMemoryOptions(**table_options(), use_rocksdict=True).open(tmp_path / name)


def one_figure(dbs, tries: int = 100) -> bool:
    """Whether the databases and the shared cache report one block-cache usage. RocksDB's
    background flushes and compactions load blocks between two reads, so read until a pass
    sees no change (separate caches would never agree)."""
    for _ in range(tries):
        usages = {db.property_int_value("rocksdb.block-cache-usage") for db in dbs}
        if usages == {storage.shared_cache().get_usage()}:
            return True
        time.sleep(0.02)
    return False


def test_databases_share_one_cache_and_one_memtable_budget(tmp_path, monkeypatch):
    # a small budget, so filling three databases must flush them
    monkeypatch.setattr(storage, "SHARED_MEMTABLE_BYTES", 1 << 20)
    storage.shared_write_buffers.cache_clear()
    storage.shared_cache.cache_clear()
    try:
        dbs = [open_db(tmp_path, f"db{i}") for i in range(3)]
        for db in dbs:
            for k in range(20_000):
                db[b"key-%06d" % k] = b"v" * 100  # 2.2 MB of keys and values per database
        memtables = sum(db.property_int_value("rocksdb.cur-size-all-mem-tables") for db in dbs)
        assert memtables <= 2 << 20  # 6.6 MB written, at most ~1 MB (+ one block) held
        assert all(db.property_int_value("rocksdb.total-sst-files-size") > 0 for db in dbs)
        for db in dbs:
            assert db[b"key-000007"] == b"v" * 100  # read through the shared cache
        assert one_figure(dbs)  # one cache: every database reports its usage
        assert storage.shared_cache().get_usage() > 0
    finally:
        storage.shared_write_buffers.cache_clear()
        storage.shared_cache.cache_clear()


def test_usage_is_summed_over_a_tables_databases(tmp_path):
    a0, a1 = open_db(tmp_path, "a0"), open_db(tmp_path, "a1")
    for k in range(100):
        a0[b"%d" % k] = b"x"
    for k in range(50):
        a1[b"%d" % k] = b"x"
    app = SimpleNamespace(tables={"a": SimpleNamespace(data=SimpleNamespace(_dbs={0: a0, 1: a1})),
                                  "in_memory": SimpleNamespace(data={})})
    usage = rocksdb_usage(app)
    assert list(usage) == ["a"]
    assert usage["a"]["keys"] == 150
    report = usage_report(usage).splitlines()
    assert report[0].split() == ["table", "keys", "sst", "MB", "memtab", "readers", "cache"]
    assert report[1].split()[:2] == ["a", "150"]
    assert report[2].split()[:2] == ["total", "150"]


def test_the_shared_cache_is_counted_once_and_the_rest_summed():
    def db(**figures):
        return SimpleNamespace(property_int_value=lambda prop: figures[
            {v: k for k, v in storage.MEMORY_PROPERTIES.items()}[prop]])

    def figures(memtables, cache):
        return {"memtables": memtables, "table_readers": 10, "block_cache": cache,
                "sst_files": 100, "keys": 5}

    app = SimpleNamespace(tables={
        "a": SimpleNamespace(data=SimpleNamespace(_dbs={0: db(**figures(1_000, 700)),
                                                        1: db(**figures(2_000, 700))})),
        "b": SimpleNamespace(data=SimpleNamespace(_dbs={0: db(**figures(4_000, 700))}))})
    usage = rocksdb_usage(app)
    assert usage["a"] == {"memtables": 3_000, "table_readers": 20, "block_cache": 700,
                          "sst_files": 200, "keys": 10}
    assert usage_total(usage) == {"memtables": 7_000, "table_readers": 30, "block_cache": 700,
                                  "sst_files": 300, "keys": 15}


def test_a_table_key_kept_in_the_key_index_is_not_a_4_kb_buffer():
    """Faust's RocksDB store keeps the last 1,000 keys of each table, encoded, in its key index
    (9 tables). orjson 3.12 and later return each result in a buffer of at least 4 KB that they
    never shrink: 60 MB held by short keys, what the soak saw grow in the first minutes. The
    pinned orjson returns about 1 KB; this fails if an upgrade brings the 4 KB back."""
    app = create_app(replace(Settings(), store="memory://"))
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        keys = [app.serializers.dumps_key(None, f"{n}:{n * 7}:SYRREB", serializer="json")
                for n in range(1_000)]
        grown = sum(stat.size_diff for stat in
                    tracemalloc.take_snapshot().compare_to(before, "filename"))
    finally:
        tracemalloc.stop()
    assert keys[1] == b'"1:7:SYRREB"'
    assert grown / len(keys) < 1_500
