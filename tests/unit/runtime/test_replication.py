"""What the app hands Faust for a three-broker cluster: the replication factor of the topics it
creates, their min.insync.replicas, and the producer's acks (no broker: nothing is started)."""

from __future__ import annotations

from dataclasses import replace

import aiokafka
import pytest

from streams.runtime.app import create_app
from streams.settings import Settings

CLUSTER = replace(Settings(), bootstrap="k1:9092,k2:9092,k3:9092", store="memory://",
                  replication_factor=0, min_insync_replicas=0)  # 0: derived again, 3 and 2


@pytest.fixture(scope="module")
def app():
    return create_app(CLUSTER)


def test_faust_creates_its_topics_with_the_replication_factor(app):
    assert app.conf.topic_replication_factor == 3


def test_every_changelog_asks_min_insync_replicas(app):
    changelogs = {name: table.changelog_topic for name, table in app.tables.items()}
    # counts (windows inside), alert state, daily records and the dedupe ledgers
    assert len(changelogs) == 9
    assert {name: topic.config for name, topic in changelogs.items()} == {
        name: {"min.insync.replicas": "2"} for name in changelogs}


def test_the_internal_topic_asks_min_insync_replicas(app):
    internal = {agent.channel.get_topic_name(): agent.channel.config
                for agent in app.agents.values() if agent.channel.internal}
    assert internal == {f"{CLUSTER.app_id}-events-by-subject": {"min.insync.replicas": "2"},
                        f"{CLUSTER.app_id}-events-by-record": {"min.insync.replicas": "2"}}


async def test_the_producer_waits_for_every_in_sync_replica_and_is_idempotent(app, monkeypatch):
    captured = {}

    class Producer(aiokafka.AIOKafkaProducer):
        def __init__(self, **kwargs):
            captured.update(kwargs)
            super().__init__(**kwargs)

    monkeypatch.setattr(aiokafka, "AIOKafkaProducer", Producer)  # the class Faust instantiates
    producer = app.producer._new_producer()  # what Faust's producer service starts
    assert app.conf.producer_acks == -1
    assert captured["acks"] == "all"
    # faust-streaming 0.15.3 turns idempotence on only for exactly_once; the project's producer
    # turns it on always (streams/runtime/idempotent_producer.py)
    assert captured["enable_idempotence"] is True
    assert producer._txn_manager is not None and producer._txn_manager.transactional_id is None
    await producer.stop()  # never started: only closes the client
