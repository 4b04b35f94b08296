"""Fill the recent lists from the topics: the tail of `events` and `alerts` on start, then
whatever arrives.

Lists filled by the worker's agents held only what they consumed since the worker started, so
after a restart the map and the alert list were empty while the count tables (the bars) were
full. Instead, each worker reads both topics with a consumer of its own that joins no group and
commits nothing: first the last `keep` messages of every partition (end offset - keep .. end),
then each message as it arrives. So every worker shows the same lists, those of the whole
cluster like the bars, before and after a restart. `loaded` turns true once that first read has
reached the ends the topics had when it began; `/health/ready` waits for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer, TopicPartition

from streams.contract.inbound import InvalidMessage, reader
from streams.contract.topics import ALERTS, EVENTS, partitions_for
from streams.runtime.recent import Recent, RecentMessages
from streams.settings import Settings
from streams.tools.tail import make_consumer

log = logging.getLogger(__name__)

POLL_MS = 1000  # the longest a fetch waits for new messages
TOPICS_WAIT = 1.0  # seconds between looks for topics that do not exist yet
RETRY_WAIT = 5.0  # seconds before reading again after the consumer failed


def tail_start(first: int, end: int, keep: int) -> int:
    """The offset to read a partition from to get its last `keep` messages."""
    return max(first, end - keep)


@dataclass(frozen=True)
class Feed:
    """One topic followed: its broker-side name, how its messages are read (the agents' checking
    reader, `streams.contract.inbound`), and the buffer they go to."""

    topic: str
    partitions: int
    read: Callable[[bytes | None, bytes | None, Any], tuple[str | None, Any]]
    buffer: RecentMessages


class RecentReader:
    def __init__(self, feeds: Iterable[Feed], consumer: Callable[[], AIOKafkaConsumer]):
        self.feeds = {feed.topic: feed for feed in feeds}
        self.consumer = consumer
        self.loaded = False
        self.refused = 0  # messages the checking reader refused (the agents dead-letter them)

    async def follow(self) -> None:
        """Read until cancelled (the worker stopping); start again after a failure, which
        repeats nothing: a buffer holds a message once, wherever it was read from."""
        while True:
            try:
                await self.read()
            except Exception as exc:  # the lists must go on; cancelling is not an Exception
                log.warning("recent lists: reading %s failed (%r); again in %gs",
                            ", ".join(self.feeds), exc, RETRY_WAIT)
                await asyncio.sleep(RETRY_WAIT)

    async def read(self) -> None:
        consumer = self.consumer()
        try:
            await consumer.start()
            partitions = await self.partitions(consumer)
            consumer.assign(partitions)
            firsts = await consumer.beginning_offsets(partitions)
            ends = await consumer.end_offsets(partitions)
            keep = {tp: self.feeds[tp.topic].buffer.keep for tp in partitions}
            for tp in partitions:
                consumer.seek(tp, tail_start(firsts[tp], ends[tp], keep[tp]))
            behind = set(partitions)
            while True:
                for tp, records in (await consumer.getmany(timeout_ms=POLL_MS)).items():
                    self.take(tp.topic, records)
                if behind:
                    behind = {tp for tp in behind if await consumer.position(tp) < ends[tp]}
                    if not behind and not self.loaded:
                        log.info("recent lists: %s read from the topics' tail",
                                 ", ".join(f"{len(f.buffer)} {f.topic}" for f in self.feeds.values()))
                    self.loaded = self.loaded or not behind
        finally:
            await consumer.stop()

    async def partitions(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        """Every partition of the topics followed, once they exist. Looked for in the full topic
        list: a look-up by name could make a broker with auto.create.topics.enable create one
        with the wrong partition count before the worker does."""
        while missing := set(self.feeds) - await consumer.topics():
            log.info("recent lists: waiting for %s to exist", ", ".join(sorted(missing)))
            await asyncio.sleep(TOPICS_WAIT)
        return [TopicPartition(feed.topic, p) for feed in self.feeds.values()
                for p in range(feed.partitions)]

    def take(self, topic: str, records: Iterable[Any]) -> None:
        feed = self.feeds[topic]
        for record in records:
            try:
                _, message = feed.read(record.key, record.value, record.headers)
            except InvalidMessage:
                self.refused += 1
                continue
            feed.buffer.add(message, (record.timestamp, record.partition, record.offset))


def register_recent_reader(app: faust.App, settings: Settings, recent: Recent) -> RecentReader:
    """Start following `events` and `alerts` when the worker starts (an app task, on every
    worker); the reader is returned for `/health/ready`."""
    recent_reader = RecentReader(
        [Feed(settings.topic(name), partitions_for(name, settings), reader(name), buffer)
         for name, buffer in ((EVENTS, recent.events), (ALERTS, recent.alerts))],
        consumer=lambda: make_consumer(settings, from_beginning=True))
    app.task(recent_reader.follow)
    return recent_reader
