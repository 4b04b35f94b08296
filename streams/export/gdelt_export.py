"""`streams export gdelt`: read `events.daily` and `events`, write GDELT 2.0 update files.

`--once` reads both topics from the beginning to their current end (no consumer group, nothing
committed) and writes one pair of files named by the current time. Otherwise the exporter is a
consumer group of its own (`{app_id}-export-gdelt`): at each boundary of `--every` (UTC, whole
multiples since the epoch, as GDELT's quarter hours) it writes the records that changed since
the last one and their new mentions, in files named by the boundary, then commits what it read
(never past a mention still waiting for its record). A crash after the files and before the
commit writes those rows again in the next files: at least once, like the topics.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from streams.contract.topics import DAILY, EVENTS
from streams.export.gdelt_feed import GdeltFeed
from streams.export.gdelt_files import next_boundary, write_update
from streams.failures import UNKNOWN_TOPIC, Failure
from streams.settings import Settings
from streams.tools.tail import assigned, make_consumer

POLL_SECONDS = 0.5


@dataclass
class Update:
    export: Path
    mentions: Path
    events: int
    mention_rows: int
    skipped: int = 0

    def summary(self) -> str:
        skipped = f"; {self.skipped} skipped (not as the schemas say)" if self.skipped else ""
        return (f"{self.export.name}: {self.events} events; {self.mentions.name}: "
                f"{self.mention_rows} mentions{skipped}")


async def topic_names(consumer: AIOKafkaConsumer, settings: Settings) -> dict[str, str]:
    """Broker-side name -> contract name of the two topics read; a missing one is an error."""
    names = {settings.topic(DAILY): DAILY, settings.topic(EVENTS): EVENTS}
    existing = await consumer.topics()
    missing = [name for name in names if name not in existing]
    if missing:
        raise Failure(f"topic {', '.join(missing)} does not exist on {settings.bootstrap}",
                      UNKNOWN_TOPIC)
    return names


def feed_message(feed: GdeltFeed, contract: str, message) -> None:
    """Decode one message into the feed. A tombstone is nothing to write; a value that is not a
    record or an event as the schemas say is counted as skipped."""
    if message.value is None:
        return
    try:
        value = orjson.loads(message.value)
    except orjson.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        feed.skipped += 1
        return
    if contract == DAILY:
        feed.add_record(value)
    else:
        feed.add_event(value, message.timestamp / 1000,
                       (TopicPartition(message.topic, message.partition), message.offset))


async def export_once(settings: Settings, out_dir: Path, *, timeout: float = 60.0,
                      clock: Callable[[], float] = time.time) -> Update:
    """Everything on the topics now, as one pair of files named by the current time."""
    consumer = make_consumer(settings, from_beginning=True)
    try:
        await consumer.start()  # inside: a consumer that could not start is closed too
        names = await topic_names(consumer, settings)
        consumer.subscribe(list(names))  # with no group, every partition, from the oldest
        partitions = await assigned(consumer)
        ends = await consumer.end_offsets(partitions)
        feed, deadline = GdeltFeed(), time.monotonic() + timeout
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the topics were not read to their end in {timeout:.0f}s")
            batches = await consumer.getmany(timeout_ms=int(POLL_SECONDS * 1000))
            for tp, messages in batches.items():
                for message in messages:
                    feed_message(feed, names[tp.topic], message)
    finally:
        await consumer.stop()
    rows = feed.take(final=True)
    export, mentions = write_update(out_dir, clock(), rows.events, rows.mentions)
    return Update(export, mentions, len(rows.events), len(rows.mentions), rows.skipped)


async def export_every(settings: Settings, out_dir: Path, every: int, *,
                       report: Callable[[Update], None] = lambda update: None,
                       stop: Callable[[Update], bool] = lambda update: False,
                       clock: Callable[[], float] = time.time) -> None:
    """A pair of files at each boundary of `every` seconds, for ever (or until `stop` says so
    after an update)."""
    consumer = make_consumer(settings, from_beginning=True,
                             group_id=f"{settings.app_id}-export-gdelt")
    try:
        await consumer.start()  # inside: a consumer that could not start is closed too
        names = await topic_names(consumer, settings)
        consumer.subscribe(list(names))
        feed = GdeltFeed()
        while True:
            boundary = next_boundary(clock(), every)
            while (left := boundary - clock()) > 0:
                batches = await consumer.getmany(timeout_ms=int(min(left, POLL_SECONDS) * 1000) + 1)
                for tp, messages in batches.items():
                    for message in messages:
                        feed_message(feed, names[tp.topic], message)
            rows = feed.take()
            export, mentions = write_update(out_dir, boundary, rows.events, rows.mentions)
            await commit(consumer, feed)
            update = Update(export, mentions, len(rows.events), len(rows.mentions), rows.skipped)
            report(update)
            if stop(update):
                return
    finally:
        await consumer.stop()


async def commit(consumer: AIOKafkaConsumer, feed: GdeltFeed) -> None:
    """Commit what was read, but not past a mention that is still waiting to be written."""
    offsets = {tp: await consumer.position(tp) for tp in consumer.assignment()}
    for tp, offset in feed.waiting_offsets().items():
        if tp in offsets:
            offsets[tp] = min(offsets[tp], offset)
    if offsets:
        await consumer.commit(offsets)


def run(settings: Settings, out_dir: str, every: str, once: bool) -> int:
    """The command: one update (`once`) or one every `every`, each reported on a line."""
    from streams.export.gdelt_files import parse_every

    seconds = parse_every(every)  # a bad --every fails before Kafka is contacted
    out = Path(out_dir)
    if once:
        print(asyncio.run(export_once(settings, out)).summary(), flush=True)
        return 0
    asyncio.run(export_every(settings, out, seconds,
                             report=lambda update: print(update.summary(), flush=True)))
    return 0
