"""Which fetched record the consumer hands to the streams: in order, once, across seeks.

Pure bookkeeping for `streams.runtime.ordered_consumer.OrderedConsumer` (why it exists:
docs/decisions/ordered-consumer.md). Per partition it keeps the next offset to deliver, set by
every seek and advanced by every delivery, and an epoch that every seek bumps; a fetch notes the
epochs it started from. While a seek is under way (from `seeking` to `sought` or `seek_ended`)
nothing of the partition is delivered.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from enum import Enum


class Verdict(Enum):
    DELIVER = "deliver"
    DUPLICATE = "duplicate"  # below the next offset: delivered already; drop it
    STALE = "stale"  # fetched before the partition's last seek: drop it, seek back to next
    SEEKING = "seeking"  # its partition's seek is under way: drop it, the seek decides what next
    REWIND = "rewind"  # offsets skipped: drop it, seek back to next once to fetch them
    HOLE = "hole"  # still skipped after seeking back: a real hole (transaction markers)


class DeliveryOrder:
    def __init__(self) -> None:
        self.next_offset: dict[Hashable, int | None] = {}
        self._epoch: dict[Hashable, int] = {}
        self._fetch_epoch: dict[Hashable, int] = {}
        self._rewound: dict[Hashable, int] = {}  # partition -> the offset it was sought back to
        self._seeking: set[Hashable] = set()  # partitions between `seeking` and `sought`

    def seeking(self, tps: Iterable[Hashable]) -> None:
        """A seek of these partitions starts: records fetched until now are stale, and none is
        delivered until `sought` tells where reading resumes."""
        for tp in tps:
            self._new_epoch(tp)
            self._seeking.add(tp)

    def is_seeking(self, tp: Hashable) -> bool:
        return tp in self._seeking

    def sought(self, tp: Hashable, offset: int | None) -> None:
        """The partition was sought to `offset` (None: unknown, take the next record)."""
        self._new_epoch(tp)
        self.next_offset[tp] = offset if offset is not None and offset >= 0 else None
        self._rewound.pop(tp, None)

    def seek_ended(self, offsets: Mapping[Hashable, int | None]) -> None:
        """The seek begun by `seeking` is over, even if it failed or was cancelled: partitions
        still seeking expect these offsets."""
        for tp, offset in offsets.items():
            if tp in self._seeking:
                self.sought(tp, offset)

    def forget(self, tps: Iterable[Hashable]) -> None:
        """Partitions revoked or newly assigned: nothing is known until their next seek."""
        for tp in tps:
            self._new_epoch(tp)
            self.next_offset.pop(tp, None)
            self._rewound.pop(tp, None)

    def _new_epoch(self, tp: Hashable) -> None:
        self._epoch[tp] = self._epoch.get(tp, 0) + 1
        self._seeking.discard(tp)

    def fetch_starts(self) -> None:
        self._fetch_epoch = dict(self._epoch)

    def verdict(self, tp: Hashable, offset: int, holes_allowed: bool) -> Verdict:
        """What to do with a record of the current fetch. `holes_allowed`: offsets may be
        missing without harm (compacted changelogs); otherwise a skipped offset is fetched again
        once before it is taken for a real hole."""
        if tp in self._seeking or tp not in self.next_offset:  # no seek yet: the next decides
            return Verdict.SEEKING
        if self._epoch.get(tp, 0) != self._fetch_epoch.get(tp, 0):
            return Verdict.STALE
        expected = self.next_offset.get(tp)
        if expected is None or offset == expected:
            return Verdict.DELIVER
        if offset < expected:
            return Verdict.DUPLICATE
        if holes_allowed:
            return Verdict.DELIVER
        if self._rewound.get(tp) == expected:
            return Verdict.HOLE
        return Verdict.REWIND

    def rewound(self, tp: Hashable) -> None:
        """The partition was sought back to its next offset after a REWIND verdict."""
        expected = self.next_offset.get(tp)
        if expected is not None:
            self._rewound[tp] = expected

    def delivering(self, tp: Hashable, offset: int) -> None:
        self.next_offset[tp] = offset + 1
        self._rewound.pop(tp, None)

    def undelivered(self, tp: Hashable, offset: int) -> bool:
        """The record at `offset` did not reach the streams (a rebalance suspended the flow).
        True when it must be fetched again: no seek has moved the partition since."""
        if self.next_offset.get(tp) != offset + 1:
            return False
        self.next_offset[tp] = offset
        return True
