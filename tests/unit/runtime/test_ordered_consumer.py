"""The ordered consumer's glue, driven through Faust's own fetch loop over a fake aiokafka thread.

Each test scripts the fetches and the seeks, rebalances and suspensions that interleave with them,
then checks the exact offsets handed to the streams, sought and marked done (see
docs/decisions/ordered-consumer.md for the bug).
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import metadata
from types import SimpleNamespace
from unittest.mock import AsyncMock

import faust
import pytest
from aiokafka.errors import KafkaError
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP
from faust.types.tuples import ConsumerMessage
from intervaltree import Interval, IntervalTree

from streams import fence
from streams.runtime import ordered_consumer
from streams.runtime.ordered_consumer import OrderedConsumer, install_releasing_flow_control

CHANGELOG = "app-counts-changelog"
TP1 = TP("articles", 0)
TP2 = TP("articles", 1)
LOG = TP(CHANGELOG, 0)

Hook = Callable[[], Awaitable[None]]


@dataclass
class Fetch:
    """What one fetch returns, and what happens while it is under way (`racing`)."""

    records: dict[TP, list[int]]
    racing: Hook | None = None


@dataclass
class FakeThread:
    """The aiokafka consumer thread: scripted fetches, recorded seeks."""

    assigned: set[TP]
    fetches: list[Fetch] = field(default_factory=list)
    sought: list[tuple[TP, int]] = field(default_factory=list)
    seek_errors: list[Exception] = field(default_factory=list)  # raised by the next seeks
    committed: dict[TP, int] = field(default_factory=dict)
    positions: dict[TP, int] = field(default_factory=dict)
    starts: dict[TP, int] = field(default_factory=dict)  # each partition's log start
    starts_error: Exception | None = None
    stopped: asyncio.Event = field(default_factory=asyncio.Event)  # the Fetcher's: ends the loop

    def assignment(self) -> set[TP]:
        return set(self.assigned)

    def highwater(self, tp: TP) -> int:
        return 1000

    def seek(self, tp: TP, offset: int) -> None:
        if self.seek_errors:
            raise self.seek_errors.pop(0)
        self.sought.append((tp, offset))

    async def seek_wait(self, partitions: dict[TP, int]) -> None:
        self.sought.extend(partitions.items())

    async def seek_to_committed(self) -> dict[TP, int]:
        return dict(self.committed)

    async def call_thread(self, method, *args):
        return await method(*args)

    def _ensure_consumer(self):
        async def beginning_offsets(tps):
            if self.starts_error is not None:
                raise self.starts_error
            return {tp: self.starts[tp] for tp in tps}

        return SimpleNamespace(position=AsyncMock(side_effect=self.positions.__getitem__),
                               beginning_offsets=beginning_offsets)

    async def getmany(self, active_partitions: set[TP], timeout: float) -> dict[TP, list]:
        if not self.fetches:
            self.stopped.set()
            return {}
        fetch = self.fetches.pop(0)
        if fetch.racing is not None:
            await fetch.racing()
        return {tp: [record(tp, offset) for offset in offsets] for tp, offsets in fetch.records.items()}


def record(tp: TP, offset: int) -> SimpleNamespace:
    return SimpleNamespace(
        topic=tp.topic, partition=tp.partition, offset=offset, timestamp=None, timestamp_type=0,
        headers=[], key=None, value=b"{}", checksum=None, serialized_key_size=0, serialized_value_size=2)


class Streams:
    """Faust's conductor, the callback that hands records to the streams: records what reached it."""

    def __init__(self) -> None:
        self.received: list[tuple[TP, int]] = []
        self.hooks: dict[tuple[TP, int], Hook] = {}

    async def __call__(self, message) -> None:
        key = (message.tp, message.offset)
        hook = self.hooks.get(key)
        if hook is not None:
            await hook()
        self.received.append(key)

    def offsets(self, tp: TP) -> list[int]:
        return [offset for got, offset in self.received if got == tp]


@pytest.fixture
def streams() -> Streams:
    return Streams()


@pytest.fixture
def thread() -> FakeThread:
    return FakeThread(assigned={TP1, TP2, LOG})


