"""The worker's own topics as it creates them before joining: every changelog and internal
topic the app declares, shaped as Faust's own declaration would shape it (no broker)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from streams.runtime.app import create_app
from streams.runtime.own_topics import own_topics
from streams.settings import Settings

SETTINGS = replace(Settings(), app_id="own", store="memory://", partitions=6)


@pytest.fixture(scope="module")
def topics():
    return {topic.name: topic for topic in own_topics(create_app(SETTINGS))}


def test_every_table_changelog_and_internal_topic_is_there(topics):
    app = create_app(SETTINGS)
    changelogs = {f"own-{name}-changelog" for name in app.tables}
    assert len(changelogs) == 9
    assert set(topics) == changelogs | {"own-events-by-subject", "own-events-by-record"}


def test_a_changelog_is_compacted_and_partitioned_as_its_table(topics):
    counts = topics["own-actor_counts-changelog"]
    assert (counts.num_partitions, counts.replication_factor) == (6, 1)
    assert counts.topic_configs == {"cleanup.policy": "compact", "min.insync.replicas": "1"}


def test_an_internal_topic_keeps_the_default_cleanup(topics):
    assert topics["own-events-by-subject"].topic_configs == {"min.insync.replicas": "1"}
    assert topics["own-events-by-subject"].num_partitions == 6
