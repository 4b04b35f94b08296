"""Faust's Kafka consumer, delivering each partition's records in order, once, across seeks.

faust-streaming 0.15.3 loses records around rebalances: a seek racing a fetch makes its fetch
loop drop re-fetched records as "already read" and mark the hole they leave as done. Why, the
minimal sequence, what is overridden here and how to drop it: docs/decisions/ordered-consumer.md.
The bookkeeping is `streams.runtime.delivery_order`; this module only tells it what happens.
"""

from __future__ import annotations

from streams.fence import require_version
from streams.runtime.draining_buffer import WorkerProducer

SUPPORTED_FAUST = "0.15.3"


def require_supported_faust() -> None:
    require_version("faust-streaming", SUPPORTED_FAUST, __name__, "ordered-consumer.md")


require_supported_faust()  # before importing Faust: another version may not even import

import asyncio  # noqa: E402
import logging  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import AsyncIterator, Callable, Mapping  # noqa: E402
from typing import Any  # noqa: E402

from aiokafka.errors import KafkaError  # noqa: E402
from faust.transport.drivers import aiokafka as faust_aiokafka  # noqa: E402
from faust.types import TP  # noqa: E402
from mode.utils.queues import FlowControlEvent  # noqa: E402

from streams.runtime.delivery_order import DeliveryOrder, Verdict  # noqa: E402

log = logging.getLogger(__name__)


class _NoReadOffsets(dict):
    """Faust's `_read_offset`, read only by its fetch loop to drop "already read" records and to
    mark skipped offsets done: always None there, so the delivery order alone decides."""

    def __getitem__(self, tp: TP) -> None:
        return None


class ReleasingFlowControl(FlowControlEvent):
    """Faust's flow control, telling the consumer what its `clear` drops from the streams'
    queues (a rebalance clears them): `OrderedConsumer.release_dropped`."""

    on_dropped: Callable[[list], None] | None = None

    def clear(self) -> None:
        dropped = [item for queue in self._queues for item in list(queue._queue)]
        super().clear()
        if dropped and self.on_dropped is not None:
            self.on_dropped(dropped)


def install_releasing_flow_control(app: Any) -> None:
    """Before any channel exists: each one registers its queue with the app's flow control."""
    app.flow_control = ReleasingFlowControl(loop=app.loop)