@dataclass
class FakeProducerBuffer:
    """Faust's producer buffer: `size` messages waiting; each `wait_until_ebb` runs the next
    scripted hook (what happens while it drains), or without one empties the buffer."""

    size: int = 0
    max_messages: int = 100
    while_draining: list[Hook] = field(default_factory=list)
    waits: int = 0

    async def wait_until_ebb(self) -> None:
        self.waits += 1
        if self.while_draining:
            await self.while_draining.pop(0)()
        else:
            self.size = 0


def build(consumer_class: type, streams: Streams, thread: FakeThread, releasing: bool = False):
    app = faust.App("ordered-consumer-test", autodiscover=False)
    if releasing:  # as the worker's app (streams/runtime/app.py)
        install_releasing_flow_control(app)
    app.topics.acks_enabled_for = lambda topic: topic != CHANGELOG  # changelogs are never committed
    app.flow_control.resume()  # as after a worker's recovery
    app._producer = SimpleNamespace(buffer=FakeProducerBuffer())
    consumer = consumer_class(
        app.transport, callback=streams, on_partitions_revoked=AsyncMock(),
        on_partitions_assigned=AsyncMock())
    consumer._thread = thread
    consumer._active_partitions = set(thread.assigned)
    return consumer


@pytest.fixture
async def consumer(streams: Streams, thread: FakeThread) -> OrderedConsumer:
    # built inside the test's event loop: mode services bind the loop they are created in
    return build(OrderedConsumer, streams, thread)


async def drain(consumer: OrderedConsumer, thread: FakeThread, *fetches: Fetch) -> None:
    """Faust's fetch loop over these fetches, until the script runs out."""
    thread.fetches = list(fetches)
    thread.stopped.clear()
    await asyncio.wait_for(consumer._drain_messages(SimpleNamespace(_stopped=thread.stopped)), timeout=5)
    for _ in range(3):  # deliveries the loop cancelled and left behind finish their clean-up
        await asyncio.sleep(0)


async def sought_to(consumer: OrderedConsumer, thread: FakeThread, **offsets: int) -> None:
    """Seek partitions as a rebalance would, then forget those seeks in the record."""
    names = {"tp1": TP1, "tp2": TP2, "log": LOG}
    await consumer.seek_wait({names[name]: offset for name, offset in offsets.items()})
    thread.sought.clear()


async def test_stock_faust_loses_what_a_seek_racing_a_fetch_went_back_for(streams, thread):
    # The bug on faust-streaming's own consumer: the reproduction for upstream. Once this fails,
    # Faust has changed: see "Dropping it" in docs/decisions/ordered-consumer.md.
    consumer = build(faust_aiokafka.Consumer, streams, thread)
    await consumer.seek(TP1, 10)

    async def rebalance_seek():
        await consumer.seek(TP1, 5)

    await drain(consumer, thread, Fetch({TP1: [10, 11, 12]}, racing=rebalance_seek),
                Fetch({TP1: [5, 6, 7, 8, 9, 10, 11, 12, 13]}))
    assert streams.offsets(TP1) == [10, 11, 12, 12, 13]  # 5..9 dropped as "already read"
    assert consumer._gap[TP1] == IntervalTree([Interval(6, 11)])  # and 6..9 marked done
    consumer._acked[TP1].extend([10, 11, 12, 13])
    assert consumer._new_offset(TP1) == 11  # the commit moves past 5..9, never processed


async def test_records_in_order_reach_the_streams(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=10, tp2=20)
    await drain(consumer, thread, Fetch({TP1: [10, 11], TP2: [20]}), Fetch({TP1: [12]}))
    assert streams.received == [(TP1, 10), (TP2, 20), (TP1, 11), (TP1, 12)]
    assert thread.sought == []


async def test_records_already_delivered_are_dropped(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=10)
    await drain(consumer, thread, Fetch({TP1: [10, 11]}), Fetch({TP1: [10, 11, 12]}))
    assert streams.offsets(TP1) == [10, 11, 12]
    assert thread.sought == []


async def test_a_seek_racing_a_fetch_makes_its_records_stale(consumer, thread, streams):
    # The rebalance case: records fetched from the old position arrive after the seek to the
    # committed offset. Faust took 10 as "read" and dropped 5..9 when they came again.
    await sought_to(consumer, thread, tp1=10)

    async def rebalance_seek():
        await consumer.seek(TP1, 5)

    await drain(consumer, thread, Fetch({TP1: [10, 11, 12]}, racing=rebalance_seek), Fetch({TP1: [5, 6, 7]}))
    assert streams.offsets(TP1) == [5, 6, 7]
    assert thread.sought == [(TP1, 5), (TP1, 5)]  # the rebalance's seek, then once back (the fetch moved on)


