"""Scale-out during a replay: 1 -> 2 -> 1 workers of one app (one consumer group).

A steady replay of short articles runs in the background. A second worker (its own web port
and state folder) joins, takes partitions and processes articles, then stops gracefully; the
first takes everything back. The consumer group, as the broker describes it, has every
partition of `articles` and `entities` held by exactly one member after each step, and the
final counts equal N copies exactly. The time each rebalance took is printed.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from probes import (
    SHORT_BODY,
    daily_as_events_imply,
    daily_summary,
    expected_counts,
    group_of,
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

N = 1200
RATE = 40.0  # articles per second: the replay spans both rebalances (about 30 s)
BOUND = 120.0  # seconds: generous; each step is printed


@pytest.fixture(scope="module")
def run(fresh_settings, new_worker):
    settings = fresh_settings("scale")
    articles = [{"id": f"{settings.topic_prefix}scale-{n}", "title": "", "body": SHORT_BODY}
                for n in range(N)]
    expected = expected_counts(articles[0], N)
    first = new_worker(settings, "scale-first")
    first.start()
    wait_until(lambda: group_of(settings, 1), "one member holding every partition")

    reports = []
    sender = threading.Thread(
        target=lambda: reports.append(asyncio.run(replay(articles, settings, rate=RATE))))
    sender.start()
    wait_until(lambda: m.total(metrics(settings), m.ARTICLES_PROCESSED) >= 100,
               "the first worker processing")

    joined = time.monotonic()
    second = new_worker(settings, "scale-second", other=True)
    second.start()
    two = wait_until(lambda: group_of(settings, 2), "two members sharing every partition",
                     timeout=BOUND)
    scale_up = time.monotonic() - joined
    wait_until(lambda: m.total(metrics(second.settings), m.ARTICLES_PROCESSED) >= 50,
               "the second worker processing", timeout=BOUND)
    second_metrics = metrics(second.settings)
    taken = time.monotonic() - joined

    left = time.monotonic()
    second.stop()
    wait_until(lambda: group_of(settings, 1), "one member holding every partition again",
               timeout=BOUND)
    scale_down = time.monotonic() - left
    sender.join(timeout=300)
    assert reports and reports[0].sent == N and reports[0].errors == 0
    sent_at = time.monotonic()
    settled(settings, timeout=300)
    caught_up = time.monotonic() - sent_at
    print(f"\nscale 1->2: group stable with 2 members {scale_up:.1f}s after the second worker "
          f"started, processing there {taken:.1f}s after; 2->1: stable {scale_down:.1f}s after "
          f"it stopped; all {N} counted {caught_up:.1f}s after the last send; second worker "
          f"processed {m.total(second_metrics, m.ARTICLES_PROCESSED):.0f} by then")
    events = asyncio.run(read_all(settings, EVENTS))
    return {"settings": settings, "expected": expected, "served": served_counts(settings),
            "daily": daily_as_events_imply(settings, events),
            "events_per_copy": len(extract(articles[0])["events"]), "two": two,
            "second_metrics": second_metrics, "times": (scale_up, scale_down), "first": first,
            "workers": (first, second)}


def test_two_workers_shared_every_partition(run):
    settings = run["settings"]
    members = list(run["two"].values())
    articles = [{p for topic, p in tps if topic == settings.topic("articles")} for tps in members]
    assert all(articles) and set.union(*articles) == set(range(settings.partitions))
    assert m.total(run["second_metrics"], m.ARTICLES_PROCESSED) >= 50


def test_each_rebalance_finished_within_the_bound(run):
    assert all(seconds < BOUND for seconds in run["times"])


def test_no_worker_was_expelled_from_the_group(run):
    # a rebalance callback longer than the session timeout expels its worker (runtime/resident.py)
    for worker in run["workers"]:
        assert "member_id was not recognized" not in worker.log_path.read_text(errors="replace")


def test_the_counts_are_exact_after_scaling_back(run):
    assert run["first"].alive
    assert run["served"] == run["expected"]


def test_the_daily_records_count_each_event_once_after_scaling_back(run):
    # what the events topic implies, its repeated messages counted once; and N copies of one
    records, implied = run["daily"]
    assert daily_summary(records) == implied
    assert sum(r["num_mentions"] for r in records.values()) == N * run["events_per_copy"]
