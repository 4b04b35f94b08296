"""Create the contract topics explicitly, with partition counts from the settings."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from streams.contract.topics import CONTRACT_TOPICS, partitions_for
from streams.settings import Settings


async def create_topics(settings: Settings) -> dict[str, str]:
    """Create every contract topic that is missing; returns {topic: "created" | "exists"}."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **settings.security)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(settings.topic(name), partitions_for(name, settings), replication_factor=1)
            for name in CONTRACT_TOPICS
            if settings.topic(name) not in existing
        ]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:  # another process won the race: that is fine
                pass
        created = {topic.name for topic in wanted}
        return {
            settings.topic(name): "created" if settings.topic(name) in created else "exists"
            for name in CONTRACT_TOPICS
        }
    finally:
        await admin.close()
