"""Read back what the stream made of some articles: their entities and events, and the counts.

Used by the demo and by the integration tests to wait for processing without a fixed sleep:
every entity and event message says how many mentions and events its article produced.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer

from streams.contract.topics import ENTITIES, EVENTS
from streams.settings import Settings


@dataclass
class ArticleResults:
    entities: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    events: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    expected: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, topic_kind: str, message: dict[str, Any]) -> None:
        article_id = message["article_id"]
        target = self.entities if topic_kind == ENTITIES else self.events
        target[article_id].append(message)
        self.expected[article_id] = (message["article_mentions"], message["article_events"])

    def complete(self, article_ids) -> bool:
        return all(
            article_id in self.expected
            and len(self.entities[article_id]) >= self.expected[article_id][0]
            and len(self.events[article_id]) >= self.expected[article_id][1]
            for article_id in article_ids
        )


async def collect(settings: Settings, article_ids, timeout: float = 120.0) -> ArticleResults:
    """Consume `entities` and `events` from the beginning until all of `article_ids` are in."""
    wanted = set(article_ids)
    topics = {settings.topic(ENTITIES): ENTITIES, settings.topic(EVENTS): EVENTS}
    # No consumer group: every partition from the start, and no group coordinator to wait for
    # (on a fresh broker it is not there yet, and aiokafka logs each try as a warning).
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level="read_committed",
        **settings.security,
    )
    results = ArticleResults()
    deadline = time.monotonic() + timeout
    try:
        await consumer.start()  # inside: a consumer that could not start is closed too
        while not results.complete(wanted):
            if time.monotonic() > deadline:
                missing = sorted(a for a in wanted if not results.complete([a]))
                raise TimeoutError(f"no complete results after {timeout:.0f}s for {missing[:5]}")
            batches = await consumer.getmany(timeout_ms=500)
            for partition, records in batches.items():
                for record in records:
                    message = orjson.loads(record.value)
                    if message.get("article_id") in wanted:
                        results.add(topics[partition.topic], message)
    finally:
        await consumer.stop()
    return results


async def wait_for_count(fetch, expected: int, timeout: float = 60.0) -> int:
    """Poll `fetch()` (an awaitable count) until it reaches `expected`; returns the last count."""
    deadline = time.monotonic() + timeout
    count = await fetch()
    while count < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        count = await fetch()
    return count
