"""Articles sent without their id as key, as a console producer sends them, on a real worker.

The same three articles go to `articles` twice over: keyed by id (ids `k-...`), and as a console
producer would (ids `u-...`): two without a key, one of them twice, and one keyed by its URL.
The worker sends each unkeyed message again keyed by its id and processes only that copy, so:
the unkeyed articles' mentions equal the keyed ones', the served counts are exactly twice the
extractor's for one set, the article sent twice without a key counts once (its second copy is a
duplicate), `streams_articles_rekeyed_total` counts every re-keyed message, and nothing is
dead-lettered. Each copy on `articles` is the original value and timestamp, keyed by the id, on
the partition the id hashes to. Last, Kafka's own console producer (`ops/kafka produce`) sends
one more article, which is re-keyed and coded like its keyed twin.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections import Counter

import orjson
import pytest
from aiokafka.partitioner import DefaultPartitioner
from bad_inputs import STORY
from probes import (
    SHORT_BODY,
    expected_counts,
    metrics,
    read_all,
    read_records,
    send_raw,
    served_counts,
    settled,
    wait_until,
)
from worker_process import ROOT

from streams.contract.topics import ARTICLES, DEAD_LETTERS
from streams.http import metrics as m
from streams.tools.corpus import read_articles
from streams.tools.results import collect

pytestmark = pytest.mark.integration


def articles(prefix: str) -> list[dict]:
    seed = next(iter(read_articles("seeds")))
    return [{**seed, "id": f"{prefix}seed"},
            {"id": f"{prefix}short", "title": "", "body": SHORT_BODY,
             "url": f"https://example.test/{prefix}short"},
            {"id": f"{prefix}story", "title": "Aleppo", "body": STORY}]


def console_produce(settings, topic: str, lines: list[bytes]) -> None:
    """Send each line to the topic with Kafka's console producer (no key), through `ops/kafka`
    on the test broker's port."""
    host, port = settings.bootstrap.split(",")[0].rsplit(":", 1)
    assert host == "127.0.0.1", "ops/kafka produce talks to 127.0.0.1 only"
    done = subprocess.run([str(ROOT / "ops" / "kafka"), "produce", settings.topic(topic)],
                          input=b"\n".join(lines) + b"\n", env={**os.environ, "KAFKA_PORT": port},
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")


def mention_shape(message: dict) -> tuple:
    return (message["kind"], message["key"], message["field"], message["start"], message["end"],
            message["first_in_article"])


@pytest.fixture(scope="module")
def run(fresh_settings, new_worker):
    settings = fresh_settings("unkeyed")
    new_worker(settings, "unkeyed").start()
    keyed = articles(f"{settings.topic_prefix}k-")
    seed, short, story = articles(f"{settings.topic_prefix}u-")
    now = time.time()
    console = [  # (key, value, timestamp) as a console producer sends them
        (None, orjson.dumps(seed), now),
        (short["url"].encode(), orjson.dumps(short), now + 1),
        (None, orjson.dumps(story), now + 2),
        (None, orjson.dumps(story), now + 3),  # the same message again, as after a redelivery
    ]
    started = time.monotonic()
    asyncio.run(send_raw(settings, [(a["id"].encode(), orjson.dumps(a)) for a in keyed]
                         + console))
    sent, rekeyed = len(keyed) + len(console), len(console)

    def accounted_for():
        samples = metrics(settings)
        out = sum(m.total(samples, name) for name in (
            m.ARTICLES_PROCESSED, m.ARTICLES_DEAD_LETTERED, m.ARTICLES_DUPLICATE,
            m.ARTICLES_REKEYED))
        return samples if m.total(samples, m.ARTICLES_IN) == sent + rekeyed == out else None

    samples = wait_until(accounted_for, f"{sent + rekeyed} articles accounted for", timeout=120)
    settled(settings)
    print(f"\n{sent} messages ({rekeyed} not keyed by id) accounted for in "
          f"{time.monotonic() - started:.1f}s")
    ids = [a["id"] for a in keyed + [seed, short, story]]
    return {"settings": settings, "keyed": keyed, "unkeyed": [seed, short, story],
            "console": console, "samples": samples, "served": served_counts(settings),
            "results": asyncio.run(collect(settings, ids, timeout=60)),
            "articles": asyncio.run(read_records(settings, settings.topic(ARTICLES),
                                                 settings.partitions)),
            "dead_letters": asyncio.run(read_all(settings, DEAD_LETTERS))}


def test_every_message_is_accounted_for_and_each_rekeyed_one_counted(run):
    samples = run["samples"]
    assert m.total(samples, m.ARTICLES_IN) == 7 + 4  # sent, then the four copies
    assert m.total(samples, m.ARTICLES_REKEYED) == 4
    assert m.total(samples, m.ARTICLES_PROCESSED) == 6  # three keyed, three unkeyed ids
    assert m.total(samples, m.ARTICLES_DUPLICATE) == 1  # the second copy of the story
    assert m.total(samples, m.ARTICLES_DEAD_LETTERED) == 0
    assert run["dead_letters"] == []


def test_unkeyed_articles_are_counted_like_keyed_ones(run):
    expected: dict = {}
    for article in run["keyed"]:
        for key, count in expected_counts(article, 2).items():  # keyed and unkeyed copies
            total = expected.setdefault(key, {"mentions": 0, "articles": 0})
            total["mentions"] += count["mentions"]
            total["articles"] += count["articles"]
    assert len(expected) >= 10
    assert run["served"] == expected


def test_each_unkeyed_article_has_the_mentions_of_its_keyed_twin_once(run):
    results = run["results"]
    for keyed, unkeyed in zip(run["keyed"], run["unkeyed"], strict=True):
        twin = Counter(mention_shape(msg) for msg in results.entities[keyed["id"]])
        assert Counter(mention_shape(msg) for msg in results.entities[unkeyed["id"]]) == twin
        assert sum(twin.values()) == results.expected[keyed["id"]][0] > 0
        assert len(results.events[unkeyed["id"]]) == len(results.events[keyed["id"]])


def test_each_copy_is_the_original_keyed_by_id_on_the_ids_partition(run):
    settings, records = run["settings"], run["articles"]
    partitions = list(range(settings.partitions))
    copies = [r for r in records if r.key and r.key.startswith(
        f"{settings.topic_prefix}u-".encode())]
    originals = {(r.value, r.timestamp) for r in records if r not in copies}
    assert len(records) == 7 + 4 and len(copies) == 4
    for record in copies:
        article = orjson.loads(record.value)
        assert record.key == article["id"].encode()
        assert record.partition == DefaultPartitioner()(record.key, partitions, partitions)
        assert (record.value, record.timestamp) in originals  # same bytes, same timestamp
    assert sorted((r.value, r.timestamp) for r in copies) == sorted(
        (value, int(ts * 1000)) for _, value, ts in run["console"])


def test_kafkas_own_console_producer_is_re_keyed_and_coded_like_a_keyed_article(run):
    settings, twin = run["settings"], run["keyed"][2]
    article = {**twin, "id": f"{settings.topic_prefix}console-story"}
    before = metrics(settings)
    console_produce(settings, ARTICLES, [orjson.dumps(article)])

    def moved():
        now = metrics(settings)
        delta = {name: m.total(now, name) - m.total(before, name) for name in (
            m.ARTICLES_IN, m.ARTICLES_REKEYED, m.ARTICLES_PROCESSED, m.ARTICLES_DEAD_LETTERED)}
        return delta if delta[m.ARTICLES_PROCESSED] else None

    assert wait_until(moved, "the console producer's article processed", timeout=60) == {
        m.ARTICLES_IN: 2, m.ARTICLES_REKEYED: 1, m.ARTICLES_PROCESSED: 1,
        m.ARTICLES_DEAD_LETTERED: 0}
    results = asyncio.run(collect(settings, [article["id"], twin["id"]], timeout=60))
    assert Counter(mention_shape(msg) for msg in results.entities[article["id"]]) == Counter(
        mention_shape(msg) for msg in results.entities[twin["id"]])
    sent = [r for r in asyncio.run(read_records(settings, settings.topic(ARTICLES),
                                                settings.partitions))
            if orjson.loads(r.value)["id"] == article["id"]]
    assert sorted((r.key or b"") for r in sent) == [b"", article["id"].encode()]
