"""Large C allocations mapped apart, so the heap does not grow around their holes.

The worker's RSS rose about 40 MB an hour after warm-up in a 30-minute soak while Python's own
arenas stayed at the same count and what it held from the C heap grew by only a fraction of
that: glibc's main heap grew around holes. Buffers of 64 KB and more (RocksDB's memtable arena
blocks, record batches, a batch's results) come and go between small objects that stay; once
glibc has raised its mmap threshold (it does so when such a buffer is freed, up to 32 MB) they
are cut from the heap, and a small object placed after one keeps the heap's top from shrinking.
Below a fixed threshold they are mapped apart and unmapped when freed
(docs/performance.md#memory-the-soak-test). Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)


def map_large_allocations(threshold: int) -> bool:
    """Serve allocations of `threshold` bytes and more with their own mappings, from now on;
    False when off (0) or the C library has no `mallopt` (musl, macOS)."""
    if threshold <= 0:
        return False
    name = ctypes.util.find_library("c")
    try:
        mallopt = getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    except OSError:
        return False
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(M_MMAP_THRESHOLD, threshold) == 1
