"""Every message the pipeline put on its public topics for the seed matches the published schema."""

from __future__ import annotations

import pytest

from streams.contract.schemas import validate

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
