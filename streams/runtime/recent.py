"""The last few events and alerts a worker has seen, for `/events/recent` and `/alerts/recent`.

These buffers are per worker, in memory, and not a table: each worker holds what arrived on the
partitions assigned to it, and they start empty again on restart (until the agents re-read the
topic from the group's committed offsets). They feed the dashboard and quick looks; anything
that must be complete or durable belongs in a table or a consumer of its own.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import faust

from streams.contract.topics import Topics

DEFAULT_KEEP = 500


class RecentMessages:
    """A bounded buffer of plain-JSON messages: adding past `keep` drops the oldest."""

    def __init__(self, keep: int = DEFAULT_KEEP):
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self.keep = keep
        self._items: deque[dict[str, Any]] = deque(maxlen=keep)

    def add(self, value: Any) -> None:
        self._items.append(plain(value))

    def latest(self, n: int) -> list[dict[str, Any]]:
        """Up to `n` messages, newest first."""
        n = max(0, min(n, len(self._items)))
        return [self._items[-1 - i] for i in range(n)]

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class Recent:
    """The buffers of one worker: made in `create_app`, shared by the agents and the views."""

    events: RecentMessages = field(default_factory=RecentMessages)
    alerts: RecentMessages = field(default_factory=RecentMessages)


def plain(value: Any) -> dict[str, Any]:
    """A topic value as a plain dict: records (Event, Alert, ...) by their representation."""
    if isinstance(value, faust.Record):
        return dict(value.to_representation())
    if isinstance(value, Mapping):
        return dict(value)
    return {"value": value}


def register_recent_agents(app: faust.App, topics: Topics, recent: Recent) -> None:
    @app.agent(topics.events, name="recent_events")
    async def remember_events(stream):
        """events -> this worker's recent-events buffer (read-only: sends nothing)."""
        async for event in stream:
            recent.events.add(event)

    @app.agent(topics.alerts, name="recent_alerts")
    async def remember_alerts(stream):
        """alerts -> this worker's recent-alerts buffer (read-only: sends nothing)."""
        async for alert in stream:
            recent.alerts.add(alert)