async def test_a_seek_during_a_delivery_is_not_undone(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=5)

    async def rebalance_seek():
        await consumer.seek(TP1, 3)

    streams.hooks[(TP1, 6)] = rebalance_seek
    await drain(consumer, thread, Fetch({TP1: [5, 6, 7, 8]}), Fetch({TP1: [3, 4, 5]}))
    assert streams.offsets(TP1) == [5, 6, 3, 4, 5]
    assert thread.sought == [(TP1, 3), (TP1, 3)]  # 7 and 8 are stale: sought back once


async def test_a_generation_change_mid_batch_seeks_back_what_was_not_delivered(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=0, tp2=0)

    async def new_generation():
        consumer.app.consumer_generation_id += 1

    streams.hooks[(TP1, 1)] = new_generation
    await drain(consumer, thread, Fetch({TP1: [0, 1, 2], TP2: [0, 1, 2]}))
    assert streams.received == [(TP1, 0), (TP2, 0), (TP1, 1)]
    assert sorted(thread.sought) == [(TP1, 2), (TP2, 1)]


async def test_a_flow_stopped_mid_batch_seeks_back_what_was_not_delivered(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=0, tp2=0)

    async def rebalance_starts():
        consumer.stop_flow()
        thread.stopped.set()  # the loop would wait for the flow to resume

    streams.hooks[(TP2, 0)] = rebalance_starts
    await drain(consumer, thread, Fetch({TP1: [0, 1], TP2: [0, 1]}))
    assert streams.received == [(TP1, 0), (TP2, 0)]
    assert sorted(thread.sought) == [(TP1, 1), (TP2, 1)]


async def test_a_partition_paused_mid_batch_is_sought_back(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=0, tp2=0)

    async def pause():
        consumer.pause_partitions({TP2})

    streams.hooks[(TP1, 0)] = pause
    await drain(consumer, thread, Fetch({TP1: [0, 1], TP2: [0, 1]}))
    assert streams.received == [(TP1, 0), (TP1, 1)]
    assert thread.sought == [(TP2, 0)]


async def test_a_delivery_suspended_by_a_rebalance_is_fetched_again(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=40)

    async def suspended():  # the streams' buffer is full when the rebalance starts
        consumer.stop_flow()
        thread.stopped.set()
        await asyncio.Event().wait()

    streams.hooks[(TP1, 41)] = suspended
    await drain(consumer, thread, Fetch({TP1: [40, 41]}))
    assert streams.received == [(TP1, 40)]
    assert thread.sought == [(TP1, 41)]
    del streams.hooks[(TP1, 41)]
    consumer.resume_flow()
    await drain(consumer, thread, Fetch({TP1: [41, 42]}))
    assert streams.offsets(TP1) == [40, 41, 42]


async def test_holes_in_a_compacted_changelog_are_delivered(consumer, thread, streams):
    await sought_to(consumer, thread, log=0)
    await drain(consumer, thread, Fetch({LOG: [0, 5, 9]}))
    assert streams.offsets(LOG) == [0, 5, 9]
    assert thread.sought == []
    assert not consumer._gap.get(LOG)


async def test_a_hole_on_a_committed_topic_is_fetched_again_once_then_marked_done(consumer, thread, streams):
    # 101 and 102 are a transaction's commit markers: never delivered, yet committed past
    await sought_to(consumer, thread, tp1=100)
    await drain(consumer, thread, Fetch({TP1: [100, 103, 104]}), Fetch({TP1: [103, 104]}))
    assert streams.offsets(TP1) == [100, 103, 104]
    assert thread.sought == [(TP1, 101)]
    assert consumer._gap[TP1] == IntervalTree([Interval(101, 103)])  # 101, 102: not 103, delivered
    consumer._acked[TP1].extend([100, 103, 104])
    assert consumer._new_offset(TP1) == 105


async def test_a_hole_filled_by_fetching_again_was_no_hole(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=100)
    await drain(consumer, thread, Fetch({TP1: [100, 103]}), Fetch({TP1: [101, 102, 103]}))
    assert streams.offsets(TP1) == [100, 101, 102, 103]
    assert thread.sought == [(TP1, 101)]
    assert not consumer._gap.get(TP1)


