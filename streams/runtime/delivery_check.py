"""No offset committed past a send that failed.

faust-streaming 0.15.3 hands a message to aiokafka and learns of its delivery only in a callback
(`Topic._on_published`), which logs a warning and moves on. Before a commit it waits for
`producer.flush()`, which returns once every send has *ended*, delivered or failed. So a send
that fails (an error aiokafka does not retry: a changed producer epoch, an unknown sequence, a
batch that found no leader for `producer_request_timeout`) is lost for good, and the offsets of
the records that caused it are committed all the same: no redelivery will bring it back.

`CheckedDelivery` counts the sends that failed and makes the next `flush` raise
`DeliveryFailed` for them, for ever after. The commit that called it fails, Faust stops the
worker, and the records after the last good commit are delivered again, to this worker once it
is restarted or to another; the dedupe ledgers keep the counts exact.
Why and how, and how to drop it: docs/decisions/draining-producer-buffer.md.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from faust.exceptions import ProducerSendError

from streams.logs.json_format import where

log = logging.getLogger(__name__)


class DeliveryFailed(ProducerSendError):
    """A message the worker produced was not written; committing would lose it."""


class CheckedDelivery:
    """A mixin for Faust's aiokafka Producer: `send` watches each delivery, `flush` refuses to
    return normally once one has failed."""

    failed_sends = 0
    first_failure: BaseException | None = None

    async def send(self, topic: str, *args: Any, **kwargs: Any):
        delivery = await super().send(topic, *args, **kwargs)
        if isinstance(delivery, asyncio.Future):
            delivery.add_done_callback(lambda done: self._delivered(topic, done))
        return delivery

    def _delivered(self, topic: str, delivery: asyncio.Future) -> None:
        if delivery.cancelled():
            error: BaseException = asyncio.CancelledError()
        elif delivery.exception() is None:
            return
        else:
            error = delivery.exception()
        self.failed_sends += 1
        if self.first_failure is None:
            self.first_failure = error
            log.error("a message to %s was not written (%s: %s): no offset will be committed "
                      "after it; the worker stops so its records are delivered again",
                      topic, type(error).__name__, error, extra=where(topic=topic))

    def check_deliveries(self) -> None:
        """Raises DeliveryFailed when a send has failed since the worker started."""
        if self.failed_sends:
            error = self.first_failure
            raise DeliveryFailed(f"{self.failed_sends} message(s) not written, the first: "
                                 f"{type(error).__name__}: {error}")

    async def flush(self) -> None:
        await super().flush()
        # aiokafka fails a batch's future just before its messages' futures; their callbacks
        # already run before the flush resumes, and one yield keeps it so if that order changes
        await asyncio.sleep(0)
        self.check_deliveries()
