"""The topics: names, keys and value types are the public contract with downstream services."""

from __future__ import annotations

from dataclasses import dataclass

import faust

from streams.contract.models import Alert, DeadLetter, EntityMention, Event, SubjectEvent
from streams.settings import Settings

ARTICLES, ENTITIES, EVENTS, ALERTS, DEAD_LETTERS = (
    "articles",
    "entities",
    "events",
    "alerts",
    "articles.dlq",
)
CONTRACT_TOPICS = (ARTICLES, ENTITIES, EVENTS, ALERTS, DEAD_LETTERS)


def partitions_for(name: str, settings: Settings) -> int:
    """The streams that scale (articles, entities, events) get the wide partition count."""
    return settings.partitions if name in (ARTICLES, ENTITIES, EVENTS) else settings.small_partitions


@dataclass(frozen=True)
class Topics:
    articles: faust.TopicT
    entities: faust.TopicT
    events: faust.TopicT
    alerts: faust.TopicT
    dead_letters: faust.TopicT
    events_by_subject: faust.TopicT  # internal: events re-keyed by actor code / GeoNames id


def declare_topics(app: faust.App, settings: Settings) -> Topics:
    def topic(name: str, **options) -> faust.TopicT:
        # Keys are plain UTF-8 strings so consumers without Faust can read them.
        return app.topic(
            settings.topic(name),
            partitions=partitions_for(name, settings),
            key_type=str,
            key_serializer="raw",
            **options,
        )

    return Topics(
        # Articles arrive as raw bytes: the agent parses them itself so bad input can be dead-lettered.
        articles=topic(ARTICLES, value_type=bytes, value_serializer="raw"),
        entities=topic(ENTITIES, value_type=EntityMention),
        events=topic(EVENTS, value_type=Event),
        alerts=topic(ALERTS, value_type=Alert),
        dead_letters=topic(DEAD_LETTERS, value_type=DeadLetter),
        # Internal (Faust creates it, named like its changelogs): keyed like `entities`, so the
        # alert state of a subject lives in the partition that sees the subject's events.
        events_by_subject=app.topic(
            f"{settings.app_id}-events-by-subject", partitions=settings.partitions,
            key_type=str, key_serializer="raw", value_type=SubjectEvent, internal=True),
    )
