"""Faust's producer buffer, flushed for real before an offset is committed.

faust-streaming 0.15.3 commits a partition's offsets after `producer.flush()`, so that what the
processed records wrote (table changelogs, derived topics) is on the broker first. But the
buffer's `flush` stops as soon as no message has left it for 0.1 s, and the message being handed
to aiokafka is not counted in its size. While a partition leader is down, aiokafka's `send`
blocks on a full batch queue, the flush gives up, and the offsets are committed with changelog
writes still waiting. If the partition then moves, its new owner recovers without them and
starts after the committed offset: those mentions are never counted.
Why and how, and how to drop it: docs/decisions/draining-producer-buffer.md.
"""

from __future__ import annotations

import asyncio
from typing import Any

from streams.fence import require_version

SUPPORTED_FAUST = "0.15.3"


def require_supported_faust() -> None:
    require_version("faust-streaming", SUPPORTED_FAUST, __name__, "draining-producer-buffer.md")


require_supported_faust()  # before importing Faust: another version may not even import

from faust.transport.producer import ProducerBuffer  # noqa: E402 (after the fence)

from streams.runtime.delivery_check import CheckedDelivery  # noqa: E402
from streams.runtime.idempotent_producer import IdempotentProducer  # noqa: E402

WAIT = 0.1  # seconds between looks at a buffer that is not moving


class DrainingProducerBuffer(ProducerBuffer):
    """`flush` returns once every message put in has been handed to aiokafka."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.in_flight = 0  # taken from the queue, not yet handed over

    async def _send_pending(self, fut: Any) -> None:
        self.in_flight += 1
        try:
            await super()._send_pending(fut)
        finally:
            self.in_flight -= 1

    async def flush(self) -> None:
        while self.state == "running" and (self.size or self.in_flight):
            self.message_sent.clear()
            try:
                await asyncio.wait_for(self.message_sent.wait(), timeout=WAIT)
            except TimeoutError:
                pass  # a leader is away: keep waiting, the offsets must not go first
        await super().flush()  # stopping: Faust's own (which refuses if messages are left)


class WorkerProducer(CheckedDelivery, IdempotentProducer):
    """The worker's producer: idempotent, with a buffer that drains before a commit, and no
    commit after a send that failed (streams/runtime/delivery_check.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        faust_buffer = self.buffer
        self.buffer = DrainingProducerBuffer(loop=self.loop, beacon=self.beacon)
        self.buffer.app = faust_buffer.app
        if self.threaded_producer is not None:
            self.buffer.threaded_producer = self.threaded_producer
