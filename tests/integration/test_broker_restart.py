"""A broker restart in the middle of the stream, on a private second broker (`second_broker`).

The worker is processing the first half of a replay when its broker stops (SIGTERM, as
`ops/kafka stop` does) and starts again; the second half is sent after. The worker
reconnects by itself, never exits, and the final counts equal N copies exactly. The shared
broker on 9092 is not touched.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from probes import (
    SHORT_BODY,
    daily_as_events_imply,
    daily_summary,
    expected_counts,
    metrics,
    read_all,
    served_counts,
    settled,
    wait_until,
)

from streams.contract.topics import EVENTS
from streams.extraction.pipeline import extract
from streams.http import metrics as m
from streams.tools.replay import replay

pytestmark = pytest.mark.integration

N = 600


@pytest.fixture(scope="module")
def run(second_broker, fresh_settings, new_worker):
    settings = fresh_settings("restart", bootstrap=second_broker.bootstrap)
    articles = [{"id": f"{settings.topic_prefix}restart-{n}", "title": "", "body": SHORT_BODY}
                for n in range(N)]
    expected = expected_counts(articles[0], N)
    worker = new_worker(settings, "restart")
    worker.start()
    report = asyncio.run(replay(articles[: N // 2], settings))
    assert report.errors == 0
    processed_before = wait_until(
        lambda: (n := m.total(metrics(settings), m.ARTICLES_PROCESSED)) >= N // 6 and n,
        "the worker in the middle of the first half", interval=0.1)
    stopping = time.monotonic()
    second_broker.stop()
    down = time.monotonic()
    assert worker.alive
    second_broker.start()
    up = time.monotonic()
    report = asyncio.run(replay(articles[N // 2:], settings))
    assert report.errors == 0
    settled(settings, timeout=240)
    caught_up = time.monotonic() - up
    print(f"\nbroker stopped after {processed_before:.0f}/{N} articles processed; away "
          f"{up - stopping:.1f}s (stop {down - stopping:.1f}s, start {up - down:.1f}s); "
          f"all {N} counted {caught_up:.1f}s after it was back")
    events = asyncio.run(read_all(settings, EVENTS))
    return {"settings": settings, "expected": expected, "served": served_counts(settings),
            "daily": daily_as_events_imply(settings, events),
            "events_per_copy": len(extract(articles[0])["events"]), "worker": worker,
            "processed_before": processed_before, "samples": metrics(settings)}


def test_the_broker_went_away_mid_stream(run):
    assert N // 6 <= run["processed_before"] < N


def test_the_worker_reconnected_without_exiting(run):
    assert run["worker"].alive
    assert m.total(run["samples"], m.ARTICLES_DEAD_LETTERED) == 0


def test_the_counts_are_exact_after_the_restart(run):
    assert run["served"] == run["expected"]


def test_the_daily_records_count_each_event_once_after_the_restart(run):
    # what the events topic implies, its repeated messages counted once; and N copies of one
    records, implied = run["daily"]
    assert daily_summary(records) == implied
    assert sum(r["num_mentions"] for r in records.values()) == N * run["events_per_copy"]
