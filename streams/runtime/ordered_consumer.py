"""Faust's Kafka consumer, delivering each partition's records in order across seeks.

Why: faust-streaming 0.15.3 loses records around rebalances. Its fetch loop
(`Consumer._drain_messages`) remembers the last offset it handed to the streams and drops
anything below it; a gap above it is taken for a compacted or transactional hole and marked
done ("acked") so commits can move past it. Both go wrong when a seek races with a fetch: records
fetched before a rebalance's seek are delivered after it, the remembered offset is overwritten
by a stale one, the re-fetched records are dropped as "already read", and the hole they leave is
committed as done. The articles in it are never extracted (seen in the scale-out test: a few
articles per partition after each rebalance). A changelog record dropped the same way leaves
table recovery waiting for an offset it never receives.

It overrides internals of faust-streaming 0.15.3 (the version pinned in pyproject.toml): check
it again before moving Faust. This consumer keeps, per partition, the next offset it must
deliver, set by every seek and advanced by every delivery, and an epoch that every seek bumps
(`streams.runtime.delivery_order`):

* a record from a fetch that started before the latest seek of its partition is stale: it is
  dropped, and the partition is sought again to the next offset, because that fetch may
  already have moved the position past records nobody delivered;
* nothing is delivered while a stream partition is being sought to its committed offset (one
  request per partition, so it can take a while on a busy broker): the fetcher goes on reading
  from the positions already set, and the order does not know them yet. At the end every such
  partition is sought again, once the order knows where (changelogs are the recovery's to seek);
* a record below the next offset was delivered already: dropped;
* a record above it on a topic whose offsets are committed (a hole) makes the consumer seek
  back to the next offset once; only if a fetch made after that seek still skips the offsets
  is the hole real (transaction markers) and marked done, as Faust does;
* changelog and other non-committed topics keep Faust's rule: holes are compaction;
* a record whose delivery a rebalance cut short (the flow suspended) is fetched again, and so
  are the records Faust's fetch drops (the flow stopped, the generation changed, the partition
  paused) after the position has moved past them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

from streams.runtime.delivery_order import DeliveryOrder, Verdict

log = logging.getLogger(__name__)


class OrderedConsumer(faust_aiokafka.Consumer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.order = DeliveryOrder()
        super().__init__(*args, **kwargs)

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
        # without a commit: where delivery stopped, else where the reset policy put it
        resume = {tp: self.order.next_offset.get(tp) for tp in tps}
        unknown = [tp for tp, offset in resume.items() if offset is None]
        if unknown:
            resume.update(await self._thread.call_thread(self._positions, unknown))
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
        self._read_offset.update({tp: offset if offset else None for tp, offset in offsets.items()})
        self._committed_offset.update(
            {tp: offset if offset else None for tp, offset in committed.items()
             if offset is not None})

    def _still_assigned(self, offsets: Mapping[TP, int]) -> dict[TP, int]:
        assigned = self.assignment()
        return {tp: offset for tp, offset in offsets.items() if tp in assigned}

    async def _positions(self, tps: list[TP]) -> dict[TP, int]:
        """aiokafka's fetch positions; runs in the consumer thread (`call_thread`)."""
        consumer = self._thread._ensure_consumer()
        return {tp: await consumer.position(tp) for tp in tps}

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        self.order.forget(revoked)
        await super().on_partitions_revoked(revoked)

    async def on_partitions_assigned(self, assigned: set[TP], generation_id: int = 0) -> None:
        self.order.forget(assigned)
        await super().on_partitions_assigned(assigned, generation_id)

    async def _wait_next_records(self, timeout: float) -> Any:
        if not self.flow_active:  # Faust waits here too; the epochs are noted after the wait
            await self.wait(self.can_resume_flow)
        self.order.fetch_starts()
        return await super()._wait_next_records(timeout)

    # --- the fetch loop ------------------------------------------------------------------

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Any]]:
        """Faust's round-robin over one fetch, except that a partition whose records it drops
        (the flow stopped, the generation changed, the partition paused) is sought back to
        its next offset: the fetch already moved its position past them."""
        records, active_partitions = await self._wait_next_records(timeout)
        generation_id = self.app.consumer_generation_id
        if records is None or self.should_stop:
            return
        if not self.flow_active:  # as Faust does: everything back to its committed offset
            try:
                await self.perform_seek()
            except Exception as exc:
                log.warning("could not seek back to the committed offsets: %r", exc)
            return
        dropped: set[TP] = set()
        buffered = self._buffered_partitions
        remaining = self.scheduler.iterate(records)
        for tp, record in remaining:
            if not self.flow_active or self.app.consumer_generation_id != generation_id:
                dropped.add(tp)
                dropped.update(rest for rest, _ in remaining)
                break
            if active_partitions is None or tp in active_partitions or tp in buffered:
                self.app.monitor.track_tp_end_offset(tp, self.highwater(tp))
                yield tp, self._to_message(tp, record)
            else:
                dropped.add(tp)
        for tp in dropped:
            await self._seek_back(tp, "records the fetch could not deliver")

    async def _admit(self, tp: TP, offset: int, sought_back: set[TP]) -> bool:
        """True to deliver this record now; False to drop it (seeking back first if needed)."""
        holes_allowed = not self.app.topics.acks_enabled_for(tp.topic)
        verdict = self.order.verdict(tp, offset, holes_allowed)
        if verdict is Verdict.DELIVER:
            return True
        if verdict is Verdict.HOLE:
            await self._add_gap(tp, self.order.next_offset[tp], offset)
            return True
        if verdict in (Verdict.STALE, Verdict.REWIND) and tp not in sought_back:
            sought_back.add(tp)
            sought = await self._seek_back(tp, f"{verdict.value} record at offset {offset}")
            if sought and verdict is Verdict.REWIND:  # else still REWIND next fetch: never acked unseen
                self.order.rewound(tp)
        return False

    async def _seek_back(self, tp: TP, why: str) -> bool:
        """Seek the partition back to its next offset; True if it was sought."""
        expected = self.order.next_offset.get(tp)
        if expected is None or tp not in self.assignment() or self.order.is_seeking(tp):
            return False  # the partition's next seek (after a rebalance, or under way) decides
        log.info("%s: seeking back to offset %d (%s)", tp, expected, why)
        try:
            await self.seek(tp, expected)
        except Exception as exc:
            log.warning("%s: could not seek back to %d: %r", tp, expected, exc)
            return False
        return True

    async def _drain_messages(self, fetcher) -> None:  # pragma: no cover - needs a broker
        """Faust's fetch loop, with `_admit` deciding what is delivered."""
        callback = self.callback
        getmany = self.getmany
        consumer_should_stop = self._stopped.is_set
        fetcher_should_stop = fetcher._stopped.is_set
        commit_every = self._commit_every
        yield_every = 100
        since_yield = 0
        try:
            while not (consumer_should_stop() or fetcher_should_stop()):
                self.diag.set_flag(CONSUMER_FETCHING)
                records = getmany(timeout=1.0)
                await self.sleep(0)
                sought_back: set[TP] = set()
                if not self.should_stop:
                    async for tp, message in records:
                        since_yield += 1
                        if since_yield > yield_every:
                            await asyncio.sleep(0)
                            since_yield = 0
                        if not await self._admit(tp, message.offset, sought_back):
                            continue
                        # Before the await: a seek during the callback must not be undone.
                        self.order.delivering(tp, message.offset)
                        self._read_offset[tp] = message.offset
                        if commit_every is not None and self._n_acked >= commit_every:
                            self._n_acked = 0
                            await self.commit()
                        delivery = callback(message)
                        done = await self.wait_first(delivery, self.suspend_flow.wait())
                        if delivery not in done.done and tp not in sought_back \
                                and self.order.undelivered(tp, message.offset):
                            sought_back.add(tp)
                            await self._seek_back(tp, "its delivery was suspended")
                self.diag.unset_flag(CONSUMER_FETCHING)
        except self.consumer_stopped_errors:
            if self.transport.app.should_stop:
                self.log.info("Broker stopped consumer, shutting down...")
                return
            raise
        except asyncio.CancelledError:
            if self.transport.app.should_stop:
                self.log.info("Consumer shutting down for user cancel.")
                return
            raise
        except Exception as exc:
            self.log.exception("Drain messages raised: %r", exc)
            raise
        finally:
            self.diag.unset_flag(CONSUMER_FETCHING)


def _committed_or(committed: int | None, resume: int) -> int:
    """The committed offset, or `resume` where the partition has none."""
    return committed if committed is not None and committed >= 0 else resume


class OrderedTransport(faust_aiokafka.Transport):
    Consumer = OrderedConsumer
