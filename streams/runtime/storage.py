"""RocksDB options for the tables: a small, bounded amount of memory per database.

Faust opens one RocksDB database per table and partition (a dozen tables times the partitions:
dozens of databases) and by default gives each a 64 MB write buffer (up to 3 of them) and a
2 GB block cache of its own. Every count update appends to a memtable, so a worker's memory
then grows with every article until each memtable fills: `ops/soak` measured +28 % in six
minutes with the defaults, and a flat line with the in-memory store. With these options a
database holds at most two 1 MB memtables and a 4 MB cache before it flushes or evicts.
"""

from __future__ import annotations

WRITE_BUFFER_BYTES = 1 << 20
WRITE_BUFFERS = 2
BLOCK_CACHE_BYTES = 4 << 20


def table_options() -> dict:
    """Options for `app.Table(..., options=...)`: a new dict each time, because Faust's RocksDB
    store pops keys from the dict it is given. The in-memory store ignores them."""
    return {"write_buffer_size": WRITE_BUFFER_BYTES, "max_write_buffer_number": WRITE_BUFFERS,
            "block_cache_size": BLOCK_CACHE_BYTES}
