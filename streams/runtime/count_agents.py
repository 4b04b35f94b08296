"""The count agent: `entities` in batches -> the overall and windowed counts per actor / place.

One agent reads `entities` for `actor_counts` / `location_counts`, whose values hold each key's
overall counts and its newest 1-hour and 1-day windows. It takes up to STREAMS_COUNT_BATCH_SIZE
messages at a time (waiting at most STREAMS_COUNT_BATCH_WITHIN s), and for each key in the batch
does one read and one write, and one ledger write per articles message and key: what to write is
decided by `streams.runtime.mention_batches.plan`, a pure function. Faust writes a table change
to the partition of its current event, so each write is made with an event of its key as the
current one (`guard.current`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import faust
from faust.types import TP

from streams.contract.topics import Topics
from streams.runtime.agents import failed
from streams.runtime.count_progress import PATIENCE, PartitionPlan, plan_partition
from streams.runtime.dedupe import parse_origin
from streams.runtime.guard import Guard, current
from streams.runtime.mention_batches import Mention, apply, mention_ledger_key, plan
from streams.runtime.tables import (
    Tables,
    generation_table,
    mention_details,
    mention_time,
    window_starts,
)
from streams.settings import Settings

log = logging.getLogger(__name__)


class MentionCounts:
    """The count tables; a slot is `(kind, key)`: an actor code or a place."""

    def __init__(self, tables: Tables):
        self.tables = tables

    def _table(self, kind: str) -> faust.Table:
        return self.tables.actor_counts if kind == "actor" else self.tables.location_counts

    def read(self, slot: tuple, event) -> dict | None:
        """A slot's value; `event` is one of its messages (the store of its partition)."""
        kind, key = slot
        with current(event):
            return self._table(kind).get(key)

    def write(self, slot: tuple, event, value: dict) -> None:
        kind, key = slot
        with current(event):  # the key's partition
            self._table(kind)[key] = value


class CountedOffsets:
    """Per `entities` partition, the last offset counted (table `counted_offsets`), and the
    partitions sought back to a hole (decisions: streams/runtime/count_progress.py)."""

    def __init__(self, table, consumer: Callable[[], Any], refusals: Any,
                 clock: Callable[[], float] = time.monotonic):
        self.table = table
        self.consumer = consumer
        self.refusals = refusals  # streams.contract.checked.Refusals: offsets no agent sees
        self.clock = clock
        self.awaiting: dict[int, tuple[int, float]] = {}  # partition -> (sought back to, when)

    def plans(self, events: Sequence) -> dict[int, tuple[PartitionPlan, list]]:
        """Each partition's plan for its messages in `events`, with those messages."""
        by_partition: dict[int, list] = {}
        for event in events:
            by_partition.setdefault(event.message.partition, []).append(event)
        plans = {}
        for partition, mine in by_partition.items():
            with current(mine[0]):  # the partition's own store
                stored = self.table.get(partition)
            awaiting, since = self.awaiting.get(partition, (None, 0.0))
            topic = mine[0].message.topic
            plans[partition] = (plan_partition(
                [event.message.offset for event in mine], stored and stored["offset"],
                awaiting, self.clock() - since,
                refused=lambda first, last, topic=topic, partition=partition:
                    self.refusals.all_refused(topic, partition, first, last)), mine)
        return plans

    def record(self, plans: dict[int, tuple[PartitionPlan, list]]) -> None:
        """Write each partition's last offset counted, with its batch's counts."""
        for partition, (progress, mine) in plans.items():
            if progress.count and progress.counted_through is not None:
                with current(mine[0]):
                    self.table[partition] = {"offset": progress.counted_through}

    async def read_again(self, plans: dict[int, tuple[PartitionPlan, list]]) -> None:
        """Seek back to each new hole; forget the holes filled or given up."""
        for partition, (progress, mine) in plans.items():
            awaiting = self.awaiting.get(partition)
            if awaiting and (progress.gone or (progress.counted_through is not None
                                             and progress.counted_through >= awaiting[0])):
                del self.awaiting[partition]
            if progress.gone:
                log.error("entities partition %d: offsets %d..%d never came back after %.0f s of "
                          "reading again (deleted by retention?): their mentions are not counted",
                          partition, *progress.gone, PATIENCE)
            if progress.seek_to is None:
                continue
            last = mine[progress.count].message.offset - 1
            log.warning("entities partition %d: offsets %d..%d reached no count (skipped by the "
                        "consumer); reading the partition again from %d",
                        partition, progress.seek_to, last, progress.seek_to)
            self.awaiting[partition] = (progress.seek_to, self.clock())
            try:
                await self.consumer().seek(TP(mine[0].message.topic, partition), progress.seek_to)
            except Exception as exc:  # not assigned any more: its next owner finds the hole
                log.warning("entities partition %d: could not seek back to %d: %r",
                            partition, progress.seek_to, exc)


