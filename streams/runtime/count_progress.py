"""Which `entities` offsets the count stage has counted, per partition: a hole is a loss.

The consumer must hand the count agent every offset of a partition, in order. Faust has paths
that ack a record no agent processed (a stream skipping it around a rebalance), and the commit
then passes it: its mentions are never counted, and nothing says so. So the count agent keeps,
per partition, the last offset it counted (table `counted_offsets`, written with the counts and
stamped with their generation). A batch that starts beyond that offset + 1, or skips one inside
(other than offsets the topic's reader refused and dead-lettered), is counted up to the hole;
the rest is held back and the partition is read again from the hole. Records still queued from
before that seek are held too, for `patience` seconds; a hole still there after that (records
deleted by retention) is reported and counted over.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

PATIENCE = 30.0  # seconds a hole is read again for before it is taken as gone


@dataclass(frozen=True)
class PartitionPlan:
    """What to do with one partition's messages of a batch (in batch order)."""

    count: int  # the first `count` messages are counted, the rest held back
    counted_through: int | None  # the last offset counted without a hole, after the batch
    seek_to: int | None = None  # a hole starts here: read the partition again from it
    gone: tuple[int, int] | None = None  # a hole (first, last offset) taken as gone


def _none_refused(first: int, last: int) -> bool:
    return False


def plan_partition(offsets: Sequence[int], counted_through: int | None,
                   awaiting: int | None = None, waited: float = 0.0,
                   patience: float = PATIENCE,
                   refused: Callable[[int, int], bool] = _none_refused) -> PartitionPlan:
    """`offsets`: the partition's messages in the batch; `counted_through`: the last offset
    counted before it (None: none yet, any first offset is right); `awaiting`: the offset the
    partition was sought back to `waited` seconds ago, if it was; `refused(first, last)`: every
    offset between was refused by the topic's reader (dead-lettered, no agent sees them)."""
    expected = None if counted_through is None else counted_through + 1
    gone = None
    for index, offset in enumerate(offsets):
        if expected is None or offset == expected or (
                offset > expected and refused(expected, offset - 1)):
            expected = offset + 1
            continue
        if offset < expected:  # delivered again: each count's applied_offset skips it
            continue
        if awaiting == expected and waited >= patience:
            gone = gone or (expected, offset - 1)
            expected = offset + 1
            continue
        if awaiting == expected:  # sought back already: what comes now was queued before
            return PartitionPlan(index, expected - 1)
        return PartitionPlan(index, expected - 1, seek_to=expected)
    return PartitionPlan(len(offsets), None if expected is None else expected - 1, gone=gone)