async def test_a_failed_seek_back_leaves_the_skipped_offsets_unacked(consumer, thread, streams):
    # Regression: the failed seek was logged and swallowed, yet the partition counted as sought
    # back, so the next fetch took 101..103 for a real hole and marked them done.
    await sought_to(consumer, thread, tp1=100)
    thread.seek_errors.append(KafkaError("fetcher busy"))
    await drain(
        consumer, thread,
        Fetch({TP1: [100, 104]}),  # 101..103 skipped: seek back to 101, which fails
        Fetch({TP1: [105]}),  # the position moved on: still skipped, seek back again
        Fetch({TP1: [101, 102, 103, 104, 105]}),
    )
    assert streams.offsets(TP1) == [100, 101, 102, 103, 104, 105]
    assert thread.sought == [(TP1, 101)]
    assert not consumer._gap.get(TP1)


async def test_revoked_partitions_wait_for_their_next_seek(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=10, tp2=20)

    async def revoke():
        thread.assigned.discard(TP2)
        await consumer.on_partitions_revoked({TP2})

    await drain(consumer, thread, Fetch({TP1: [10], TP2: [20]}, racing=revoke))
    assert streams.received == [(TP1, 10)]
    assert thread.sought == []  # the new owner reads TP2; nothing to seek back here


async def test_assigned_partitions_wait_for_their_next_seek(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=10)

    async def assign():
        await consumer.on_partitions_assigned({TP1, TP2, LOG})

    await drain(consumer, thread, Fetch({TP1: [10]}, racing=assign), Fetch({TP1: [3]}))
    # wherever the position went meanwhile (a new owner's fetch before its seek to the committed
    # offset): delivered, those records were counted before the earlier ones the seek brought
    assert (streams.received, thread.sought) == ([], [])
    await sought_to(consumer, thread, tp1=3)
    await drain(consumer, thread, Fetch({TP1: [3, 4]}))
    assert streams.received == [(TP1, 3), (TP1, 4)]


async def test_perform_seek_seeks_stream_partitions_to_their_committed_offsets(consumer, thread):
    await sought_to(consumer, thread, tp1=50, log=7)
    thread.committed = {TP1: 45, LOG: 3}
    thread.starts = {TP2: 12}  # no commit, no delivery yet: the log start ("earliest")
    await consumer.perform_seek()
    assert sorted(thread.sought) == [(TP1, 45), (TP2, 12)]  # the changelog is the recovery's
    assert consumer.order.next_offset == {TP1: 45, TP2: 12, LOG: 7}
    assert consumer._committed_offset[TP1] == 45


async def test_a_new_partition_keeps_the_records_a_stopped_flow_fetched_before_any_commit(
        consumer, thread, streams):
    # Regression (the cluster's leader-kill and the paused-worker tests lost offsets 0 and 1 of
    # one partition): a fetch hands out a new partition's first records while the flow stops for
    # a rebalance; none reaches the streams, but the fetch position has moved past them.
    await sought_to(consumer, thread, tp1=0)
    consumer.order.forget({TP2})  # newly assigned: no seek, no delivery yet

    async def rebalance_starts():
        consumer.stop_flow()
        thread.stopped.set()

    streams.hooks[(TP1, 0)] = rebalance_starts
    await drain(consumer, thread, Fetch({TP1: [0, 1], TP2: [0, 1]}))
    assert streams.offsets(TP2) == []
    thread.positions = {TP2: 2}  # where the fetch left it
    thread.starts = {TP2: 0}
    thread.sought.clear()
    await consumer.perform_seek()
    assert (TP2, 0) in thread.sought and (TP2, 2) not in thread.sought
    consumer.resume_flow()
    await drain(consumer, thread, Fetch({TP2: [0, 1, 2]}))
    assert streams.offsets(TP2) == [0, 1, 2]


async def test_without_log_start_offsets_a_new_partition_resumes_at_its_fetch_position(
        consumer, thread, streams):
    thread.starts_error = KafkaError("leader not available")
    thread.positions = {TP1: 4, TP2: 9}
    await consumer.perform_seek()
    assert sorted(thread.sought) == [(TP1, 4), (TP2, 9)]


