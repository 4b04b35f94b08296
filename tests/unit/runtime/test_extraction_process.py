"""The extraction process: results in order, a dead child replaced, an orphan that exits.

The child runs the functions below (spawned, so they are imported there by module name) instead
of loading the model."""

from __future__ import annotations

import asyncio
import os
import signal
import threading

import streams.logs.setup
import streams.runtime.c_heap
import streams.runtime.resident
from streams.runtime.extraction_process import (
    ExtractionProcessDied,
    ProcessExtractor,
    exit_when_orphaned,
    start_child,
)


def no_model(parent: int) -> None:
    """The initializer: nothing to load."""


def fake_extract(articles):
    """Like extract_batch: an exception for a bad article; the child dies on a poison one."""
    if any(article["id"] == "poison" for article in articles):
        os._exit(9)
    return [ValueError(f"bad {a['id']}") if a["id"].startswith("bad") else
            {"article_id": a["id"], "pid": os.getpid()} for a in articles]


def extractor() -> ProcessExtractor:
    return ProcessExtractor(run=fake_extract, initializer=no_model)


def test_a_batch_comes_back_in_order_from_another_process():
    async def go():
        process = extractor()
        await process.start()
        try:
            return process.child_pid, await process.extract(
                [{"id": "a"}, {"id": "bad1"}, {"id": "b"}])
        finally:
            process.stop()

    child, results = asyncio.run(go())
    assert child != os.getpid()
    assert [r["article_id"] for r in (results[0], results[2])] == ["a", "b"]
    assert {results[0]["pid"], results[2]["pid"]} == {child}
    assert isinstance(results[1], ValueError) and str(results[1]) == "bad bad1"


def test_a_child_that_dies_is_replaced_and_only_the_article_that_killed_it_fails():
    async def go():
        process = extractor()
        await process.start()
        first = process.child_pid
        try:
            results = await process.extract([{"id": "a"}, {"id": "poison"}, {"id": "b"}])
            after = await process.extract([{"id": "c"}])
            return first, process.child_pid, results, after
        finally:
            process.stop()

    first, last, results, after = asyncio.run(go())
    assert results[0]["article_id"] == "a" and results[2]["article_id"] == "b"
    assert isinstance(results[1], ExtractionProcessDied)
    # replaced when the batch died, and again when the poison article alone killed it
    assert last != first and after[0]["pid"] == last


def test_an_orphaned_child_exits_and_one_with_its_parent_keeps_running():
    parents = iter([41, 41, 1])
    exits = []
    exit_when_orphaned(41, interval=0, parent_of=lambda: next(parents), exit_now=exits.append)
    assert exits == [0]
    assert next(parents, "used up") == "used up"  # it asked until the parent changed


def test_the_child_maps_apart_only_allocations_above_the_nlp_s_arrays(monkeypatch):
    """At the worker's 64 KB each of a batch's 1 to 4 MB arrays would be faulted in afresh."""
    thresholds = []
    monkeypatch.setenv("STREAMS_MMAP_THRESHOLD", "65536")
    monkeypatch.delenv("STREAMS_EXTRACT_MMAP_THRESHOLD", raising=False)
    monkeypatch.setattr(streams.runtime.c_heap, "map_large_allocations", thresholds.append)
    monkeypatch.setattr(streams.runtime.resident, "load_and_freeze", lambda: None)
    monkeypatch.setattr(streams.logs.setup, "configure_command", lambda *args: None)
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    monkeypatch.setattr(threading, "Thread", lambda **kwargs: type("T", (), {"start": lambda self: None})())
    start_child(os.getppid())
    monkeypatch.setenv("STREAMS_EXTRACT_MMAP_THRESHOLD", "0")
    start_child(os.getppid())
    assert thresholds == [4 * 2**20, 0]
