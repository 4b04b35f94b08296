"""A worker frozen mid-stream past the session timeout, then thawed: the counts stay exact.

SIGSTOP is what a long garbage-collection pause or a stalled virtual machine does to a worker:
the group coordinator hears nothing, drops it and gives its partitions to the other worker.
Thawed, it may write for partitions it no longer owns before it learns so; a later recovery
must ignore such writes (docs/decisions/generation-table.md). The test prints how many it met
(none in most runs, where the thawed worker hears of the rebalance first; 2 in one). Both workers
must then serve the exact counts.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time

import pytest
from probes import (
    SHORT_BODY,
    count_trace,
    differences,
    expected_counts,
    group_of,
    metrics,
    served_counts,
    settled,
    stale_count_writes,
    wait_until,
)

from streams.http import metrics as m
from streams.tools.replay import replay

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

N = 600
RATE = 20.0  # articles per second: the replay spans the pause and the return (about 30 s)


def processed(worker) -> float:
    return m.total(metrics(worker.settings), m.ARTICLES_PROCESSED)


@pytest.fixture(scope="module")
def run(fresh_settings, new_worker):
    settings = fresh_settings("paused")
    articles = [{"id": f"{settings.topic_prefix}paused-{n}", "title": "", "body": SHORT_BODY}
                for n in range(N)]
    first = new_worker(settings, "paused-first")
    first.start()
    wait_until(lambda: group_of(settings, 1), "one member holding every partition")
    second = new_worker(settings, "paused-second", other=True)
    second.start()  # one after the other: two models loading at once starve the heartbeats
    wait_until(lambda: group_of(settings, 2), "two members sharing every partition")

    reports = []
    sender = threading.Thread(
        target=lambda: reports.append(asyncio.run(replay(articles, settings, rate=RATE))))
    sender.start()
    wait_until(lambda: processed(second) >= 30, "the second worker processing")

    frozen = time.monotonic()
    os.kill(second.process.pid, signal.SIGSTOP)
    try:
        wait_until(lambda: group_of(settings, 1), "the first worker alone holding every "
                   "partition", timeout=90)
        takeover = time.monotonic() - frozen
        before = processed(first)  # the new owner writes the partitions it took over
        wait_until(lambda: processed(first) >= before + 30, "the first worker going on alone")
    finally:
        os.kill(second.process.pid, signal.SIGCONT)
    thawed = time.monotonic()
    wait_until(lambda: group_of(settings, 2), "the thawed worker back in the group", timeout=120)
    back = time.monotonic() - thawed
    sender.join(timeout=300)
    assert reports and reports[0].sent == N and reports[0].errors == 0
    settled(settings, timeout=300)
    stale = stale_count_writes(settings)
    print(f"\npaused worker: the other held every partition {takeover:.1f}s after the freeze, "
          f"the thawed one was back in the group {back:.1f}s after; {stale} stale count writes "
          f"in the changelogs, ignored")
    expected = expected_counts(articles[0], N)
    return {"expected": expected, "workers": (first, second)}


def test_both_workers_serve_the_exact_counts(run):
    for worker in run["workers"]:
        assert worker.alive, worker.log_tail()
        try:
            wait_until(lambda worker=worker: served_counts(worker.settings) == run["expected"],
                       "the exact counts", timeout=60, interval=0.5)
        except AssertionError:
            pass  # the comparison below shows what differs
        differ = differences(run["expected"], served_counts(worker.settings))
        for key, (expected, served) in sorted(differ.items()):
            trace = worker.log_path.parent / f"trace-{key[0]}-{key[1]}.txt"
            count_trace(worker.settings, *key, trace)
            print(f"{key}: expected {expected}, served {served}; traced in {trace}")
        assert differ == {}
