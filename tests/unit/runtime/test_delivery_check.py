"""No commit past a failed send: the producer's flush raises once a delivery has failed."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.errors import OutOfOrderSequenceNumber

from streams.runtime.delivery_check import CheckedDelivery, DeliveryFailed
from streams.runtime.draining_buffer import WorkerProducer


class FakeProducer:
    """Faust's producer as the mixin sees it: `send` returns the delivery future."""

    def __init__(self):
        self.deliveries: list[asyncio.Future] = []
        self.flushes = 0

    async def send(self, topic, key, value, partition, timestamp, headers):
        delivery = asyncio.get_running_loop().create_future()
        self.deliveries.append(delivery)
        return delivery

    async def flush(self):
        self.flushes += 1
        await asyncio.gather(*self.deliveries, return_exceptions=True)


class Checked(CheckedDelivery, FakeProducer):
    pass


async def send(producer, topic="t"):
    return await producer.send(topic, b"k", b"v", None, None, None)


async def test_flush_returns_when_every_send_was_delivered():
    producer = Checked()
    for _ in range(3):
        (await send(producer)).set_result("written")
    await producer.flush()
    assert (producer.flushes, producer.failed_sends) == (1, 0)


async def test_flush_raises_after_a_failed_send_and_keeps_raising(caplog):
    producer = Checked()
    good, bad, other = await send(producer), await send(producer, "entities"), await send(producer)
    good.set_result("written")
    bad.set_exception(OutOfOrderSequenceNumber())
    other.set_exception(OutOfOrderSequenceNumber())
    with pytest.raises(DeliveryFailed, match="2 message"):
        await producer.flush()
    with pytest.raises(DeliveryFailed):  # the next commit must not pass either
        await producer.flush()
    assert producer.flushes == 2
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "entities" in errors[0].getMessage()


async def test_a_cancelled_delivery_counts_as_failed():
    producer = Checked()
    (await send(producer)).cancel()
    await asyncio.sleep(0)
    with pytest.raises(DeliveryFailed):
        await producer.flush()


class BatchedProducer:
    """As aiokafka does it: flush waits on a batch's future, which fails just before the
    futures of the messages in it (MessageBatch.failure)."""

    def __init__(self):
        loop = asyncio.get_running_loop()
        self.batch, self.messages = loop.create_future(), []

    async def send(self, topic, key, value, partition, timestamp, headers):
        self.messages.append(asyncio.get_running_loop().create_future())
        return self.messages[-1]

    def fail(self, error):
        self.batch.set_exception(error)
        for message in self.messages:
            message.set_exception(error)
        self.batch.exception()

    async def flush(self):
        await asyncio.wait([self.batch])


class BatchedChecked(CheckedDelivery, BatchedProducer):
    pass


async def test_a_failed_batch_is_seen_by_the_flush_that_waited_for_it():
    producer = BatchedChecked()
    await send(producer)
    asyncio.get_running_loop().call_later(0.05, producer.fail, OutOfOrderSequenceNumber())
    with pytest.raises(DeliveryFailed):
        await producer.flush()


async def test_a_failure_is_seen_even_when_it_ends_during_the_flush():
    producer = Checked()
    late = await send(producer)
    asyncio.get_running_loop().call_later(0.05, late.set_exception, OutOfOrderSequenceNumber())
    with pytest.raises(DeliveryFailed):
        await producer.flush()


def test_the_worker_producer_checks_its_deliveries():
    assert issubclass(WorkerProducer, CheckedDelivery)
    assert WorkerProducer.__mro__.index(CheckedDelivery) < WorkerProducer.__mro__.index(
        WorkerProducer.__mro__[-2])
    assert WorkerProducer.flush is CheckedDelivery.flush
