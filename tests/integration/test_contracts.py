"""Every message the pipeline put on its public topics for the seed matches the published schema."""

from __future__ import annotations

import asyncio

import pytest
from probes import read_all, wait_until

from streams.contract.schemas import validate
from streams.contract.topics import DAILY

pytestmark = pytest.mark.integration


def test_the_seed_article_and_its_entities_and_events_match_their_schemas(seed_results):
    article, results = seed_results
    validate("articles", article)
    entities, events = results.entities[article["id"]], results.events[article["id"]]
    assert len(entities) == results.expected[article["id"]][0]
    assert len(events) == results.expected[article["id"]][1]
    for message in entities:
        validate("entities", message)
    for message in events:
        validate("events", message)


def test_the_seed_events_daily_records_match_their_schema(pipeline, seed_results):
    article, results = seed_results
    seed_ids = {event["event_id"] for event in results.events[article["id"]]}

    def merged() -> list[dict]:  # the daily agents follow the events a little behind
        messages = asyncio.run(read_all(pipeline, DAILY))
        newest = {m["_key"]: m for m in messages}
        covered = {eid for m in newest.values() for eid in m["event_ids"]}
        return messages if seed_ids <= covered else []

    messages = wait_until(merged, "the seed's events in events.daily", timeout=60)
    for message in messages:
        validate("events.daily", {k: v for k, v in message.items() if not k.startswith("_")})