async def test_records_fetched_during_perform_seek_are_not_delivered(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=50)
    thread.committed = {TP1: 45}
    thread.starts = {TP2: 0}
    seeking = asyncio.Event()
    seek_done = asyncio.Event()

    async def slow_seek_to_committed():
        seeking.set()
        await seek_done.wait()
        return dict(thread.committed)

    thread.seek_to_committed = slow_seek_to_committed
    task = asyncio.ensure_future(consumer.perform_seek())

    async def fetched_meanwhile():
        await seeking.wait()

    async def seek_ends():
        seek_done.set()
        await task

    await drain(
        consumer, thread,
        Fetch({TP1: [50, 51]}, racing=fetched_meanwhile),  # from the position before the seek
        Fetch({TP1: [52]}, racing=seek_ends),  # started before the seek ended: stale
        Fetch({TP1: [45, 46]}),
    )
    assert streams.offsets(TP1) == [45, 46]
    assert sorted(thread.sought[:2]) == [(TP1, 45), (TP2, 0)]  # perform_seek's seek
    assert thread.sought[2:] == [(TP1, 45)]  # the stale fetch moved TP1 on: back once


async def test_a_failed_perform_seek_reads_on_from_where_delivery_stopped(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=50, tp2=7)
    thread.seek_to_committed = AsyncMock(side_effect=KafkaError("coordinator not available"))
    with pytest.raises(KafkaError):
        await consumer.perform_seek()
    assert sorted(thread.sought) == [(TP1, 50), (TP2, 7)]
    await drain(consumer, thread, Fetch({TP1: [50]}))
    assert streams.offsets(TP1) == [50]


