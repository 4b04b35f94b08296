"""The producer buffer that drains before a commit, without a broker: a send that blocks while
a partition leader is away (its version fence is tested with the others in test_fence.py)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from types import SimpleNamespace

from faust.transport.producer import ProducerBuffer

from streams.runtime.app import create_app
from streams.runtime.draining_buffer import DrainingProducerBuffer, WorkerProducer
from streams.settings import Settings

BLOCKED = 0.6  # seconds aiokafka's send waits for a batch queue to the leader to move


def message(sent: list, name: str, blocks: float = 0.0):
    """A pending message whose hand-over to aiokafka takes `blocks` seconds."""
    async def publish_message(fut, wait: bool):
        await asyncio.sleep(blocks)
        sent.append(name)

    return SimpleNamespace(message=SimpleNamespace(channel=SimpleNamespace(
        publish_message=publish_message)))


async def flushed(buffer_class) -> tuple[list, list]:
    """What was sent when `flush` returned, and in the end, for a buffer of three messages whose
    second blocks."""
    buffer = buffer_class()
    buffer.app = SimpleNamespace(conf=SimpleNamespace(producer_threaded=False))
    await buffer.start()
    sent: list[str] = []
    try:
        for name, blocks in (("a", 0.0), ("b", BLOCKED), ("c", 0.0)):
            buffer.put(message(sent, name, blocks))
        await asyncio.sleep(0.05)  # "a" is out, "b" is being handed over
        await buffer.flush()
        at_flush = list(sent)
        await asyncio.sleep(BLOCKED + 0.2)
        return at_flush, sent
    finally:
        await buffer.stop()


async def test_faust_s_flush_returns_with_messages_still_waiting():
    at_flush, in_the_end = await flushed(ProducerBuffer)
    assert at_flush == ["a"]  # the gap: a commit now would go before "b" and "c"
    assert in_the_end == ["a", "b", "c"]


async def test_the_draining_flush_returns_once_every_message_left():
    at_flush, in_the_end = await flushed(DrainingProducerBuffer)
    assert at_flush == ["a", "b", "c"]
    assert in_the_end == ["a", "b", "c"]


async def test_an_empty_buffer_flushes_at_once():
    buffer = DrainingProducerBuffer()
    buffer.app = SimpleNamespace(conf=SimpleNamespace(producer_threaded=False))
    await buffer.start()
    try:
        await asyncio.wait_for(buffer.flush(), timeout=0.05)
    finally:
        await buffer.stop()


def test_the_worker_s_producer_has_the_draining_buffer():
    app = create_app(replace(Settings(), app_id="unit-draining", store="memory://"))
    assert isinstance(app.producer, WorkerProducer)
    assert isinstance(app.producer.buffer, DrainingProducerBuffer)
    assert app.producer.buffer.app is app
