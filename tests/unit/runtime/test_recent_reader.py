"""The recent reader with a consumer stand-in: the tail of each partition on start, then what
arrives; refused messages skipped; the same lists whether a topic was followed or its tail read."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from types import SimpleNamespace

import orjson
import pytest
from aiokafka import TopicPartition
from aiokafka.errors import KafkaConnectionError
from waiting import until

from streams.contract.inbound import reader
from streams.runtime import recent_reader
from streams.runtime.app import create_app
from streams.runtime.recent import RecentMessages
from streams.runtime.recent_reader import Feed, RecentReader, tail_start
from streams.settings import Settings

EVENTS, ALERTS = "p-events", "p-alerts"


def event_bytes(event_id: str) -> bytes:
    return orjson.dumps({
        "event_id": event_id, "article_id": event_id.split(":")[0],
        "source": {"code": "SYRMIL", "text": "army"}, "target": None, "cameo_code": "190",
        "cameo_root": "19", "quad_class": 4, "goldstein": -10.0, "plover_event": "FIGHT",
        "sentence_index": 0, "location": None, "schema_version": 1})


def alert_bytes(alert_id: str) -> bytes:
    return orjson.dumps({
        "id": alert_id, "rule": "watch", "kind": "watchlist", "severity": "info",
        "subject": {"kind": "actor", "code": "SYRREB", "name": "rebels"},
        "window": {"start": "2016-09-04T00:00:00Z", "end": "2016-09-05T00:00:00Z"},
        "observed": 1, "baseline": None, "evidence": {"event_ids": [], "article_ids": []},
        "created_at": "2026-12-06T12:00:00Z", "schema_version": 1})


class Log:
    """What a broker holds: per partition, the records at offsets first .. end - 1."""

    def __init__(self):
        self.records: dict[TopicPartition, list] = {}
        self.first: dict[TopicPartition, int] = {}

    def append(self, topic: str, partition: int, value: bytes | None, key: bytes | None = b"k",
               timestamp: int | None = None) -> None:
        tp = TopicPartition(topic, partition)
        records = self.records.setdefault(tp, [])
        offset = self.first.get(tp, 0) + len(records)
        records.append(SimpleNamespace(key=key, value=value, headers=(), partition=partition,
                                       offset=offset, timestamp=timestamp or 1000 + offset))

    def end(self, tp: TopicPartition) -> int:
        return self.first.get(tp, 0) + len(self.records.get(tp, []))


class Consumer:
    """The part of AIOKafkaConsumer the reader uses, over a Log; at most `batch` records per
    partition and fetch, and none from the partitions in `stalled`."""

    def __init__(self, log: Log, topics_after: int = 0, batch: int = 2, fails: bool = False):
        self.log, self.topics_after, self.batch, self.fails = log, topics_after, batch, fails
        self.started = self.stopped = False
        self.looks = 0
        self.positions: dict[TopicPartition, int] = {}
        self.sought: dict[TopicPartition, int] = {}
        self.stalled: set[TopicPartition] = set()

    async def start(self):
        if self.fails:
            raise KafkaConnectionError("Unable to bootstrap from [('127.0.0.1', 1)]")
        self.started = True

    async def stop(self):
        self.stopped = True

    async def topics(self):
        self.looks += 1
        return {EVENTS, ALERTS} if self.looks > self.topics_after else set()

    def assign(self, partitions):
        self.positions = {tp: 0 for tp in partitions}

    async def beginning_offsets(self, partitions):
        return {tp: self.log.first.get(tp, 0) for tp in partitions}

    async def end_offsets(self, partitions):
        return {tp: self.log.end(tp) for tp in partitions}

    def seek(self, tp, offset):
        self.positions[tp] = self.sought[tp] = offset

    async def position(self, tp):
        return self.positions[tp]

    async def getmany(self, timeout_ms=0):
        await asyncio.sleep(0.001)
        batches = {}
        for tp, at in self.positions.items():
            if tp in self.stalled:
                continue
            first = self.log.first.get(tp, 0)
            records = self.log.records.get(tp, [])[at - first:at - first + self.batch]
            if records:
                batches[tp] = records
                self.positions[tp] = at + len(records)
        return batches


def feeds(keep: int = 3) -> list[Feed]:
    return [Feed(EVENTS, 2, reader("events"), RecentMessages(keep, id_field="event_id")),
            Feed(ALERTS, 1, reader("alerts"), RecentMessages(keep, id_field="id"))]


async def reading(reader_: RecentReader):
    """Run the reader until it has read the tails, and return its task (still following)."""
    task = asyncio.create_task(reader_.read())
    await until(lambda: reader_.loaded or task.done())
    return task


def test_tail_start_is_the_last_keep_offsets_within_what_the_topic_still_has():
    assert tail_start(0, 10, 3) == 7
    assert tail_start(8, 10, 5) == 8  # the older ones are gone (retention)
    assert tail_start(0, 0, 5) == 0


async def test_it_reads_the_last_keep_of_every_partition_then_what_arrives():
    log = Log()
    for n in range(5):
        log.append(EVENTS, 0, event_bytes(f"a:{n}"), timestamp=1000 + 2 * n)
        log.append(EVENTS, 1, event_bytes(f"b:{n}"), timestamp=1001 + 2 * n)
    log.append(ALERTS, 0, alert_bytes("x"))
    consumer = Consumer(log)
    reader_ = RecentReader(feeds(keep=3), consumer=lambda: consumer)
    task = await reading(reader_)
    assert consumer.sought == {TopicPartition(EVENTS, 0): 2, TopicPartition(EVENTS, 1): 2,
                               TopicPartition(ALERTS, 0): 0}
    events, alerts = reader_.feeds[EVENTS].buffer, reader_.feeds[ALERTS].buffer
    assert [e["event_id"] for e in events.latest(10)] == ["b:4", "a:4", "b:3"]
    assert [a["id"] for a in alerts.latest(10)] == ["x"]

    log.append(EVENTS, 0, event_bytes("a:5"), timestamp=5000)
    log.append(ALERTS, 0, alert_bytes("y"), timestamp=5000)
    await until(lambda: len(alerts) == 2 and events.latest(1)[0]["event_id"] == "a:5")
    assert [e["event_id"] for e in events.latest(10)] == ["a:5", "b:4", "a:4"]
    assert [a["id"] for a in alerts.latest(10)] == ["y", "x"]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert consumer.stopped


async def test_it_is_not_loaded_while_a_partition_is_short_of_its_end():
    log = Log()
    for n in range(3):
        log.append(EVENTS, 0, event_bytes(f"a:{n}"))
        log.append(EVENTS, 1, event_bytes(f"b:{n}"))
    consumer = Consumer(log)
    consumer.stalled = {TopicPartition(EVENTS, 1)}
    reader_ = RecentReader(feeds(keep=5), consumer=lambda: consumer)
    task = asyncio.create_task(reader_.read())
    await until(lambda: len(reader_.feeds[EVENTS].buffer) == 3)
    await asyncio.sleep(0.02)
    assert not reader_.loaded
    consumer.stalled = set()
    await until(lambda: reader_.loaded)
    assert len(reader_.feeds[EVENTS].buffer) == 5  # keep=5 of the 6
    task.cancel()


async def test_a_restarted_reader_shows_what_the_one_that_followed_showed():
    """Followed from the start (the worker before a restart) or read from the tail (after
    it), with an event sent again as after a crash: the same lists, in the same order."""
    log = Log()
    followed_consumer = Consumer(log)
    followed = RecentReader(feeds(keep=4), consumer=lambda: followed_consumer)
    task = await reading(followed)
    sends = [(0, "a:0"), (1, "b:0"), (0, "a:1"), (1, "b:1"), (0, "a:2"), (1, "b:0"),
             (1, "b:2"), (0, "a:3")]
    for n, (partition, event_id) in enumerate(sends):
        log.append(EVENTS, partition, event_bytes(event_id), timestamp=2000 + n // 2)
        await asyncio.sleep(0.003)
    log.append(ALERTS, 0, alert_bytes("x"))
    await until(lambda: all(followed_consumer.positions[tp] == log.end(tp)
                            for tp in followed_consumer.positions))
    task.cancel()

    restarted = RecentReader(feeds(keep=4), consumer=lambda: Consumer(log, batch=100))
    again = await reading(restarted)
    again.cancel()
    for topic in (EVENTS, ALERTS):
        assert restarted.feeds[topic].buffer.latest(10) == followed.feeds[topic].buffer.latest(10)
    # Two sends per timestamp: partition 1 goes after partition 0 at the same time; b:0 once.
    assert [e["event_id"] for e in followed.feeds[EVENTS].buffer.latest(10)] == [
        "b:2", "a:3", "b:0", "a:2"]


async def test_refused_messages_are_skipped_and_counted():
    log = Log()
    log.append(EVENTS, 0, b"not json")
    log.append(EVENTS, 0, event_bytes("a:1"), key=None)  # events need a key
    log.append(EVENTS, 0, event_bytes("a:2"))
    reader_ = RecentReader(feeds(), consumer=lambda: Consumer(log))
    task = await reading(reader_)
    task.cancel()
    assert [e["event_id"] for e in reader_.feeds[EVENTS].buffer.latest(10)] == ["a:2"]
    assert reader_.refused == 2


async def test_it_waits_for_the_topics_to_exist(monkeypatch):
    monkeypatch.setattr(recent_reader, "TOPICS_WAIT", 0.001)
    log = Log()
    log.append(ALERTS, 0, alert_bytes("x"))
    consumer = Consumer(log, topics_after=3)
    reader_ = RecentReader(feeds(), consumer=lambda: consumer)
    task = await reading(reader_)
    task.cancel()
    assert consumer.looks == 4
    assert len(reader_.feeds[ALERTS].buffer) == 1


async def test_follow_starts_again_after_a_failure(monkeypatch):
    monkeypatch.setattr(recent_reader, "RETRY_WAIT", 0.001)
    log = Log()
    log.append(ALERTS, 0, alert_bytes("x"))
    consumers = [Consumer(log, fails=True), Consumer(log)]
    reader_ = RecentReader(feeds(), consumer=lambda: consumers.pop(0))
    task = asyncio.create_task(reader_.follow())
    await until(lambda: reader_.loaded)
    task.cancel()
    assert consumers == [] and len(reader_.feeds[ALERTS].buffer) == 1


def test_the_app_fills_the_lists_with_a_task_and_still_checks_the_alerts_topic():
    app = create_app(replace(Settings(), app_id="unit-recent", topic_prefix="u-",
                             store="memory://"))
    assert not {"recent_events", "recent_alerts"} & set(app.agents)
    assert set(app.agents["check_alerts"].channel.topics) == {"u-alerts"}  # dead-letters strays
    assert "follow" in [task.__name__ for task in app._app_tasks]  # Faust keeps no public list
