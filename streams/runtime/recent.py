"""The last few events and alerts, for `/events/recent`, `/alerts/recent` and the dashboard.

The buffers are in memory and not a table: `streams.runtime.recent_reader` fills them from the
topics themselves (their tail on start, then what arrives), so they hold the same messages on
every worker and again after a restart. Anything that must be complete or durable belongs in a
table or a consumer of its own.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import faust

DEFAULT_KEEP = 500

# Where a message sits in its topic: (Kafka timestamp in ms, partition, offset). Ordering by it
# gives one order across partitions, the same whichever partition is read first.
Position = tuple[int, int, int]


class RecentMessages:
    """The `keep` newest plain-JSON messages of a topic by position, each id once.

    A message whose `id_field` is already held (an event sent again after a crash) keeps only
    its newest copy. What is held depends only on the messages added, not on the order they came
    in, so reading a topic's tail after a restart gives back what following it had given.
    """

    def __init__(self, keep: int = DEFAULT_KEEP, id_field: str | None = None):
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self.keep, self.id_field = keep, id_field
        self._order: list[tuple[Position, str]] = []  # oldest first
        self._held: dict[str, tuple[Position, dict[str, Any]]] = {}

    def add(self, value: Any, at: Position) -> None:
        message = plain(value)
        ident = self._identity(message, at)
        held = self._held.get(ident)
        if held is not None:
            if held[0] >= at:
                return
            self._order.remove((held[0], ident))
        elif len(self._order) >= self.keep and at <= self._order[0][0]:
            return  # older than everything a full buffer holds
        insort(self._order, (at, ident))
        self._held[ident] = (at, message)
        if len(self._order) > self.keep:
            _, dropped = self._order.pop(0)
            del self._held[dropped]

    def latest(self, n: int) -> list[dict[str, Any]]:
        """Up to `n` messages, newest first."""
        n = max(0, min(n, len(self._order)))
        return [self._held[ident][1] for _, ident in reversed(self._order[len(self._order) - n:])]

    def __len__(self) -> int:
        return len(self._order)

    def _identity(self, message: dict[str, Any], at: Position) -> str:
        ident = message.get(self.id_field) if self.id_field else None
        return f"id:{ident}" if ident is not None else f"at:{at[1]}:{at[2]}"


@dataclass(frozen=True)
class Recent:
    """The buffers of one worker: made in `create_app`, filled by the recent reader, read by
    the views."""

    events: RecentMessages = field(default_factory=lambda: RecentMessages(id_field="event_id"))
    alerts: RecentMessages = field(default_factory=lambda: RecentMessages(id_field="id"))


def plain(value: Any) -> dict[str, Any]:
    """A topic value as a plain dict: records (Event, Alert, ...) by their representation."""
    if isinstance(value, faust.Record):
        return dict(value.to_representation())
    if isinstance(value, Mapping):
        return dict(value)
    return {"value": value}
