"""`streams topics` without a broker: what it creates, and the one line per setting in which an
existing topic differs. The fake admin answers in the shapes a Kafka 4.3 broker gives aiokafka."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

import streams.tools.admin
from streams.cli import TOPICS_DIFFER, main
from streams.settings import Settings
from streams.tools.admin import TopicShape, differences, ensure_topics

CLUSTER = replace(Settings(), bootstrap="k1:9092,k2:9092,k3:9092", topic_prefix="t-",
                  replication_factor=0, min_insync_replicas=0)  # 0: derived again, 3 and 2


class FakeAdmin:
    """Holds topics as {name: TopicShape}; records what it was asked to create."""

    def __init__(self, topics: dict[str, TopicShape]):
        self.topics = topics
        self.created: list = []

    def __call__(self, **kwargs):  # stands in for the AIOKafkaAdminClient class
        return self

    async def start(self):
        pass

    async def close(self):
        pass

    async def list_topics(self):
        return list(self.topics)

    async def create_topics(self, new_topics):
        self.created += new_topics

    async def describe_topics(self, topics):
        return [{"error_code": 0, "topic": name, "is_internal": False, "partitions": [
            {"error_code": 0, "partition": p, "leader": 1,
             "replicas": list(range(1, self.topics[name].replication_factor + 1)), "isr": [1],
             "offline_replicas": []}
            for p in range(self.topics[name].partitions)]} for name in topics]

    async def describe_configs(self, resources):
        entries = [{"resource_name": r.name, "error_code": 0, "config_entries": [
            {"config_names": key, "config_value": self.topics[r.name].config[key]}
            for key in r.configs if key in self.topics[r.name].config]} for r in resources]
        return [SimpleNamespace(to_object=lambda: {"resources": entries})]


@pytest.fixture()
def admin(monkeypatch):
    def install(topics: dict[str, TopicShape]) -> FakeAdmin:
        fake = FakeAdmin(topics)
        monkeypatch.setattr(streams.tools.admin, "AIOKafkaAdminClient", fake)
        return fake

    return install


def as_asked(partitions: int) -> TopicShape:
    return TopicShape(partitions, 3, {"min.insync.replicas": "2"})


def test_a_topic_as_asked_has_no_differences():
    assert differences("articles", as_asked(4), as_asked(4)) == []


def test_one_line_per_difference():
    found = TopicShape(2, 1, {"min.insync.replicas": "1"})
    assert differences("articles", as_asked(4), found) == [
        "articles: 2 partitions, asked 4",
        "articles: replication factor 1, asked 3",
        "articles: min.insync.replicas=1, asked 2",
    ]


def test_a_config_the_broker_does_not_report_is_unset():
    asked = TopicShape(1, 1, {"cleanup.policy": "compact"})
    assert differences("alerts", asked, TopicShape(1, 1)) == [
        "alerts: cleanup.policy=unset, asked compact"]


async def test_missing_topics_are_created_with_replication_and_min_insync(admin):
    fake = admin({})
    report = await ensure_topics(CLUSTER)
    assert report.states == {f"t-{name}": "created" for name in
                             ("articles", "entities", "events", "alerts", "articles.dlq",
                              "events.daily")}
    assert report.differences == []
    assert [(t.name, t.num_partitions, t.replication_factor, t.topic_configs)
            for t in fake.created] == [
        ("t-articles", 4, 3, {"min.insync.replicas": "2"}),
        ("t-entities", 4, 3, {"min.insync.replicas": "2"}),
        ("t-events", 4, 3, {"min.insync.replicas": "2"}),
        ("t-alerts", 1, 3, {"min.insync.replicas": "2"}),
        ("t-articles.dlq", 1, 3, {"min.insync.replicas": "2"}),
        ("t-events.daily", 4, 3, {"min.insync.replicas": "2", "cleanup.policy": "compact"}),
    ]


async def test_existing_topics_are_compared_and_the_missing_still_created(admin):
    fake = admin({
        "t-articles": TopicShape(2, 3, {"min.insync.replicas": "2"}),
        "t-events": TopicShape(4, 1, {"min.insync.replicas": "1"}),
        "t-alerts": TopicShape(1, 3, {"min.insync.replicas": "2"}),
    })
    report = await ensure_topics(CLUSTER)
    assert report.states == {"t-articles": "exists", "t-entities": "created", "t-events": "exists",
                             "t-alerts": "exists", "t-articles.dlq": "created",
                             "t-events.daily": "created"}
    assert report.differences == [
        "t-articles: 2 partitions, asked 4",
        "t-events: replication factor 1, asked 3",
        "t-events: min.insync.replicas=1, asked 2",
    ]
    assert [t.name for t in fake.created] == ["t-entities", "t-articles.dlq", "t-events.daily"]


def test_streams_topics_prints_the_differences_and_exits_with_their_status(admin, monkeypatch,
                                                                             capsys):
    for name, value in CLUSTER.to_env().items():
        monkeypatch.setenv(name, value)
    admin({"t-articles": TopicShape(2, 3, {"min.insync.replicas": "2"})})
    assert main(["topics"]) == TOPICS_DIFFER == 3
    captured = capsys.readouterr()
    assert captured.out == ("t-articles: exists\nt-entities: created\nt-events: created\n"
                            "t-alerts: created\nt-articles.dlq: created\n"
                            "t-events.daily: created\n")
    assert captured.err == "t-articles: 2 partitions, asked 4\n"


def test_streams_topics_exits_0_when_every_topic_is_as_asked(admin, monkeypatch, capsys):
    for name, value in CLUSTER.to_env().items():
        monkeypatch.setenv(name, value)
    admin({"t-articles": as_asked(4), "t-alerts": TopicShape(1, 3, {"min.insync.replicas": "2"})})
    assert main(["topics"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[:2] == ["t-articles: exists", "t-entities: created"]
    assert captured.err == ""


async def test_an_events_daily_topic_that_is_not_compacted_is_reported(admin):
    # A broker that auto-created events.daily (a worker started before `streams topics`) gave
    # it the default cleanup.policy=delete: the records would expire instead of compacting.
    admin({"t-events.daily": TopicShape(4, 3, {"min.insync.replicas": "2",
                                               "cleanup.policy": "delete"})})
    report = await ensure_topics(CLUSTER)
    assert report.differences == ["t-events.daily: cleanup.policy=delete, asked compact"]
