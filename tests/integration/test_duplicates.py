"""Duplicates on a real worker: the same article id is processed once within STREAMS_DEDUPE_TTL.

The time to live is measured in stream time (Kafka record timestamps), so the test sets the
timestamps instead of waiting a day: the default TTL of 24 hours is what runs here.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import orjson
import pytest
from bad_inputs import STORY
from probes import location, metrics, read_all, send_raw, settled, wait_until

from streams.contract.topics import ENTITIES
from streams.http import metrics as m
from streams.tools.corpus import read_articles
from streams.tools.replay import replay
from streams.tools.results import collect

pytestmark = pytest.mark.integration

ALEPPO = "170063"


def counter(settings, name: str) -> float:
    return m.total(metrics(settings), name)


@pytest.fixture(scope="module")
def worker_settings(fresh_settings, new_worker):
    settings = fresh_settings("dedupe")
    new_worker(settings, "dedupe").start()
    return settings


@pytest.fixture(scope="module")
def seed_twice(worker_settings):
    """The seed, then the seed again with the same id (a re-crawl: new sent_at, same id)."""
    settings = worker_settings
    seed = list(read_articles("seeds"))[0]
    asyncio.run(replay([seed], settings))
    first = asyncio.run(collect(settings, [seed["id"]], timeout=120))
    asyncio.run(replay([seed], settings))
    wait_until(lambda: counter(settings, m.ARTICLES_DUPLICATE) == 1, "the duplicate counted")
    settled(settings)
    mentions = Counter(msg["key"] for msg in first.entities[seed["id"]]
                       if msg["kind"] == "location")
    return {"seed": seed, "one_copy": mentions[ALEPPO], "aleppo": location(settings, ALEPPO),
            "samples": metrics(settings),
            "entities": [msg for msg in asyncio.run(read_all(settings, ENTITIES))
                         if msg["article_id"] == seed["id"]]}


def test_the_seed_sent_twice_counts_once(seed_twice):
    assert seed_twice["one_copy"] >= 3
    aleppo = seed_twice["aleppo"]
    assert (aleppo["mentions"], aleppo["articles"]) == (seed_twice["one_copy"], 1)


def test_the_duplicate_is_counted_and_conservation_includes_it(seed_twice):
    samples = seed_twice["samples"]
    assert m.total(samples, m.ARTICLES_IN) == 2
    assert m.total(samples, m.ARTICLES_PROCESSED) == 1
    assert m.total(samples, m.ARTICLES_DUPLICATE) == 1
    assert m.total(samples, m.ARTICLES_DEAD_LETTERED) == 0


def test_the_duplicate_emits_nothing(seed_twice):
    entities = seed_twice["entities"]
    assert len(entities) == entities[0]["article_mentions"]
    assert len({(e["field"], e["start"], e["key"]) for e in entities}) == len(entities)


def test_an_id_seen_again_after_the_ttl_is_processed_again(worker_settings, seed_twice):
    settings = worker_settings
    ttl = settings.dedupe_ttl
    assert ttl == 24 * 3600  # the default
    article_id = f"{settings.topic_prefix}ttl"
    key, value = article_id.encode(), orjson.dumps({"id": article_id, "body": STORY})
    t0 = 1_700_000_000.0  # record timestamps, set by the producer
    before = metrics(settings)
    asyncio.run(send_raw(settings, [(key, value, t0),  # processed
                                    (key, value, t0 + ttl - 1),  # within the TTL: duplicate
                                    (key, value, t0 + ttl + 1),  # after it: processed again
                                    (key, value, t0 + ttl + 2)]))  # duplicate of that one
    wait_until(lambda: counter(settings, m.ARTICLES_IN) - m.total(before, m.ARTICLES_IN) == 4,
               "four more articles in")
    settled(settings)
    after = metrics(settings)
    assert m.total(after, m.ARTICLES_PROCESSED) - m.total(before, m.ARTICLES_PROCESSED) == 2
    assert m.total(after, m.ARTICLES_DUPLICATE) - m.total(before, m.ARTICLES_DUPLICATE) == 2
    entities = [msg for msg in asyncio.run(read_all(settings, ENTITIES))
                if msg["article_id"] == article_id]
    assert len(entities) == 2 * entities[0]["article_mentions"]  # two copies, nothing more
    per_copy = sum(msg["key"] == ALEPPO for msg in entities) // 2
    assert per_copy >= 1
    aleppo = location(settings, ALEPPO)
    assert (aleppo["mentions"], aleppo["articles"]) == (seed_twice["one_copy"] + 2 * per_copy, 3)