class OrderedConsumer(faust_aiokafka.Consumer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.order = DeliveryOrder()
        self._sought_back: set[TP] = set()  # partitions sought back during the current fetch
        self._fetched: dict[TP, int] = {}  # records per partition getmany must hand out
        self._seeks_back: set[asyncio.Future] = set()  # started by release_dropped
        super().__init__(*args, **kwargs)
        self._read_offset = _NoReadOffsets()
        self._deliver, self.callback = self.callback, self._deliver_in_order
        if isinstance(self.app.flow_control, ReleasingFlowControl):
            self.app.flow_control.on_dropped = self.release_dropped

    def release_dropped(self, items: list) -> None:
        """Events the flow control cleared from the streams' queues (a rebalance, and every
        resume of the flow). A record of a topic two agents read may have reached one of them
        and been cleared from the other's queue: the first one's ack leaves it one short of
        acked, and the rebalance waited for it for ever (`wait_empty`). Pinned here, it is
        never acked, so never committed, and not waited for. A partition still assigned (the
        resume after a rebalance clears what its seek brought meanwhile) is read again from its
        first record dropped; a revoked one waits for its next assignment's seek."""
        first_dropped: dict[TP, int] = {}
        for item in items:
            message = getattr(item, "message", None)
            if message is None or message.acked:
                continue
            message.incref()
            self._unacked_messages.discard(message)
            first_dropped[message.tp] = min(message.offset, first_dropped.get(message.tp, message.offset))
        assigned = self.assignment() if first_dropped else set()
        for tp, offset in first_dropped.items():
            if tp in assigned and tp in self.order.next_offset and not self.order.is_seeking(tp):
                self.order.sought(tp, offset)  # now: nothing after it may be delivered first
                seek = asyncio.ensure_future(self._seek_back(
                    tp, "cleared from the streams' queues", again=True))
                self._seeks_back.add(seek)  # held: the loop keeps only a weak reference
                seek.add_done_callback(self._seeks_back.discard)

    # --- every seek tells the delivery order --------------------------------------------

    async def seek(self, partition: TP, offset: int) -> None:
        self.order.sought(partition, offset)
        await super().seek(partition, offset)

    async def seek_wait(self, partitions: Mapping[TP, int]) -> None:
        for tp, offset in partitions.items():
            self.order.sought(tp, offset)
        await super().seek_wait(partitions)

    async def perform_seek(self) -> None:
        """Faust's seek of the stream partitions to their committed offsets. Changelog
        partitions are left to the table recovery, which seeks them itself (aiokafka's
        `seek_to_committed` leaves them alone too: nothing is committed for them); seeking
        one to a position taken before the recovery's seek left the recovery waiting."""
        tps = {tp for tp in self.assignment() if self.app.topics.acks_enabled_for(tp.topic)}
        # without a commit: where delivery stopped, else where the reset policy says
        resume = {tp: self.order.next_offset.get(tp) for tp in tps}
        unknown = [tp for tp, offset in resume.items() if offset is None]
        if unknown:
            resume.update(await self._thread.call_thread(self._reset_offsets, unknown))
        self.order.seeking(tps)
        try:
            committed = await self.seek_to_committed()
        except Exception:  # read on from where delivery stopped rather than not at all
            await self.seek_wait(self._still_assigned(resume))
            raise
        finally:
            # Even cancelled (the table recovery times perform_seek out) no partition stays SEEKING,
            # where nothing is delivered until the next rebalance; a fetch from elsewhere is REWIND.
            self.order.seek_ended(resume)
        offsets = {tp: _committed_or(committed.get(tp), resume[tp]) for tp in resume}
        # Again, now telling the order first: fetches made meanwhile moved the positions. Every
        # partition still assigned leaves the seek (the revoked ones were forgotten already).
        await self.seek_wait(self._still_assigned(offsets))
        self._committed_offset.update(
            {tp: offset if offset else None for tp, offset in committed.items()
             if offset is not None})

    def _still_assigned(self, offsets: Mapping[TP, int]) -> dict[TP, int]:
        assigned = self.assignment()
        return {tp: offset for tp, offset in offsets.items() if tp in assigned}

    async def _reset_offsets(self, tps: list[TP]) -> dict[TP, int]:
        """Where partitions that have no commit and delivered nothing yet resume; runs in the
        consumer thread (`call_thread`). With the "earliest" policy, each one's log start: the
        fetch position may have moved past records a fetch took that never reached the streams
        (the flow stopped for a rebalance), and resuming there lost a new partition's first
        records. Other policies, or no answer from the broker: the fetch position."""
        consumer = self._thread._ensure_consumer()
        if self.app.conf.consumer_auto_offset_reset == "earliest":
            try:
                starts = await consumer.beginning_offsets(tps)
                return {tp: starts[tp] for tp in tps}
            except KafkaError as exc:
                log.warning("no log start offsets for %s (%r): resuming at the fetch positions",
                            sorted(tps), exc)
        return {tp: await consumer.position(tp) for tp in tps}

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        self.order.forget(revoked)
        await super().on_partitions_revoked(revoked)

    async def on_partitions_assigned(self, assigned: set[TP], generation_id: int = 0) -> None:
        self.order.forget(assigned)
        await super().on_partitions_assigned(assigned, generation_id)

    # --- each fetch ----------------------------------------------------------------------

    async def _wait_next_records(self, timeout: float) -> Any:
        if not self.flow_active:  # Faust waits here too; the epochs are noted after the wait
            await self.wait(self.can_resume_flow)
        self.order.fetch_starts()
        self._sought_back.clear()
        records, active_partitions = await super()._wait_next_records(timeout)
        # Faust's getmany hands nothing out of a fetch that ends with the flow stopped (it seeks
        # to the committed offsets itself) or the consumer stopping.
        handing_out = records and self.flow_active and not self.should_stop
        self._fetched = {tp: len(batch) for tp, batch in records.items()} if handing_out else {}
        return records, active_partitions

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Any]]:
        """Faust's round-robin over one fetch. A partition whose records it drops (the flow
        stopped, the generation changed, the partition paused) is sought back to its next
        offset: the fetch already moved its position past them."""
        handed_out: Counter[TP] = Counter()
        async for tp, message in super().getmany(timeout):
            handed_out[tp] += 1
            yield tp, message
        for tp, fetched in self._fetched.items():
            if handed_out[tp] < fetched:
                await self._seek_back(tp, "records the fetch could not deliver")

    # --- each record, where Faust's fetch loop hands it to the streams ----------------------

    async def _deliver_in_order(self, message: Any) -> None:
        tp, offset = message.tp, message.offset
        holes_allowed = not self.app.topics.acks_enabled_for(tp.topic)
        verdict = self.order.verdict(tp, offset, holes_allowed)
        if verdict in (Verdict.STALE, Verdict.REWIND):
            sought = await self._seek_back(tp, f"{verdict.value} record at offset {offset}")
            if sought and verdict is Verdict.REWIND:  # else still REWIND next fetch: never acked unseen
                self.order.rewound(tp)
        if verdict not in (Verdict.DELIVER, Verdict.HOLE):
            return
        hole_starts = self.order.next_offset.get(tp)
        self.order.delivering(tp, offset)  # before any await: a seek meanwhile must not be undone
        try:
            if verdict is Verdict.HOLE:  # the offsets skipped, not this record: its stream acks it
                await self._add_gap(tp, hole_starts, offset - 1)
            await self._producer_ebbed(message)
            if not self._streams_would_take(message):
                # A stream takes a record of a stopped flow or an older generation only to ack
                # it unprocessed, and the commit would then pass it: fetch it again instead.
                if self.order.undelivered(tp, offset):
                    await self._seek_back(tp, "the flow stopped before its delivery", again=True)
                return
            await self._deliver(message)
        except asyncio.CancelledError:
            # The flow was suspended (a rebalance) before the streams took it: fetch it again. This
            # runs after Faust's loop moved on; the epochs make that order harmless.
            if self.order.undelivered(tp, offset):
                await self._seek_back(tp, "its delivery was suspended", again=True)
            raise

    async def _producer_ebbed(self, message: Any) -> None:
        """Wait, as Faust's conductor would, while the producer buffer is full. The conductor
        checks the flow first and then waits there, so a rebalance that starts meanwhile gets
        the record into the streams after its flow stopped; waiting here first, the check below
        and the hand-over follow with no await between them."""
        buffer = self.app.producer.buffer
        while buffer.size > buffer.max_messages and self._streams_would_take(message):
            await buffer.wait_until_ebb()

    def _streams_would_take(self, message: Any) -> bool:
        """What Faust's streams check before they process a record (else: skip and ack it)."""
        return (self.flow_active and self.app.flow_control.is_active()
                and message.generation_id == self.app.consumer_generation_id)

    async def _seek_back(self, tp: TP, why: str, *, again: bool = False) -> bool:
        """Seek the partition back to its next offset, once a fetch unless `again`; True if sought."""
        expected = self.order.next_offset.get(tp)
        if (tp in self._sought_back and not again) or expected is None or self.order.is_seeking(tp):
            return False  # sought back already, or its next seek (after a rebalance, under way) decides
        self._sought_back.add(tp)
        try:
            if tp not in self.assignment():
                return False
            log.info("%s: seeking back to offset %d (%s)", tp, expected, why)
            await self.seek(tp, expected)
        except Exception as exc:
            log.warning("%s: could not seek back to %d: %r", tp, expected, exc)
            return False
        return True


def _committed_or(committed: int | None, resume: int) -> int:
    """The committed offset, or `resume` where the partition has none."""
    return committed if committed is not None and committed >= 0 else resume


class OrderedTransport(faust_aiokafka.Transport):
    Consumer = OrderedConsumer
    # A send retried after a leader moved is written once (docs/decisions/idempotent-producer.md),
    # and nothing is committed before its writes left (docs/decisions/draining-producer-buffer.md).
    Producer = WorkerProducer