async def test_a_cancelled_perform_seek_leaves_no_partition_seeking(consumer, thread, streams):
    # Regression: the table recovery times perform_seek out (wait_first cancels it); the partitions
    # stayed SEEKING and nothing was delivered until the next rebalance.
    await sought_to(consumer, thread, tp1=50, tp2=7)
    never = asyncio.Event()

    async def hanging_seek_to_committed():
        await never.wait()

    thread.seek_to_committed = hanging_seek_to_committed
    task = asyncio.ensure_future(consumer.perform_seek())
    await asyncio.sleep(0)
    assert consumer.order.is_seeking(TP1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not consumer.order.is_seeking(TP1) and not consumer.order.is_seeking(TP2)
    await drain(consumer, thread, Fetch({TP1: [50, 51], TP2: [9]}), Fetch({TP2: [7, 8, 9]}))
    assert streams.offsets(TP1) == [50, 51]
    assert streams.offsets(TP2) == [7, 8, 9]  # 9 came from elsewhere: sought back to 7 first
    assert thread.sought == [(TP2, 7)]


async def test_the_stopping_consumer_hands_out_nothing(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=0)

    async def stop():
        consumer._stopped.set()

    await drain(consumer, thread, Fetch({TP1: [0]}, racing=stop))
    assert streams.received == []
    assert thread.sought == []


def test_the_transport_builds_ordered_consumers():
    assert ordered_consumer.OrderedTransport.Consumer is OrderedConsumer


async def test_a_delivery_suspended_mid_batch_is_fetched_again(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=40)

    async def suspended():
        consumer.stop_flow()
        thread.stopped.set()
        await asyncio.Event().wait()

    streams.hooks[(TP1, 41)] = suspended
    await drain(consumer, thread, Fetch({TP1: [40, 41, 42]}))
    assert streams.received == [(TP1, 40)]
    # 42 dropped by Faust's getmany: back to 42; then the cancelled delivery of 41: back to 41
    assert thread.sought == [(TP1, 42), (TP1, 41)]
    assert consumer.order.next_offset[TP1] == 41


async def test_a_seek_back_that_loses_the_partition_is_left_to_the_rebalance(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=10)

    async def rebalance_seek():
        await consumer.seek(TP1, 5)
        thread.assigned.discard(TP1)  # and the partition goes before the fetch returns

    await drain(consumer, thread, Fetch({TP1: [10, 11]}, racing=rebalance_seek))
    assert streams.received == []
    assert thread.sought == [(TP1, 5)]


def test_the_supported_faust_passes_the_fence(monkeypatch):
    monkeypatch.setattr(fence.metadata, "version", lambda name: "0.15.3")
    ordered_consumer.require_supported_faust()


@pytest.mark.parametrize("installed", ["0.15.4", "0.16.0", "0.11.0"])
def test_any_other_faust_stops_with_one_line(monkeypatch, installed):
    monkeypatch.setattr(fence.metadata, "version", lambda name: installed)
    with pytest.raises(fence.UnsupportedVersion) as stopped:
        ordered_consumer.require_supported_faust()
    assert str(stopped.value) == (
        f"faust-streaming {installed} is installed, but streams.runtime.ordered_consumer overrides "
        "internals of faust-streaming 0.15.3: see docs/decisions/ordered-consumer.md")


def test_the_fence_runs_at_import_before_faust_is_touched(monkeypatch):
    monkeypatch.setattr(metadata, "version", lambda name: "0.16.0")
    with pytest.raises(SystemExit, match="faust-streaming 0.16.0 is installed"):
        importlib.reload(ordered_consumer)
    assert ordered_consumer.OrderedTransport.Consumer is OrderedConsumer  # the classes were not redefined


async def test_a_fetch_waiting_for_the_flow_notes_the_epochs_after_the_wait(consumer, thread, streams):
    # the rebalance seeks while the fetcher waits for the flow: its next fetch is not stale
    await sought_to(consumer, thread, tp1=10)
    consumer.stop_flow()

    async def rebalance_ends():
        await asyncio.sleep(0.05)  # the fetcher is waiting for the flow by now
        await consumer.seek(TP1, 5)
        consumer.resume_flow()

    asyncio.get_running_loop().call_soon(asyncio.ensure_future, rebalance_ends())
    await drain(consumer, thread, Fetch({TP1: [5, 6]}))
    assert streams.offsets(TP1) == [5, 6]
    assert thread.sought == [(TP1, 5)]


async def test_a_suspended_delivery_after_a_seek_leaves_the_seek_alone(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=40)

    async def sought_then_suspended():
        await consumer.seek(TP1, 30)  # the rebalance decided where TP1 resumes
        consumer.stop_flow()
        thread.stopped.set()
        await asyncio.Event().wait()

    streams.hooks[(TP1, 41)] = sought_then_suspended
    await drain(consumer, thread, Fetch({TP1: [40, 41]}))
    assert thread.sought == [(TP1, 30)]
    assert consumer.order.next_offset[TP1] == 30


async def test_a_rebalance_while_the_producer_buffer_drains_keeps_the_record_from_the_streams(
        consumer, thread, streams):
    """Faust's conductor checks the flow, then waits for a full producer buffer: a rebalance
    starting in that wait got the record to the streams, which skip and ack it unprocessed."""
    await sought_to(consumer, thread, tp1=40)
    buffer = consumer.app.producer.buffer

    async def rebalance_starts():
        consumer.app.flow_control.suspend()

    streams.hooks[(TP1, 40)] = full_buffer(buffer, rebalance_starts)
    await drain(consumer, thread, Fetch({TP1: [40, 41]}))
    assert streams.received == [(TP1, 40)]
    assert thread.sought == [(TP1, 41)]
    consumer.app.flow_control.resume()
    await drain(consumer, thread, Fetch({TP1: [41, 42]}))
    assert streams.offsets(TP1) == [40, 41, 42]


async def test_a_generation_change_while_the_producer_buffer_drains_fetches_the_record_again(
        consumer, thread, streams):
    await sought_to(consumer, thread, tp1=40)
    buffer = consumer.app.producer.buffer

    async def new_generation():
        consumer.app.consumer_generation_id += 1

    streams.hooks[(TP1, 40)] = full_buffer(buffer, new_generation)
    await drain(consumer, thread, Fetch({TP1: [40, 41]}))
    assert streams.received == [(TP1, 40)]
    assert thread.sought == [(TP1, 41)]


async def test_a_revoked_partition_waiting_for_the_producer_is_left_to_the_rebalance(
        consumer, thread, streams):
    await sought_to(consumer, thread, tp1=40)
    buffer = consumer.app.producer.buffer

    async def revoked():
        consumer.order.forget({TP1})
        consumer.app.flow_control.suspend()

    streams.hooks[(TP1, 40)] = full_buffer(buffer, revoked)
    await drain(consumer, thread, Fetch({TP1: [40, 41]}))
    assert streams.received == [(TP1, 40)]
    assert thread.sought == []  # the next assignment's seek decides


async def test_a_full_producer_buffer_delays_the_record_until_it_drains(consumer, thread, streams):
    await sought_to(consumer, thread, tp1=40)
    buffer = consumer.app.producer.buffer
    buffer.size = 250  # two waits: each drains to the limit, not below

    async def still_full():
        buffer.size = 150

    buffer.while_draining = [still_full]
    drained_size = []

    async def delivered():
        drained_size.append(buffer.size)

    streams.hooks[(TP1, 40)] = delivered
    await drain(consumer, thread, Fetch({TP1: [40, 41]}))
    assert streams.offsets(TP1) == [40, 41]
    assert (buffer.waits, drained_size, thread.sought) == (2, [0], [])


def full_buffer(buffer: FakeProducerBuffer, while_draining: Hook) -> Hook:
    """A stream hook: the record after this one finds the producer buffer full, and
    `while_draining` happens while it waits."""

    async def fill() -> None:
        buffer.size = buffer.max_messages + 1
        buffer.while_draining.append(while_draining)

    return fill


def two_streams_message(consumer: OrderedConsumer, queue) -> SimpleNamespace:
    """A record of a topic two agents read: one stream took it (tracked, its copy in the other
    stream's `queue`), as Faust's conductor and stream leave it."""
    message = ConsumerMessage(TP1.topic, TP1.partition, 40, None, 0, [], None, b"{}", None)
    message.incref(2)  # the conductor, once per channel
    message.tracked = True
    consumer._unacked_messages.add(message)
    queue.put_nowait(SimpleNamespace(message=message))
    return message


async def test_a_rebalance_clearing_one_streams_copy_is_not_waited_for_nor_committed():
    consumer = build(OrderedConsumer, Streams(), FakeThread(assigned={TP1}), releasing=True)
    flow_control = consumer.app.flow_control
    queue = consumer.app.FlowControlQueue(maxsize=10, clear_on_resume=True)  # a channel's
    message = two_streams_message(consumer, queue)
    flow_control.suspend()
    flow_control.clear()  # what Faust's on_partitions_revoked does
    message.ack(consumer)  # the stream that took it is done
    assert (queue.qsize(), message.acked, message in consumer._unacked_messages) == (0, False, False)
    assert consumer._new_offset(TP1) is None  # nothing to commit: delivered again after the seek


async def test_stock_faust_waits_for_ever_for_a_cleared_copy(consumer):
    flow_control = consumer.app.flow_control
    queue = consumer.app.FlowControlQueue(maxsize=10, clear_on_resume=True)  # a channel's
    message = two_streams_message(consumer, queue)
    flow_control.suspend()
    flow_control.clear()
    message.ack(consumer)
    assert (queue.qsize(), message.refcount, message.acked) == (0, 1, False)
    assert message in consumer._unacked_messages  # wait_empty waits for it


async def test_records_cleared_by_the_resume_after_a_seek_are_read_again(streams, thread):
    # Faust's recovery seeks the stream partitions, then resumes the flow, which clears the
    # streams' queues: what the seek brought in between would never be processed
    consumer = build(OrderedConsumer, streams, thread, releasing=True)
    await sought_to(consumer, thread, tp1=40, tp2=7)
    queue = consumer.app.FlowControlQueue(maxsize=10, clear_on_resume=True)
    for offset in (40, 41):
        consumer.order.delivering(TP1, offset)
        queue.put_nowait(SimpleNamespace(message=ConsumerMessage(
            TP1.topic, TP1.partition, offset, None, 0, [], None, b"{}", None)))
    consumer.app.flow_control.resume()
    await asyncio.sleep(0)
    assert thread.sought == [(TP1, 40)]
    await drain(consumer, thread, Fetch({TP1: [40, 41], TP2: [7]}))
    assert (streams.offsets(TP1), streams.offsets(TP2)) == ([40, 41], [7])


async def test_records_cleared_from_a_revoked_partition_wait_for_its_next_seek(streams, thread):
    consumer = build(OrderedConsumer, streams, thread, releasing=True)
    await sought_to(consumer, thread, tp1=40)
    queue = consumer.app.FlowControlQueue(maxsize=10, clear_on_resume=True)
    queue.put_nowait(SimpleNamespace(message=ConsumerMessage(
        TP1.topic, TP1.partition, 40, None, 0, [], None, b"{}", None)))
    consumer.order.forget({TP1})  # revoked: on_partitions_revoked forgets before Faust clears
    consumer.app.flow_control.suspend()
    consumer.app.flow_control.clear()
    await asyncio.sleep(0)
    assert thread.sought == []
