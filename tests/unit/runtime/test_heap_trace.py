"""The opt-in tracemalloc growth report (streams/runtime/heap_trace.py)."""

from __future__ import annotations

import time
import tracemalloc

from streams.runtime import heap_trace


def test_the_report_names_the_line_that_grew():
    tracemalloc.start(heap_trace.FRAMES)
    try:
        first = heap_trace._snapshot()
        grown = [bytes(1000) for _ in range(2000)]  # ~2 MB held here
        report = heap_trace.growth_report(first, heap_trace._snapshot(), top=3)
    finally:
        tracemalloc.stop()
    assert len(grown) == 2000
    lines = report.splitlines()
    assert lines[0].startswith("# ") and lines[0].endswith(" MB")
    size, blocks = lines[1].split()[0], lines[1].split()[2]
    assert float(size) >= 2000 * 1000 / 1024  # KiB
    assert int(blocks) >= 2000
    assert f"{__file__}:" in lines[2] or any(__file__ in line for line in lines[2:2 + heap_trace.FRAMES])


def test_reports_are_appended_with_the_native_part(tmp_path, monkeypatch):
    monkeypatch.setattr(heap_trace, "TOP", 1)
    path = tmp_path / "heap.txt"
    tracemalloc.start(1)
    try:
        stop = heap_trace.start_reports(str(path), 0.05, native=lambda: "rocksdb: 0 MB\n")
        deadline = time.monotonic() + 10
        while (path.read_text().count("rocksdb: 0 MB") if path.exists() else 0) < 2:
            assert time.monotonic() < deadline, "no two reports in 10 s"
            time.sleep(0.05)
        stop()
    finally:
        tracemalloc.stop()
    text = path.read_text()
    assert text.count("# ") >= 2 and text.index("# ") < text.index("rocksdb: 0 MB")
