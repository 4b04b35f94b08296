"""The worker's own topics (its tables' changelogs, its internal topics), made before it joins.

Faust declares them itself, just before it subscribes. But a group that forms before the
leader's metadata lists a new topic assigns none of its partitions (Faust's assignor logs
"Ignoring missing topic"), and nothing rebalances until that metadata is refreshed, minutes
later: an internal topic's agents sit idle, and a table whose changelog has no partitions stops
its agent for good (PartitionsMismatch). A fresh broker, still creating `__consumer_offsets`
when the first worker starts, did that to the count agent's `counted_offsets`. Made here from
what the app declares, and listed by the broker, they all exist at the first join.
"""

from __future__ import annotations

import faust
from aiokafka.admin import NewTopic
from mode.utils.times import want_seconds

from streams.runtime.preflight import run_before_faust
from streams.settings import Settings
from streams.tools.admin import create_listed


def own_topics(app: faust.App) -> list[NewTopic]:
    """Every table's changelog and every internal topic an agent reads, shaped as Faust's
    `Topic.declare` would create it."""
    changelogs = [table.changelog_topic for table in app.tables.values()]
    internal = [agent.channel for agent in app.agents.values()
                if getattr(agent.channel, "internal", False)]
    return [_as_new_topic(app, topic) for topic in [*changelogs, *internal]]


def _as_new_topic(app: faust.App, topic: faust.TopicT) -> NewTopic:
    # as faust's aiokafka driver builds it (Producer._topic_config, then the topic's own config)
    config: dict[str, str] = {}
    policy = [flag for flag, on in (("compact", topic.compacting), ("delete", topic.deleting)) if on]
    if policy:
        config["cleanup.policy"] = ",".join(policy)
    if topic.retention:
        config["retention.ms"] = str(int(want_seconds(topic.retention) * 1000.0))
    config.update({key: str(value) for key, value in (topic.config or {}).items()})
    return NewTopic(topic.get_topic_name(), topic.partitions or app.conf.topic_partitions,
                    replication_factor=topic.replicas or app.conf.topic_replication_factor or 1,
                    topic_configs=config)


def create_own_topics(app: faust.App, settings: Settings) -> list[str]:
    """Create the app's own topics that are missing and wait until the broker lists them; the
    names created."""
    return run_before_faust(create_listed(settings, own_topics(app)))
