"""Topic settings on the real broker: `streams topics` reports an existing topic that differs from
the settings and still creates the missing ones; every topic the pipeline creates (contract,
internal, changelogs) carries min.insync.replicas as a topic-level setting.

The broker is a single one, so the replication factor is 1; the explicit min.insync.replicas=1 is
told from the broker's default by where the broker says the value comes from."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from streams.cli import TOPICS_DIFFER
from streams.loadtest.workers import settings_env
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TOPIC_LEVEL = 1  # DescribeConfigs' config_source of a value set on the topic itself
MIN_INSYNC = "min.insync.replicas"


async def list_topics(bootstrap: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return await admin.list_topics()
    finally:
        await admin.close()


async def describe(bootstrap: str, topics: list[str]) -> dict[str, tuple[int, int, str, int]]:
    """{topic: (partitions, replication factor, min.insync.replicas, where that value comes from)}.
    Only for topics that exist: aiokafka's describe_topics lets the broker auto-create the others."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        shapes = {t["topic"]: t["partitions"] for t in await admin.describe_topics(topics)}
        responses = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic, {MIN_INSYNC: None}) for topic in topics])
        configs = {r["resource_name"]: r["config_entries"][0]
                   for response in responses for r in response.to_object()["resources"]}
    finally:
        await admin.close()
    return {topic: (len(shapes[topic]), len(shapes[topic][0]["replicas"]),
                    configs[topic]["config_value"], configs[topic]["config_source"])
            for topic in topics}


async def create_topic(bootstrap: str, topic: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, partitions, replication_factor=1)])
    finally:
        await admin.close()


def test_streams_topics_reports_a_wrong_partition_count(kafka_bootstrap):
    run = uuid.uuid4().hex[:10]
    settings = replace(Settings(), bootstrap=kafka_bootstrap, app_id=f"it-{run}",
                       topic_prefix=f"it-{run}-")
    # `articles` made by hand, as before this check existed: 2 partitions, no min.insync.replicas
    # of its own (the broker's default, 1, is what a single broker asks).
    asyncio.run(create_topic(kafka_bootstrap, settings.topic("articles"), 2))

    done = subprocess.run([sys.executable, "-m", "streams.cli", "topics"], cwd=ROOT,
                          env=settings_env(settings), capture_output=True, text=True, timeout=120)

    assert (done.returncode, done.stderr) == (
        TOPICS_DIFFER, f"{settings.topic('articles')}: 2 partitions, asked 4\n")
    assert done.stdout.splitlines() == [
        f"{settings.topic('articles')}: exists",
        f"{settings.topic('entities')}: created",
        f"{settings.topic('events')}: created",
        f"{settings.topic('alerts')}: created",
        f"{settings.topic('articles.dlq')}: created",
        f"{settings.topic('events.daily')}: created",  # compacted: test_daily_records.py
    ]
    names = ["articles", "entities", "events", "alerts", "articles.dlq", "events.daily"]
    found = asyncio.run(describe(kafka_bootstrap, [settings.topic(name) for name in names]))
    by_name = {name: found[settings.topic(name)] for name in names}
    broker_default = by_name["articles"][3]
    assert broker_default != TOPIC_LEVEL
    assert by_name == {
        "articles": (2, 1, "1", broker_default),  # left as it was
        "entities": (4, 1, "1", TOPIC_LEVEL),
        "events": (4, 1, "1", TOPIC_LEVEL),
        "alerts": (1, 1, "1", TOPIC_LEVEL),
        "articles.dlq": (1, 1, "1", TOPIC_LEVEL),
        "events.daily": (4, 1, "1", TOPIC_LEVEL),
    }


def test_the_worker_creates_its_topics_with_min_insync_replicas(start_worker, kafka_bootstrap):
    settings = start_worker("replication", store="memory://")
    tables = ["actor_counts", "location_counts", "alert_state", "seen_articles",
              "counted_mentions", "counted_offsets", "counted_subject_events",
              "daily_records", "counted_daily_events"]
    internal = [f"{settings.app_id}-{table}-changelog" for table in tables]
    internal += [f"{settings.app_id}-events-by-subject", f"{settings.app_id}-events-by-record"]

    # made before the worker joins its group (streams/runtime/own_topics.py), so there already
    assert set(internal) - set(asyncio.run(list_topics(kafka_bootstrap))) == set()
    assert asyncio.run(describe(kafka_bootstrap, internal)) == {
        topic: (settings.partitions, 1, "1", TOPIC_LEVEL) for topic in internal}


def test_the_own_topics_exist_and_are_listed_when_the_call_returns(kafka_bootstrap):
    """What the worker makes before Faust starts: every changelog and internal topic of the app,
    shaped as Faust would declare it, listed by the broker when the call returns; a second call
    creates nothing."""
    from streams.runtime.app import create_app
    from streams.runtime.own_topics import own_topics
    from streams.tools.admin import create_listed

    run = uuid.uuid4().hex[:10]
    settings = replace(Settings(), bootstrap=kafka_bootstrap, app_id=f"it-{run}", store="memory://")
    topics = own_topics(create_app(settings))
    names = [topic.name for topic in topics]
    assert len(names) == 11  # 9 changelogs, 2 internal topics

    assert asyncio.run(create_listed(settings, topics)) == names
    found = asyncio.run(describe(kafka_bootstrap, names))
    assert found == {name: (settings.partitions, 1, "1", TOPIC_LEVEL) for name in names}
    assert asyncio.run(create_listed(settings, topics)) == []
