"""The topics: names, keys and value types are the public contract with downstream services."""

from __future__ import annotations

from dataclasses import dataclass

import faust

from streams.contract.checked import CheckedSchema, CheckedTopic, Refusals
from streams.contract.inbound import reader
from streams.contract.models import (
    Alert,
    DailyRecord,
    DeadLetter,
    EntityMention,
    Event,
    RecordEvent,
    SubjectEvent,
)
from streams.settings import Settings

ARTICLES, ENTITIES, EVENTS, ALERTS, DEAD_LETTERS, DAILY = (
    "articles",
    "entities",
    "events",
    "alerts",
    "articles.dlq",
    "events.daily",
)
CONTRACT_TOPICS = (ARTICLES, ENTITIES, EVENTS, ALERTS, DEAD_LETTERS, DAILY)
# Broker-side settings a contract topic needs beyond settings.topic_config: events.daily holds
# the newest version of each record, so compaction keeps exactly one per record id.
TOPIC_CONFIGS = {DAILY: {"cleanup.policy": "compact"}}
# The worker's own topics, named like Faust's changelogs (`{app_id}-{name}`): events re-keyed by
# actor code / GeoNames id (alert state) and by events.daily record id.
EVENTS_BY_SUBJECT, EVENTS_BY_RECORD = "events-by-subject", "events-by-record"


def internal_topic(name: str, settings: Settings) -> str:
    """The full name of internal topic `name` (EVENTS_BY_SUBJECT or EVENTS_BY_RECORD)."""
    return f"{settings.app_id}-{name}"


def partitions_for(name: str, settings: Settings) -> int:
    """The streams that scale (articles, entities, events, events.daily) get the wide partition
    count."""
    wide = (ARTICLES, ENTITIES, EVENTS, DAILY)
    return settings.partitions if name in wide else settings.small_partitions


def config_for(name: str, settings: Settings) -> dict[str, str]:
    """The broker-side config `streams topics` asks of contract topic `name`."""
    return {**settings.topic_config, **TOPIC_CONFIGS.get(name, {})}


@dataclass(frozen=True)
class Topics:
    articles: faust.TopicT
    entities: faust.TopicT
    events: faust.TopicT
    alerts: faust.TopicT
    dead_letters: faust.TopicT
    events_by_subject: faust.TopicT  # internal: events re-keyed by actor code / GeoNames id
    daily: faust.TopicT  # events.daily: one record per real-world event, compacted
    events_by_record: faust.TopicT  # internal: events re-keyed by their events.daily record id


def declare_topics(app: faust.App, settings: Settings) -> Topics:
    """Every topic an agent reads is read without failing: `articles` as raw bytes (the agent
    validates them), the derived ones through a reader that refuses what an agent cannot read
    (streams/contract/inbound.py); refused messages are dead-lettered (streams/contract/checked.py)."""
    dead_letters = app.topic(settings.topic(DEAD_LETTERS), partitions=partitions_for(
        DEAD_LETTERS, settings), key_type=str, key_serializer="raw", value_type=DeadLetter)
    refusals = Refusals(dead_letters)

    def checked(name: str, contract: str, value_type, **options) -> faust.TopicT:
        # Keys are plain UTF-8 strings so consumers without Faust can read them.
        schema = CheckedSchema(reader(contract), key_type=str, key_serializer="raw",
                               value_type=value_type, value_serializer="json")
        return CheckedTopic(app, topics=[name], schema=schema, key_serializer="raw",
                            value_serializer="json", refusals=refusals, **options)

    def topic(name: str, value_type) -> faust.TopicT:
        return checked(settings.topic(name), name, value_type,
                       partitions=partitions_for(name, settings))

    return Topics(
        # Articles arrive as raw bytes, the key too: the agent parses them itself so bad input
        # (a key that is not UTF-8 included) can be dead-lettered.
        articles=app.topic(settings.topic(ARTICLES), partitions=partitions_for(ARTICLES, settings),
                           key_type=bytes, key_serializer="raw", value_type=bytes,
                           value_serializer="raw"),
        entities=topic(ENTITIES, EntityMention),
        events=topic(EVENTS, Event),
        alerts=topic(ALERTS, Alert),
        dead_letters=dead_letters,
        # Internal (created before the worker joins, streams/tools/admin.py; Faust declares it
        # too): keyed like `entities`, so the alert state of a subject lives in the partition
        # that sees the subject's events.
        events_by_subject=checked(internal_topic(EVENTS_BY_SUBJECT, settings), EVENTS_BY_SUBJECT,
                                  SubjectEvent, partitions=settings.partitions, internal=True,
                                  config=settings.topic_config),
        daily=topic(DAILY, DailyRecord),
        # Internal, like events-by-subject: keyed by record id, so one partition holds a record.
        events_by_record=checked(internal_topic(EVENTS_BY_RECORD, settings), EVENTS_BY_RECORD,
                                 RecordEvent, partitions=settings.partitions, internal=True,
                                 config=settings.topic_config),
    )