def register_counting(app: faust.App, topics: Topics, tables: Tables, settings: Settings,
                      guard: Guard) -> None:
    counts = MentionCounts(tables)
    offsets = CountedOffsets(generation_table(app, "counted_offsets", settings, default=None,
                                              help="The last entities offset counted, per partition"),
                             lambda: app.consumer, topics.entities.refusals)

    @app.agent(topics.entities, name="count")
    async def count_mentions(stream):
        """entities -> actor_counts / location_counts and their windows, a batch at a time."""
        async for events in stream.take_events(settings.count_batch_size,
                                               within=settings.count_batch_within):
            guard.hold(events)  # committable only once counted (Guard.hold)
            await count_batch(events)
            guard.release(events)

    async def count_batch(events: Sequence) -> None:
        plans = offsets.plans(events)
        held_back = {id(event) for progress, mine in plans.values() for event in mine[progress.count:]}
        mentions: list[tuple[object, Mention]] = []
        for event in (event for event in events if id(event) not in held_back):
            try:
                mentions.append((event, mention_of(event)))
            except Exception as exc:  # one message must never stop the worker
                await failed(topics.entities, event, exc)
        try:
            write(mentions)
        except Exception as exc:  # nor one batch: its messages are dead-lettered, with why
            log.exception("counting a batch of %d entities messages failed", len(mentions))
            for event, _ in mentions:
                await failed(topics.entities, event, exc)
        offsets.record(plans)
        await offsets.read_again(plans)

    def mention_of(event) -> Mention:
        value = event.value
        return Mention(
            offset=event.message.offset, partition=event.message.partition,
            timestamp=event.message.timestamp, slot=(value.kind, value.key),
            windows=window_starts(mention_time(event)),
            ledger_key=mention_ledger_key(parse_origin(event.headers), value.kind, value.key),
            mention_id=f"{value.field}:{value.start}", first_in_article=value.first_in_article)

    def write(mentions: list[tuple[object, Mention]]) -> None:
        """One read and one write per slot, one write per ledger entry that changed."""
        by_slot = {mention.slot: event for event, mention in mentions}
        by_partition = {mention.partition: event for event, mention in mentions}
        values = {slot: counts.read(slot, event) for slot, event in by_slot.items()}
        ledger_keys = {m.ledger_key for _, m in mentions if m.ledger_key is not None}
        writes = plan((m for _, m in mentions),
                      {slot: (value or {}).get("applied_offset") for slot, value in values.items()},
                      guard.mention_ledger.entries(ledger_keys), settings.dedupe_ttl)
        for slot, change in writes.slots.items():
            event = by_slot[slot]
            counts.write(slot, event, apply(values[slot], change, **mention_details(event.value)))
        for key, entry in writes.ledger.items():
            with current(by_partition[entry["partition"]]):
                guard.mention_ledger.table[key] = entry
        for partition, event in by_partition.items():
            with current(event):
                guard.mention_ledger.cleanup(partition, event.message.timestamp)
        guard.mentions_counted(writes.counted, writes.duplicates)
