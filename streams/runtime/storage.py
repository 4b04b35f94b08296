"""RocksDB for the tables: one bounded memory budget for every database of the worker.

Faust opens one RocksDB database per table and partition (9 tables times the partitions: 36
databases with 4 partitions) and by default gives each a 64 MB write buffer (up to 3 of them) and
a 2 GB block cache of its own. Every count update appends to a memtable, so a worker's memory
then grows with every article until each memtable fills: `ops/soak` measured +28 % in six
minutes with the defaults, and a flat line with the in-memory store. Small per-database limits
(two 1 MB memtables, a 4 MB cache) still add up to 6 MB times the databases, and the SST files'
indexes and Bloom filters sit outside any cache, growing with what the dedupe ledgers hold. So
all databases share one block cache that also holds those indexes and filters, and one write
buffer manager that caps their memtables together (`SharedMemoryOptions`): RocksDB's memory
is then at most SHARED_CACHE_BYTES + SHARED_MEMTABLE_BYTES whatever the table and partition
count (docs/performance.md#memory-the-soak-test).

Faust builds RocksDB options per database (`RocksDBOptions.as_options`), with a new cache each
time; `share_memory` swaps a store's options for ours before it opens any database. That
overrides Faust internals, hence the version fence (docs/decisions/rocksdb-shared-memory.md).
"""

from __future__ import annotations

import functools
from typing import Any

from streams.fence import require_version

SUPPORTED_FAUST = "0.15.3"
require_version("faust-streaming", SUPPORTED_FAUST, __name__, "rocksdb-shared-memory.md")

import rocksdict  # noqa: E402 (after the fence)
from faust.stores.rocksdb import RocksDBOptions  # noqa: E402

WRITE_BUFFER_BYTES = 1 << 20
WRITE_BUFFERS = 2
BLOCK_CACHE_BYTES = 4 << 20
# What every database of the worker shares (SharedMemoryOptions). The cache fills with the blocks
# of each new SST file long after the memtables are full (at 4 articles/s, 32 MB took over half
# an hour); 8 MB is full within minutes, and a miss reads from the page cache
# (docs/performance.md#what-grows-and-its-bound).
SHARED_CACHE_BYTES = 8 << 20
# The memtables of the rarely written tables (seen_articles: 0.08 KB per article) fill for hours,
# so the total rises until this budget makes RocksDB flush the largest: at 32 MB, still rising at
# minute 30 of a soak at 4 articles/s; at 16 MB, reached within minutes.
SHARED_MEMTABLE_BYTES = 16 << 20


def table_options() -> dict:
    """Options for `app.Table(..., options=...)`: a new dict each time, because Faust's RocksDB
    store pops keys from the dict it is given. The in-memory store ignores them."""
    return {"write_buffer_size": WRITE_BUFFER_BYTES, "max_write_buffer_number": WRITE_BUFFERS,
            "block_cache_size": BLOCK_CACHE_BYTES}


@functools.cache
def shared_cache() -> rocksdict.Cache:
    """The worker's one block cache (made on first use, not at import)."""
    return rocksdict.Cache(SHARED_CACHE_BYTES)


@functools.cache
def shared_write_buffers() -> rocksdict.WriteBufferManager:
    """The worker's one write buffer manager: a database whose memtable would take the total
    past SHARED_MEMTABLE_BYTES is flushed (writers are not stalled)."""
    return rocksdict.WriteBufferManager(SHARED_MEMTABLE_BYTES, False)


class SharedMemoryOptions(RocksDBOptions):
    """Faust's options for one database (rocksdict driver), but with the shared cache and write
    buffer manager, and indexes and filters kept in that cache."""

    def as_options(self) -> rocksdict.Options:
        options = rocksdict.Options(raw_mode=True)
        options.create_if_missing(True)
        options.set_max_open_files(self.max_open_files)
        options.set_write_buffer_size(self.write_buffer_size)
        options.set_target_file_size_base(self.target_file_size_base)
        options.set_max_write_buffer_number(self.max_write_buffer_number)
        options.set_write_buffer_manager(shared_write_buffers())
        tables = rocksdict.BlockBasedOptions()
        tables.set_bloom_filter(self.bloom_filter_size, True)
        tables.set_block_cache(shared_cache())
        # indexes and filters in the cache (bounded) instead of beside it (growing with the data);
        # level 0's pinned, as each lookup reads them
        tables.set_cache_index_and_filter_blocks(True)
        tables.set_pin_l0_filter_and_index_blocks_in_cache(True)
        tables.set_index_type(rocksdict.BlockBasedIndexType.binary_search())
        options.set_block_based_table_factory(tables)
        return options


def share_memory(store: Any) -> Any:
    """A table's store, its RocksDB databases (opened later, per partition) on the shared
    budget; any other store (memory://, or the python-rocksdb driver) as it is."""
    if isinstance(getattr(store, "rocksdb_options", None), RocksDBOptions) and store.use_rocksdict:
        # as Faust's Store.__init__ builds them, from the table's options
        store.rocksdb_options = SharedMemoryOptions(**store.options, use_rocksdict=True)
    return store


# RocksDB's own figures for one database (bytes, except the key count)
MEMORY_PROPERTIES = {
    "memtables": "rocksdb.cur-size-all-mem-tables",
    "table_readers": "rocksdb.estimate-table-readers-mem",  # SST indexes and filters
    "block_cache": "rocksdb.block-cache-usage",
    "sst_files": "rocksdb.total-sst-files-size",
    "keys": "rocksdb.estimate-num-keys",
}


SHARED = ("block_cache",)  # one figure for every database (they share one cache): not summed


def rocksdb_usage(app: Any) -> dict[str, dict[str, int]]:
    """Table name -> MEMORY_PROPERTIES over the RocksDB databases this worker has open (one per
    partition): summed, but for the shared figures; tables in memory are left out."""
    usage = {}
    for name, table in list(app.tables.items()):
        dbs = list(getattr(table.data, "_dbs", {}).values())  # Faust's RocksDB store
        if dbs:
            usage[name] = _combine([{field: db.property_int_value(prop) or 0
                                     for field, prop in MEMORY_PROPERTIES.items()} for db in dbs])
    return usage


def usage_total(usage: dict[str, dict[str, int]]) -> dict[str, int]:
    """The worker's RocksDB figures over every table (the shared cache counted once)."""
    return _combine(list(usage.values()))


def _combine(figures: list[dict[str, int]]) -> dict[str, int]:
    return {field: max((f[field] for f in figures), default=0) if field in SHARED
            else sum(f[field] for f in figures) for field in MEMORY_PROPERTIES}


def usage_report(usage: dict[str, dict[str, int]]) -> str:
    """One line per table and a total: keys, then MB on disk and in each kind of memory."""
    rows = [*usage.items(), ("total", usage_total(usage))]
    lines = [f"{'table':<40} {'keys':>9} {'sst MB':>7} {'memtab':>7} {'readers':>7} "
             f"{'cache':>7}"]
    for name, u in rows:
        lines.append(f"{name:<40} {u['keys']:9d} " + " ".join(
            f"{u[f] / 2**20:7.2f}" for f in ("sst_files", "memtables", "table_readers",
                                              "block_cache")))
    return "\n".join(lines) + "\n"
