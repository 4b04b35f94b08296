"""Faust's table, safe from a worker that lost its partition: every value carries the consumer
group generation it was written in, and the changelog is applied newest generation first.

A worker cut off from the group (its host isolated, or stuck past the rebalance timeout while a
broker died) keeps writing the changelog of partitions another worker now owns, and its buffered
writes reach the broker after the new owner's. Faust applies a changelog in offset order, so
whoever recovers the partition next ends up with the stale values, and that worker's own RocksDB
offset, advanced by its late writes, makes it skip the new owner's records altogether.
Why and how, what is overridden and how to drop it: docs/decisions/generation-table.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from streams.fence import require_version

SUPPORTED_FAUST = "0.15.3"


def require_supported_faust() -> None:
    require_version("faust-streaming", SUPPORTED_FAUST, __name__, "generation-table.md")


require_supported_faust()  # before importing Faust: another version may not even import

import faust  # noqa: E402 (after the fence)

from streams.runtime.storage import share_memory  # noqa: E402

GENERATION = "generation"  # the field each dict value carries


def generation_of(value: Any) -> int | None:
    return value.get(GENERATION) if isinstance(value, dict) else None


def newest_generations(batch: Iterable[Any], stored_generation: Callable[[Any], int | None],
                       key_of: Callable[[Any], Any]) -> list[Any]:
    """The changelog events of `batch` to apply, in order: all but those whose value was written
    in an older generation than the key's value already held (in the store, or earlier in the
    batch). Deletions and values without a generation always apply."""
    known: dict[Any, int | None] = {}
    kept = []
    for event in batch:
        key = key_of(event.key)
        if event.message.value is None:  # a deletion: whatever comes next is newer
            known[key] = None
            kept.append(event)
            continue
        generation = generation_of(event.value)
        if generation is not None:
            held = known[key] if key in known else stored_generation(key)
            if held is not None and generation < held:
                continue  # written by a worker that had already lost the partition
            known[key] = generation
        kept.append(event)
    return kept


class GenerationTable(faust.Table):
    """A `faust.Table` whose dict values are stamped with the writer's generation (see module).

    The dedupe ledgers too: a mention ledger entry holds every mention of an article and key
    counted so far, so a late entry of the cut-off worker may lack one the new owner recorded,
    and a copy of it re-emitted later would be counted twice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last_generation: int | None = None
        # partitions whose RocksDB offset may have been advanced past another owner's records
        self._untrusted_partitions: set[int] = set()

    def _new_store_by_url(self, url: Any) -> Any:
        # every table's RocksDB databases on the worker's one memory budget (storage.py)
        return share_memory(super()._new_store_by_url(url))

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(value, dict):
            value = {**value, GENERATION: self.app.consumer_generation_id}
        super().__setitem__(key, value)

    def apply_changelog_batch(self, batch: Iterable[Any]) -> None:
        batch = list(batch)
        super().apply_changelog_batch(
            newest_generations(batch, self._stored_generation, self._to_key))
        # read from a trusted point on (see persisted_offset): the store's offset holds again
        self._untrusted_partitions -= {event.message.partition for event in batch}

    def _stored_generation(self, key: Any) -> int | None:
        return generation_of(self.data.get(key))

    async def on_rebalance(self, assigned: Any, revoked: Any, newly_assigned: Any,
                           generation_id: int = 0) -> None:
        # A member that misses a generation was out of the group: its writes since may have
        # landed after another owner's, so no offset it persisted can be trusted.
        if self._last_generation is not None and generation_id > self._last_generation + 1:
            self._untrusted_partitions.update(range(self._partition_count()))
        self._last_generation = generation_id
        await super().on_rebalance(assigned, revoked, newly_assigned, generation_id)

    def persisted_offset(self, tp: Any) -> int | None:
        """None (recover from the last offset read, else the start) while untrusted."""
        if tp.partition in self._untrusted_partitions:
            return None
        return super().persisted_offset(tp)

    def _partition_count(self) -> int:
        return self.partitions or self.app.conf.topic_partitions
