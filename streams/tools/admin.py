"""Create the contract topics explicitly, and tell which existing ones differ from the settings;
create the worker's own topics before it joins its group."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from streams.contract.topics import (
    CONTRACT_TOPICS,
    config_for,
    partitions_for,
)
from streams.settings import Settings

log = logging.getLogger(__name__)
LISTED_TIMEOUT = 10.0  # seconds to wait for the broker's metadata to list a created topic


@dataclass(frozen=True)
class TopicShape:
    """What `streams topics` asks of a topic, or what the broker has."""

    partitions: int
    replication_factor: int
    config: dict[str, str] = field(default_factory=dict)  # only the keys the settings ask


def asked_shape(name: str, settings: Settings) -> TopicShape:
    """The shape of contract topic `name`. Every key of `config` is also checked on topics that
    exist already (events.daily's cleanup.policy is compared like min.insync.replicas)."""
    return TopicShape(partitions_for(name, settings), settings.replication_factor,
                      config_for(name, settings))


def differences(topic: str, asked: TopicShape, found: TopicShape) -> list[str]:
    """One line per setting in which an existing topic differs from what is asked."""
    lines = []
    if found.partitions != asked.partitions:
        lines.append(f"{topic}: {found.partitions} partitions, asked {asked.partitions}")
    if found.replication_factor != asked.replication_factor:
        lines.append(f"{topic}: replication factor {found.replication_factor}, "
                     f"asked {asked.replication_factor}")
    for key, value in asked.config.items():
        if found.config.get(key) != value:
            lines.append(f"{topic}: {key}={found.config.get(key, 'unset')}, asked {value}")
    return lines


@dataclass(frozen=True)
class TopicsReport:
    states: dict[str, str]  # topic -> "created" | "exists", in contract order
    differences: list[str]  # lines from `differences` for the topics that existed already


async def create_topics(settings: Settings) -> dict[str, str]:
    """Create every contract topic that is missing; returns {topic: "created" | "exists"}."""
    async with _admin(settings) as admin:
        return await _create_missing(admin, settings)


async def ensure_topics(settings: Settings) -> TopicsReport:
    """`create_topics`, then compare the topics that existed with what the settings ask."""
    async with _admin(settings) as admin:
        states = await _create_missing(admin, settings)
        asked = {settings.topic(name): asked_shape(name, settings) for name in CONTRACT_TOPICS
                 if states[settings.topic(name)] == "exists"}
        found = await _describe(admin, asked)
        lines = [line for topic in asked for line in differences(topic, asked[topic], found[topic])]
        return TopicsReport(states, lines)


async def create_listed(settings: Settings, topics: list[NewTopic],
                        timeout: float = LISTED_TIMEOUT) -> list[str]:
    """Create those of `topics` that are missing and wait until the broker's metadata lists
    their partitions; returns the names created. For the worker's own topics, which must exist
    before it joins its group (streams/runtime/own_topics.py)."""
    async with _admin(settings) as admin:
        created = await _create_absent(admin, topics)
        if created:
            await _wait_listed(admin, [topic.name for topic in topics], timeout)
    return [topic.name for topic in topics if topic.name in created]


async def _wait_listed(admin: AIOKafkaAdminClient, names: list[str], timeout: float) -> None:
    """Poll the metadata until every topic in `names` has partitions; past `timeout`, a warning
    (Faust declares them again and a later rebalance picks them up)."""
    deadline = time.monotonic() + timeout
    while True:
        # the topics exist by now, so describing them cannot auto-create one (see _describe)
        missing = [t["topic"] for t in await admin.describe_topics(names) if not t["partitions"]]
        if not missing:
            return
        if time.monotonic() >= deadline:
            log.warning("topics %s not listed by the broker after %.0f s", missing, timeout)
            return
        await asyncio.sleep(0.2)


@asynccontextmanager
async def _admin(settings: Settings) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **settings.security)
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


async def _create_missing(admin: AIOKafkaAdminClient, settings: Settings) -> dict[str, str]:
    created = await _create_absent(admin, [
        NewTopic(settings.topic(name), partitions_for(name, settings),
                 replication_factor=settings.replication_factor,
                 topic_configs=config_for(name, settings))
        for name in CONTRACT_TOPICS])
    return {
        settings.topic(name): "created" if settings.topic(name) in created else "exists"
        for name in CONTRACT_TOPICS
    }


async def _create_absent(admin: AIOKafkaAdminClient, topics: list[NewTopic]) -> set[str]:
    """Create those of `topics` the broker does not list; the names it was asked to create."""
    existing = set(await admin.list_topics())
    wanted = [topic for topic in topics if topic.name not in existing]
    if wanted:
        try:
            await admin.create_topics(wanted)
        except TopicAlreadyExistsError:  # another process won the race: that is fine
            pass
    return {topic.name for topic in wanted}


async def _describe(admin: AIOKafkaAdminClient, asked: dict[str, TopicShape]) -> dict[str, TopicShape]:
    """The broker's shape of each topic in `asked`, with the (effective) values of its config keys.
    Only for topics that exist: aiokafka's describe_topics lets the broker auto-create the others."""
    if not asked:
        return {}
    metadata = {t["topic"]: t["partitions"] for t in await admin.describe_topics(list(asked))}
    resources = [ConfigResource(ConfigResourceType.TOPIC, topic, dict.fromkeys(shape.config))
                 for topic, shape in asked.items()]
    configs: dict[str, dict[str, str]] = {}
    for response in await admin.describe_configs(resources):
        for resource in response.to_object()["resources"]:
            configs[resource["resource_name"]] = {
                entry["config_names"]: entry["config_value"] for entry in resource["config_entries"]}
    return {
        topic: TopicShape(
            partitions=len(metadata[topic]),
            # The fewest copies any partition has: that is what a broker failure can cost.
            replication_factor=min((len(p["replicas"]) for p in metadata[topic]), default=0),
            config=configs.get(topic, {}),
        )
        for topic in asked
    }
