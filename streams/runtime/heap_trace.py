"""Where a worker's Python memory grows: an opt-in tracemalloc report (STREAMS_TRACEMALLOC).

`STREAMS_TRACEMALLOC=FILE streams worker` traces every Python allocation (with a few frames of
its call stack) from the start, takes a first snapshot after STREAMS_TRACEMALLOC_EVERY seconds
(by then the model is loaded and the buffers full) and, every interval after that, appends to
FILE the allocation sites that grew most since that first snapshot, and each table's RocksDB
memory and disk (streams/runtime/storage.py). Tracing costs CPU and
memory of its own, so use it to find what grows, not to measure how much RSS grows
(docs/performance.md#memory-the-soak-test). Native memory other than RocksDB's (the NLP
model's arrays) is in neither part.
"""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

FRAMES = 6  # enough to see which of our functions called the allocating library code
TOP = 25


def growth_report(first: tracemalloc.Snapshot, now: tracemalloc.Snapshot, top: int = TOP) -> str:
    """The `top` call stacks whose live memory grew most from `first` to `now`."""
    stats = now.compare_to(first, "traceback")
    stats = sorted((s for s in stats if s.size_diff > 0), key=lambda s: -s.size_diff)[:top]
    total = sum(s.size for s in now.statistics("filename")) / 2**20
    lines = [f"# {datetime.now(UTC).isoformat(timespec='seconds')}: traced {total:.1f} MB"]
    for stat in stats:
        lines.append(f"{stat.size_diff / 1024:+10.1f} KiB {stat.count_diff:+8d} blocks "
                     f"(now {stat.size / 1024:.1f} KiB)")
        lines.extend(f"    {frame.filename}:{frame.lineno}" for frame in stat.traceback)
    return "\n".join(lines) + "\n"


def _snapshot() -> tracemalloc.Snapshot:
    # tracemalloc's own bookkeeping and this module are not what we look for
    return tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, __file__)])


def _report_every(path: Path, every: float, native: Callable[[], str],
                  stopped: threading.Event) -> None:
    if stopped.wait(every):
        return
    first = _snapshot()
    while not stopped.wait(every):
        with path.open("a") as out:
            out.write(growth_report(first, _snapshot()) + native())


def start_tracing() -> None:
    """Trace every allocation from now on (call it before the app is built)."""
    tracemalloc.start(FRAMES)


def start_reports(path: str, every: float,
                  native: Callable[[], str] = str) -> Callable[[], None]:
    """A daemon thread appends a growth report, and what `native()` says about memory outside
    Python (RocksDB), to `path` every `every` seconds. Returns what stops it (the worker never
    does: the thread ends with the process)."""
    stopped = threading.Event()
    thread = threading.Thread(target=_report_every, args=(Path(path), every, native, stopped),
                              name="heap-trace", daemon=True)
    thread.start()

    def stop() -> None:
        stopped.set()
        thread.join()

    return stop
