"""Every table's RocksDB databases get bounded memory (streams/runtime/storage.py)."""

from __future__ import annotations

from dataclasses import replace

from streams.runtime.app import create_app
from streams.runtime.storage import BLOCK_CACHE_BYTES, WRITE_BUFFER_BYTES, WRITE_BUFFERS
from streams.settings import Settings


def test_every_table_has_small_write_buffers_and_cache(tmp_path):
    app = create_app(replace(Settings(), app_id="unit-storage", store="rocksdb://",
                             data_dir=str(tmp_path)))
    app.finalize()
    assert len(app.tables) >= 4
    for name, table in app.tables.items():
        options = table.data.rocksdb_options
        assert (options.write_buffer_size, options.max_write_buffer_number,
                options.block_cache_size) == (WRITE_BUFFER_BYTES, WRITE_BUFFERS,
                                              BLOCK_CACHE_BYTES), name
