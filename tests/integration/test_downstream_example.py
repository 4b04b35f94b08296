"""examples/downstream_service.py against the real pipeline: it gets exactly the seed's events
and the alerts the default watch-list raises for them."""

from __future__ import annotations

import asyncio
import importlib.util
import io
import sys
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from streams.contract.schemas import validate
from streams.geo import haversine_km

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def service():
    """The example loaded from its file, as a user would run it (it is not in the package)."""
    spec = importlib.util.spec_from_file_location("downstream_service",
                                                  ROOT / "examples" / "downstream_service.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


# The default rules (streams/data/alert_rules.toml) watch SYRREB and a 25 km circle round Aleppo.
WATCHED_ACTOR, ALEPPO_POINT, RADIUS_KM = "SYRREB", (36.20124, 37.16117), 25.0


def expected_watch_subjects(events: list[dict]) -> set[str]:
    """What the watch-list must alert on for these events, once each (one day, one window)."""
    subjects = set()
    for event in events:
        for side in (event["source"], event["target"]):
            if side and side.get("code") == WATCHED_ACTOR:
                subjects.add(WATCHED_ACTOR)
        place = event["location"]
        if place and haversine_km(*ALEPPO_POINT, place["lat"], place["lon"]) <= RADIUS_KM:
            subjects.add(str(place["geonameid"]))
    return subjects


def seed_alerts(received, article_id: str) -> list[dict]:
    return [m.value for m in received
            if m.topic == "alerts" and article_id in m.value["evidence"]["article_ids"]]


def seed_events(received, article_id: str) -> list[str]:
    return sorted(m.value["event_id"] for m in received
                  if m.topic == "events" and m.value.get("article_id") == article_id)


def test_the_example_is_plain_aiokafka_on_both_public_topics(service):
    source = (ROOT / "examples" / "downstream_service.py").read_text(encoding="utf-8")
    assert "import faust" not in source and "from streams" not in source
    assert service.TOPICS == ("alerts", "events")


def test_the_downstream_service_receives_exactly_the_seed_events(pipeline, seed_results, service):
    article, results = seed_results
    expected = sorted(e["event_id"] for e in results.events[article["id"]])
    assert len(expected) == results.expected[article["id"]][1]  # what the article announced
    group = f"{pipeline.app_id}-downstream"
    out = io.StringIO()

    watched = expected_watch_subjects(results.events[article["id"]])
    assert WATCHED_ACTOR in watched and str(170063) in watched

    def has_all(received) -> bool:
        return (len(seed_events(received, article["id"])) >= len(expected)
                and len(seed_alerts(received, article["id"])) >= len(watched))

    received = asyncio.run(service.run(
        bootstrap=pipeline.bootstrap, prefix=pipeline.topic_prefix, group_id=group,
        from_beginning=True, until=has_all, timeout=120, out=out))
    assert seed_events(received, article["id"]) == expected
    alerts = seed_alerts(received, article["id"])
    assert sorted(str(a["subject"].get("code") or a["subject"]["geonameid"]) for a in alerts) == \
        sorted(watched)
    for alert in alerts:
        assert (alert["rule"], alert["kind"]) == ("watch-syria", "watchlist")
        validate("alerts", alert)
    lines = out.getvalue().splitlines()
    assert lines == [service.describe(m) for m in received]  # one line per message
    fights = [line for line in lines if " -> SYRREB at Aleppo" in line]
    assert fights, lines

    # In a group of its own, it committed what it read: a restart carries on from there.
    committed, ends = asyncio.run(group_offsets(pipeline, group))
    assert len(committed) == pipeline.partitions
    assert committed == ends


async def group_offsets(settings, group: str):
    """The group's committed offsets on `events`, and the topic's end offsets."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap)
    await admin.start()
    await consumer.start()
    try:
        topic = settings.topic("events")
        offsets = await admin.list_consumer_group_offsets(group)
        committed = {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic}
        partitions = [TopicPartition(topic, p) for p in committed]
        ends = {tp.partition: end for tp, end in (await consumer.end_offsets(partitions)).items()}
        return committed, ends
    finally:
        await consumer.stop()
        await admin.close()
