"""The rebalance listener with a mocked consumer: where each assigned partition starts."""

from __future__ import annotations

import asyncio
from unittest.mock import AsyncMock, MagicMock

from aiokafka import TopicPartition

from streams.sink.seek import SeekToStoredOffsets


def listener(stored):
    consumer = MagicMock()
    consumer.seek_to_beginning = AsyncMock()
    asked = []

    async def read_offsets(topics):
        asked.append(topics)
        return {key: offset for key, offset in stored.items() if key[0] in topics}

    return SeekToStoredOffsets(consumer, read_offsets, asyncio.Lock()), consumer, asked


async def test_stored_partitions_resume_there_and_new_ones_start_at_the_beginning():
    seek, consumer, asked = listener({("p-events", 0): 120, ("p-events", 2): 7,
                                      ("p-alerts", 0): 3, ("other", 0): 99})
    assigned = {TopicPartition("p-events", p) for p in range(4)} | {TopicPartition("p-alerts", 0)}
    await seek.on_partitions_assigned(assigned)
    assert asked == [{"p-events", "p-alerts"}]
    assert sorted(call.args for call in consumer.seek.call_args_list) == [
        (TopicPartition("p-alerts", 0), 3), (TopicPartition("p-events", 0), 120),
        (TopicPartition("p-events", 2), 7)]
    consumer.seek_to_beginning.assert_awaited_once_with(TopicPartition("p-events", 1),
                                                        TopicPartition("p-events", 3))
    assert seek.assigned == assigned


async def test_all_stored_means_no_seek_to_the_beginning():
    seek, consumer, _ = listener({("p-events", 0): 5})
    await seek.on_partitions_assigned([TopicPartition("p-events", 0)])
    consumer.seek.assert_called_once_with(TopicPartition("p-events", 0), 5)
    consumer.seek_to_beginning.assert_not_awaited()


async def test_a_revocation_waits_for_the_batch_being_written():
    seek, _, _ = listener({})
    tp = TopicPartition("p-events", 0)
    await seek.on_partitions_assigned([tp])
    order = []

    async def writing_batch():
        async with seek.writing:
            order.append("write started")
            await asyncio.sleep(0.05)
            order.append("write committed")

    writer = asyncio.create_task(writing_batch())
    await asyncio.sleep(0)  # the writer holds the lock
    await seek.on_partitions_revoked([tp])
    order.append("revoked")
    await writer
    assert order == ["write started", "write committed", "revoked"]
    assert seek.assigned == set()
