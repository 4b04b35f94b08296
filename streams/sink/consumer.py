"""`streams sink`: the consumer loop that writes the topics into the database, exactly once.

It reads `events`, `events.daily`, `entities` and `alerts` in a consumer group of its own,
takes what `getmany` returns (up to `STREAMS_SINK_BATCH_SIZE` messages), and writes it as one
transaction: rows and the next offsets together (streams.sink.store). Kafka offsets are never
committed; on each assignment the partitions are sought to the offsets in the database
(streams.sink.seek). A topic that is not on the broker yet (`events.daily` before its worker
runs) is read as soon as it appears: the subscription is a pattern of the four names.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaConnectionError

from streams.contract.topics import ALERTS, DAILY, ENTITIES, EVENTS
from streams.logs.json_format import where
from streams.settings import Settings
from streams.sink.batch import Batch, build_batch
from streams.sink.rows import Message
from streams.sink.seek import SeekToStoredOffsets
from streams.sink.store import Store, describe_url, first_line, open_store

log = logging.getLogger("streams.sink")

SINK_TOPICS = (EVENTS, DAILY, ENTITIES, ALERTS)
PROGRESS_EVERY = 10.0  # seconds between progress lines


@dataclass
class SinkReport:
    messages: int = 0
    rows: int = 0  # rows written (a redelivered id counts again: it is the same row)
    rejected: int = 0
    batches: int = 0
    started: float = field(default_factory=time.monotonic)

    def add(self, batch: Batch) -> None:
        self.messages += batch.messages
        self.rows += batch.row_count - len(batch.rejected)
        self.rejected += len(batch.rejected)
        self.batches += 1

    def summary(self) -> str:
        seconds = time.monotonic() - self.started
        rate = self.messages / seconds if seconds > 0 else 0.0
        return (f"sink: {self.messages:,} messages in {self.batches:,} batches, "
                f"{self.rows:,} rows upserted, {self.rejected:,} rejected, "
                f"{seconds:.1f} s ({rate:,.0f} messages/s)")


def subscription(settings: Settings) -> dict[str, str]:
    """Broker topic name -> contract name."""
    return {settings.topic(name): name for name in SINK_TOPICS}


def sink_group(settings: Settings) -> str:
    return settings.sink_group or f"{settings.app_id}-sink"


class Sink:
    """The loop; `stop()` ends it after the batch in flight is committed."""

    def __init__(self, settings: Settings, url: str, *, until_idle: float | None = None):
        self.settings = settings
        self.url = url
        self.until_idle = until_idle
        self.topics = subscription(settings)
        self.stopping = asyncio.Event()
        self.writing = asyncio.Lock()
        self.report = SinkReport()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sink-db")
        self.store: Store | None = None

    def stop(self) -> None:
        self.stopping.set()

    async def in_db_thread(self, function, *args):
        """The database is used from one thread only, never from the event loop's."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    async def run(self) -> SinkReport:
        self.store = await self.in_db_thread(open_store, self.url)
        try:
            applied = await self.in_db_thread(self.store.migrate)
            version = await self.in_db_thread(self.store.schema_version)
            log.info("sink: %s, schema version %d%s", describe_url(self.url), version,
                     f" (applied {applied})" if applied else "")
            await self.consume()
        except self.store.errors as exc:  # the transaction rolled back: a restart resumes there
            raise OSError(f"{describe_url(self.url)}: {first_line(exc)}") from exc
        finally:
            await self.in_db_thread(self.store.close)
            self.executor.shutdown()
        return self.report

    async def consume(self) -> None:
        s = self.settings
        consumer = AIOKafkaConsumer(
            bootstrap_servers=s.bootstrap, group_id=sink_group(s), enable_auto_commit=False,
            auto_offset_reset="earliest", isolation_level="read_committed",
            metadata_max_age_ms=5_000,  # finds a new topic of the pattern within 5 s
            session_timeout_ms=int(s.session_timeout * 1000),
            heartbeat_interval_ms=int(s.heartbeat_interval * 1000),
            rebalance_timeout_ms=int(s.rebalance_timeout * 1000), **s.security)
        listener = SeekToStoredOffsets(consumer, self.read_offsets, self.writing)
        try:
            await consumer.start()
        except KafkaConnectionError:
            await consumer.stop()
            raise  # streams.failures words it: the broker, its address and what to do
        try:
            present = await consumer.topics()
            for name in self.topics:
                if name not in present:
                    log.info("sink: %s is not on the broker yet; it is read once it appears", name)
            pattern = "^(?:" + "|".join(re.escape(name) for name in self.topics) + ")$"
            consumer.subscribe(pattern=pattern, listener=listener)
            await self.loop(consumer, listener)
        finally:
            await consumer.stop()  # leaves the group; nothing to commit

    async def read_offsets(self, topics: set[str]) -> dict[tuple[str, int], int]:
        return await self.in_db_thread(self.store.stored_offsets, topics)

    async def loop(self, consumer: AIOKafkaConsumer, listener: SeekToStoredOffsets) -> None:
        last_message = last_progress = time.monotonic()
        while not self.stopping.is_set():
            fetched = await consumer.getmany(timeout_ms=500, max_records=self.settings.sink_batch_size)
            now = time.monotonic()
            if fetched:
                async with self.writing:
                    # Only partitions still ours. Records fetched just before a rebalance gave a
                    # partition back to this sink are written and then read again from the
                    # stored offsets: the same rows, and offsets that never move back.
                    await self.write(fetched, listener.assigned)
                last_message = now
            elif self.until_idle is not None and now - last_message >= self.until_idle:
                log.info("sink: no new message for %.0f s; stopping", self.until_idle)
                break
            if now - last_progress >= PROGRESS_EVERY:
                log.info("%s", self.report.summary())
                last_progress = now

    async def write(self, fetched: dict, assigned: set) -> None:
        messages = [(self.topics[tp.topic], Message(r.topic, r.partition, r.offset, r.key, r.value,
                                                    r.timestamp))
                    for tp, records in fetched.items() if tp in assigned for r in records]
        if not messages:
            return
        batch = await self.in_db_thread(self.build_and_write, messages)
        self.report.add(batch)
        if batch.rejected:
            message, bad = batch.rejected[0]
            log.warning("sink: %d bad messages kept in sink_rejected, not as rows; first: %s[%d]@%d "
                        "%s: %s", len(batch.rejected), message.topic, message.partition,
                        message.offset, bad.reason, bad, extra=where(message))

    def build_and_write(self, messages: list[tuple[str, Message]]) -> Batch:
        batch = build_batch(messages)
        self.store.write(batch)
        return batch


async def run_sink(settings: Settings, url: str, *, until_idle: float | None = None) -> SinkReport:
    """Run until SIGTERM or SIGINT (or `until_idle` seconds without a message)."""
    sink = Sink(settings, url, until_idle=until_idle)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, sink.stop)
    try:
        return await sink.run()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
