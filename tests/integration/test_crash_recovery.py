"""kill -9 in the middle of a replay: after a restart the counts are exact, nothing is lost.

2,000 copies of a short article (two sentences naming Aleppo and the rebels, so extraction is
cheap) with fresh ids. The worker is killed with SIGKILL once a third of them are processed:
no shutdown, no last commit, no flush. A new worker on the same state folder and consumer
group takes over. The clean expectation is 2,000 times what the extractor reports for one
copy. The worker runs at least once (STREAMS_PROCESSING_GUARANTEE's default; see README,
Reliability, for why not exactly_once): the articles after the last commit are processed
again, and the dedupe records (streams/runtime/dedupe.py) keep them from being counted twice.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter

import pytest
from probes import (
    SHORT_BODY,
    daily_as_events_imply,
    daily_summary,
    expected_counts,
    get_json,
    lag,
    metrics,
    read_all,
    served_counts,
    settled,
    wait_until,
)
from sink_process import SinkProcess, rows_now, wait_for_rows

from streams.alerts.windows import rfc3339
from streams.contract.messages import event_messages
from streams.contract.topics import EVENTS
from streams.extraction.pipeline import extract
from streams.http import metrics as m
from streams.runtime.tables import COUNT_WINDOWS
from streams.sink.store import open_store
from streams.tools.replay import replay

# `make test-crash` runs this module alone. It once hung in about half the runs (a changelog
# record dropped by Faust's fetch loop left table recovery waiting); the ordered consumer fixed it.
pytestmark = [pytest.mark.integration, pytest.mark.crash]

N = 2000


def served_quads(settings) -> dict[str, dict[str, int]]:
    """Events per place and quad class in the worker's newest 1-hour window (places with any)."""
    rows = get_json(settings, "/locations/top?n=1000&window=1h")
    return {str(row["geonameid"]): row["quad_classes"] for row in rows if row["quad_classes"]}


@pytest.fixture(scope="module")
def run(fresh_settings, new_worker):
    settings = fresh_settings("crash")
    prefix = settings.topic_prefix
    # One publication time for all: every mention falls in the same 1-hour and 1-day window.
    published = rfc3339(round(time.time()) - 2 * 3600)
    articles = [{"id": f"{prefix}kill-{n}", "title": "", "body": SHORT_BODY,
                 "published_at": published} for n in range(N)]
    expected = expected_counts(articles[0], N)
    one = extract(articles[0])
    expected_events = {f"{a['id']}:{i}" for a in articles for i in range(len(one["events"]))}
    assert event_messages(articles[0], one)  # the short article codes events too
    expected_quads: dict[str, dict[str, int]] = {}  # place -> quad class -> events, 1h window
    for event in one["events"]:
        quads = expected_quads.setdefault(str(event["location"]["geonameid"]), {})
        quads[str(event["quad_class"])] = quads.get(str(event["quad_class"]), 0) + N

    started = time.monotonic()
    first = new_worker(settings, "crash-first")
    first.start()
    report = asyncio.run(replay(articles, settings))
    assert report.sent == N and report.errors == 0
    processed_before = wait_until(
        lambda: (n := m.total(metrics(settings), m.ARTICLES_PROCESSED)) >= N // 3 and n,
        "a third of the articles processed", timeout=240, interval=0.1)
    first.kill()
    killed_at = time.monotonic()
    uncommitted = asyncio.run(lag(settings))  # what the next worker must take over
    second = new_worker(settings, "crash-second")
    second.start()
    settled(settings, timeout=300)
    recovered = time.monotonic() - killed_at
    samples = metrics(settings)
    events = asyncio.run(read_all(settings, EVENTS, timeout=120))
    seconds = time.monotonic() - started
    event_ids = Counter(event["event_id"] for event in events)
    deadline = time.monotonic() + 60  # the alert agent follows `events` a little behind
    while (quads := served_quads(settings)) != expected_quads and time.monotonic() < deadline:
        time.sleep(0.5)
    daily_from = time.monotonic()
    daily, implied = daily_as_events_imply(settings, events)  # they follow a little behind
    print(f"\nkill -9 after {processed_before:.0f}/{N} articles processed; "
          f"{uncommitted} messages uncommitted at the kill; the new worker read "
          f"{m.total(samples, m.ARTICLES_IN):.0f} articles, skipped "
          f"{m.total(samples, m.MENTIONS_DUPLICATE):.0f} mentions already counted; "
          f"caught up {recovered:.1f}s after the kill; {seconds:.1f}s in all; events topic: "
          f"{len(events)} messages, {len(event_ids)} distinct ids, "
          f"{sum(c - 1 for c in event_ids.values())} duplicates (at-least-once); events.daily "
          f"as they imply {time.monotonic() - daily_from:.1f}s after they were read")
    return {"settings": settings, "expected": expected, "served": served_counts(settings),
            "windows": {window: served_counts(settings, window) for window in COUNT_WINDOWS},
            "quads": quads, "expected_quads": expected_quads,
            "samples": samples, "processed_before": processed_before, "second": second,
            "event_ids": event_ids, "expected_events": expected_events, "seconds": seconds,
            "daily": daily, "implied": implied, "events_per_copy": len(one["events"])}


