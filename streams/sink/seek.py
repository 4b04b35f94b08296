"""On each assignment, start every partition where the database says the sink stopped.

The sink commits no offsets to Kafka: the database holds them, written with the rows
(streams.sink.store). A partition the database has seen resumes at its stored next offset; one
it has never seen starts at the beginning of the topic, whatever the group may have in Kafka.

A revocation waits for the batch being written (the loop holds `writing` while it writes), so
the next owner of a partition reads offsets that include everything this sink wrote of it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiokafka import TopicPartition
from aiokafka.abc import ConsumerRebalanceListener

log = logging.getLogger("streams.sink")

OffsetsReader = Callable[[set[str]], Awaitable[dict[tuple[str, int], int]]]


class SeekToStoredOffsets(ConsumerRebalanceListener):
    def __init__(self, consumer, read_offsets: OffsetsReader, writing: asyncio.Lock):
        self.consumer = consumer
        self.read_offsets = read_offsets
        self.writing = writing
        self.assigned: set[TopicPartition] = set()

    async def on_partitions_revoked(self, revoked) -> None:
        async with self.writing:  # the batch in flight is committed (or failed) first
            self.assigned -= set(revoked)

    async def on_partitions_assigned(self, assigned) -> None:
        assigned = set(assigned)
        stored = await self.read_offsets({tp.topic for tp in assigned})
        fresh = []
        for tp in sorted(assigned):
            offset = stored.get((tp.topic, tp.partition))
            if offset is None:
                fresh.append(tp)
            else:
                self.consumer.seek(tp, offset)
        if fresh:
            await self.consumer.seek_to_beginning(*fresh)
        self.assigned = assigned
        if assigned:
            log.info("sink: assigned %d partitions of %s; %d resume at stored offsets, %d from "
                     "the beginning", len(assigned), ", ".join(sorted({tp.topic for tp in assigned})),
                     len(assigned) - len(fresh), len(fresh))
