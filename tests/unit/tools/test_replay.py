"""Replay as a load generator without a broker: copies, fresh ids, timestamps, the report."""

from __future__ import annotations

import itertools
import re

import pytest
from aiokafka import AIOKafkaProducer

import streams.tools.replay
from streams.settings import Settings
from streams.tools.replay import ReplayReport, copies, fresh_id, iso_utc, parse_iso_utc

CORPUS = [{"id": "a", "body": "x"}, {"id": "b", "body": "y"}]


def test_repeat_sends_the_corpus_k_times_in_order():
    assert [a["id"] for a in copies(CORPUS, 3)] == ["a", "b"] * 3


def test_fresh_ids_number_the_copies_deterministically():
    ids = [a["id"] for a in copies(CORPUS, 2, fresh_ids=True)]
    assert ids == ["a~0", "b~0", "a~1", "b~1"]
    assert ids == [a["id"] for a in copies(CORPUS, 2, fresh_ids=True)]
    assert CORPUS[0]["id"] == "a"  # the corpus itself is left alone
    assert fresh_id("x", 7) == "x~7"


def test_loop_goes_on_and_copy_numbers_keep_counting():
    looped = list(itertools.islice(copies(CORPUS, 2, loop=True, fresh_ids=True), 10))
    assert [a["id"] for a in looped[-2:]] == ["a~4", "b~4"]
    assert len({a["id"] for a in looped}) == 10
    assert list(copies([], 5, loop=True)) == []


def test_repeat_must_be_positive():
    with pytest.raises(ValueError):
        list(copies(CORPUS, 0))


def test_sent_at_is_iso_utc_with_microseconds_and_reads_back():
    stamp = iso_utc(1_700_000_000.123456)
    assert stamp == "2023-11-14T22:13:20.123456Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", iso_utc(0.0))
    assert parse_iso_utc(stamp) == pytest.approx(1_700_000_000.123456, abs=1e-6)


def test_the_report_says_what_was_sent_and_how_fast():
    report = ReplayReport(sent=50, seconds=2.0, errors=2, first_error="KafkaTimeoutError: x")
    assert report.rate == 25.0 and report.delivered == 48
    assert report.summary("t") == ("sent 50 articles to t in 2.00s (25.0/s); "
                                   "2 send errors (first: KafkaTimeoutError: x)")
    assert ReplayReport(sent=0, seconds=0.0).rate == 0.0


async def test_the_producer_waits_for_every_in_sync_replica_and_is_idempotent(monkeypatch):
    captured = {}

    class Producer(AIOKafkaProducer):
        def __init__(self, **kwargs):
            captured.update(kwargs)
            super().__init__(**kwargs)  # aiokafka accepts the combination

    monkeypatch.setattr(streams.tools.replay, "AIOKafkaProducer", Producer)
    producer = streams.tools.replay.make_producer(Settings())
    assert (captured["acks"], captured["enable_idempotence"]) == ("all", True)
    assert producer._txn_manager is not None  # aiokafka's idempotent sequence numbers
    await producer.stop()  # never started: only closes the client