def test_the_worker_was_killed_mid_replay(run):
    assert N // 3 <= run["processed_before"] < N
    assert run["second"].alive


def test_the_counts_equal_a_clean_run_exactly(run):
    assert run["expected"][("location", "170063")]["mentions"] == 2 * N  # Aleppo, twice a copy
    assert run["served"] == run["expected"]


def test_the_windowed_counts_equal_a_clean_run_exactly(run):
    assert set(run["windows"]) == {"1h", "1d"}
    for window, served in run["windows"].items():
        assert served == run["expected"], window


def test_the_events_per_place_and_quad_class_equal_a_clean_run_exactly(run):
    assert run["expected_quads"]["170063"]  # the events happen at Aleppo
    assert run["quads"] == run["expected_quads"]


def test_the_daily_records_count_each_event_once(run):
    # what the events topic implies, its repeated messages counted once; and N copies of one
    assert daily_summary(run["daily"]) == run["implied"]
    records = run["daily"].values()
    assert sum(r["num_mentions"] for r in records) == N * run["events_per_copy"]
    assert {(r["num_articles"], r["num_sources"]) for r in records} == {(N, 1)}


def test_no_event_is_lost(run):
    assert set(run["event_ids"]) == run["expected_events"]


def test_the_restarted_worker_redelivered_articles_are_not_duplicates(run):
    samples = run["samples"]
    assert m.total(samples, m.ARTICLES_DUPLICATE) == 0  # same offsets again: reprocessed
    assert m.total(samples, m.ARTICLES_DEAD_LETTERED) == 0
    assert m.total(samples, m.ARTICLES_IN) == m.total(samples, m.ARTICLES_PROCESSED)
    assert m.total(samples, m.ARTICLES_IN) + run["processed_before"] >= N


@pytest.mark.parametrize("database", ["duckdb", "postgresql"])
def test_the_sink_killed_mid_way_holds_each_event_once(run, database, request, tmp_path):
    """The issue's sink check on the pipeline's own output: the events topic of this run (with
    its repeated messages) into DuckDB and into PostgreSQL, the sink killed with SIGKILL part
    way, then started again: each event id is one row, none missing."""
    if database == "postgresql":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"duckdb:///{tmp_path / 'events.duckdb'}"
    sink = SinkProcess(run["settings"], url, tmp_path / "sink.log")
    first = sink.start()
    sink.wait_for("assigned", first)
    total = len(run["expected_events"])
    if database == "postgresql":  # readable while the sink writes: kill past a random count
        wait_for_rows(url, random.randrange(1, total // 2), timeout=60)
    else:  # DuckDB locks its file against readers: kill a random time into the writing
        time.sleep(random.uniform(0.5, 3.0))
    first.kill()
    first.wait()
    at_kill = rows_now(url)
    second = sink.start("--until-idle", "3")
    assert second.wait(timeout=120) == 0, sink.log()[-3000:]
    with open_store(url) as store:
        rows = [row[0] for row in store.fetch("SELECT event_id FROM events")]
    print(f"\n{database}: sink killed with {at_kill} rows written; after the restart "
          f"{len(rows)} event rows for {sum(run['event_ids'].values())} events messages")
    assert len(rows) == len(set(rows)) == total
    assert set(rows) == run["expected_events"]
