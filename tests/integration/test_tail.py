"""`streams tail` against the real broker: the seed's events through a filter, and new messages."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from streams.settings import Settings
from streams.tools.admin import create_topics

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def tail_env(settings: Settings) -> dict[str, str]:
    """All `streams tail` needs: the broker and the topic prefix."""
    return {**os.environ, "KAFKA_BOOTSTRAP": settings.bootstrap,
            "STREAMS_TOPIC_PREFIX": settings.topic_prefix, "NO_COLOR": "1"}


def own_topics(bootstrap: str) -> Settings:
    """A topic prefix of this test's own; no worker reads it."""
    return replace(Settings(), bootstrap=bootstrap, topic_prefix=f"it-tail-{uuid.uuid4().hex[:10]}-")


def streams(settings, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streams.cli", *args], cwd=ROOT,
                          env=tail_env(settings), capture_output=True, text=True, timeout=timeout)


def aleppo_fights(article, results) -> list[str]:
    return sorted(e["event_id"] for e in results.events[article["id"]]
                  if (e["location"] or {}).get("name") == "Aleppo" and e["quad_class"] == 4)


def test_a_filter_picks_the_seed_events_at_aleppo_with_quad_class_4(pipeline, seed_results):
    article, results = seed_results
    expected = aleppo_fights(article, results)
    assert len(expected) >= 3
    where = f"article_id={article['id']},location.name=Aleppo,quad_class=4"
    done = streams(pipeline, "tail", "events", "--from-beginning", "--filter", where,
                   "--compact", "--max", str(len(expected)), "--timeout", "60")
    assert done.returncode == 0, done.stderr
    shown = [json.loads(line) for line in done.stdout.splitlines()]
    assert sorted(e["event_id"] for e in shown) == expected
    assert done.stderr.splitlines()[0] == (
        f"tailing {pipeline.topic('events')} ({pipeline.partitions} partitions) from the beginning "
        f"where {where}")


def test_the_pretty_form_has_one_header_per_message_and_nothing_else_matches(pipeline,
                                                                             seed_results):
    article, results = seed_results
    expected = aleppo_fights(article, results)
    where = f"article_id={article['id']},location.name=Aleppo,quad_class=4"
    done = streams(pipeline, "tail", "events", "--from-beginning", "--filter", where,
                   "--timeout", "4")  # reads the whole topic, stops on time
    assert done.returncode == 0, done.stderr
    headers = [line for line in done.stdout.splitlines() if line.startswith("--- ")]
    assert len(headers) == len(expected)
    assert all(h.startswith(f"--- {pipeline.topic('events')} partition=") for h in headers)
    keys = sorted(h.split(" key=")[1].split(" ")[0] for h in headers)
    assert keys == expected  # events are keyed by event id
    assert done.stderr.splitlines()[-1].startswith(f"{len(expected)} shown of ")


async def send(settings, topic: str, values: list[dict]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(settings.topic(topic), orjson.dumps(value),
                                         key=value["id"].encode())
    finally:
        await producer.stop()


def test_without_from_beginning_only_new_messages_are_shown(kafka_bootstrap):
    settings = own_topics(kafka_bootstrap)
    asyncio.run(create_topics(settings))
    asyncio.run(send(settings, "alerts", [{"id": "old", "severity": "critical"}]))
    tail = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "tail", "alerts", "--filter", "severity=critical",
         "--compact", "--max", "2", "--timeout", "60"],
        cwd=ROOT, env=tail_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        ready = tail.stderr.readline()  # printed once the start offsets are fixed
        assert ready == f"tailing {settings.topic('alerts')} (1 partition) from now " \
                        "where severity=critical\n"
        asyncio.run(send(settings, "alerts", [
            {"id": "new-1", "severity": "critical"},
            {"id": "new-2", "severity": "info"},
            {"id": "new-3", "severity": "critical"},
        ]))
        out, err = tail.communicate(timeout=60)
    finally:
        if tail.poll() is None:
            tail.kill()
    assert tail.returncode == 0, err
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["new-1", "new-3"]
    assert err.splitlines()[-1] == "2 shown of 3 read"


def test_a_missing_topic_or_a_bad_filter_is_an_error(kafka_bootstrap):
    settings = own_topics(kafka_bootstrap)  # its topics are never created
    missing = streams(settings, "tail", "events", "--timeout", "5")
    assert (missing.returncode, missing.stderr.strip()) == (
        8, f"streams tail: topic {settings.topic('events')} does not exist on "
           f"{kafka_bootstrap}; create the topics with streams topics (and check "
           "STREAMS_TOPIC_PREFIX)")
    bad = streams(settings, "tail", "events", "--filter", "quad_class>high")
    assert (bad.returncode, bad.stderr.strip()) == (
        2, "streams tail: 'quad_class>high': > needs a number, not 'high'; see streams tail --help")
    unknown = streams(settings, "tail", "event")
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == ("streams tail: 'event' is not a contract topic; name one of "
                                      "articles, entities, events, alerts, articles.dlq, events.daily")
