"""`streams sink` on the real broker, into a real DuckDB file and a real PostgreSQL database:
killed with SIGKILL at a random point and started again, it leaves each id exactly once.

The topics get 2,000 events (200 of them sent twice, as a re-processed article re-sends them),
1,000 entity mentions, a few alerts and three bad messages; `events.daily` is not created, as on
a pipeline without its worker (the last test creates it while the sink runs). The sink writes
batches of 100 messages, so the kill lands between transactions or inside one.
"""

from __future__ import annotations

import asyncio
import random
import re
import signal
import time
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from sink_data import synthetic
from sink_process import SinkProcess, rows_now, wait_for_rows

from streams.contract.topics import DAILY
from streams.settings import Settings
from streams.sink.rows import mention_id
from streams.sink.store import open_store

pytestmark = pytest.mark.integration

ARTICLES = 500  # x 4 events
REDELIVERED = 200
BAD = [b"{not json", b"[]", orjson.dumps({"article_id": "no-event-id"})]


async def produce(settings: Settings, data: dict[str, list[dict]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap, acks="all",
                                enable_idempotence=True, linger_ms=20)
    await producer.start()
    try:
        sends = []
        for value in data["events"] + data["events"][:REDELIVERED]:
            sends.append(await producer.send(settings.topic("events"), orjson.dumps(value),
                                             key=value["event_id"].encode()))
        for value in data["entities"]:
            sends.append(await producer.send(settings.topic("entities"), orjson.dumps(value),
                                             key=value["key"].encode()))
        for value in data["alerts"]:
            sends.append(await producer.send(settings.topic("alerts"), orjson.dumps(value),
                                             key=value["id"].encode()))
        for raw in BAD:
            sends.append(await producer.send(settings.topic("events"), raw, key=b"bad"))
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


async def drop_daily(settings: Settings) -> None:
    """Deletes the topic set's `events.daily` (created with the contract topics): these tests
    start as a pipeline whose worker has not written it yet."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **settings.security)
    await admin.start()
    try:
        await admin.delete_topics([settings.topic(DAILY)])
        deadline = time.monotonic() + 30
        while settings.topic(DAILY) in await admin.list_topics():
            assert time.monotonic() < deadline, "events.daily was not deleted"
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


@pytest.fixture(scope="module")
def sink_topics(fresh_settings):
    """A topic set with the messages on it, and the distinct ids of each table."""
    settings = fresh_settings("sink")
    asyncio.run(drop_daily(settings))
    data = synthetic(ARTICLES, seed=11)
    asyncio.run(produce(settings, data))
    expected = {
        "events": {v["event_id"] for v in data["events"]},
        "entities": {mention_id(v["article_id"], v["field"], v["start"], v["end"], v["kind"])
                     for v in data["entities"]},
        "alerts": {v["id"] for v in data["alerts"]},
    }
    sent = {"events": len(data["events"]) + REDELIVERED + len(BAD),
            "entities": len(data["entities"]), "alerts": len(data["alerts"])}
    return settings, expected, sent


def check_exactly_once(url: str, settings: Settings, expected: dict, sent: dict) -> None:
    with open_store(url) as store:
        assert {r[0] for r in store.fetch("SELECT event_id FROM events")} == expected["events"]
        assert store.count("events") == len(expected["events"])
        assert {r[0] for r in store.fetch("SELECT mention_id FROM entities")} == expected["entities"]
        assert store.count("entities") == len(expected["entities"])
        assert {r[0] for r in store.fetch("SELECT id FROM alerts")} == expected["alerts"]
        assert store.count("alerts") == len(expected["alerts"])
        assert sorted(r[0] for r in store.fetch("SELECT reason FROM sink_rejected")) == [
            "invalid_json", "missing_id", "not_an_object"]
        offsets = store.stored_offsets()
    for name in ("events", "entities", "alerts"):  # every message read, none beyond
        assert sum(o for (topic, _), o in offsets.items()
                   if topic == settings.topic(name)) == sent[name]
    assert not any(topic == settings.topic("events.daily") for topic, _ in offsets)


def kill_and_resume(settings: Settings, url: str, tmp_path: Path, expected, sent) -> None:
    sink = SinkProcess(settings, url, tmp_path / "sink.log")
    total = sum(len(ids) for name, ids in expected.items() if name != "alerts")
    first = sink.start()
    sink.wait_for("assigned", first)
    if url.startswith("postgresql"):  # readable while the sink writes: kill past a random count
        wait_for_rows(url, random.randrange(1, total // 2))
    else:  # DuckDB locks its file against other processes: kill at a random time after the
        # first batch grew its write-ahead log (the schema was written there before "assigned")
        wal = Path(url[len("duckdb:///"):] + ".wal")
        schema_only = wal.stat().st_size if wal.exists() else 0
        deadline = time.monotonic() + 30
        while (wal.stat().st_size if wal.exists() else 0) <= schema_only and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(random.uniform(0.0, 0.3))
    first.kill()  # SIGKILL: no clean stop, a transaction may be open
    first.wait()
    at_kill = rows_now(url)
    print(f"\nkilled with {at_kill} of {total} event and entity rows written")
    assert at_kill > 0
    if url.startswith("postgresql"):
        assert at_kill < total
    second = sink.start("--until-idle", "3")
    assert second.wait(timeout=60) == 0, sink.log()[-3000:]
    assert "events.daily is not on the broker yet" in sink.log()
    summary = sink.log().strip().splitlines()[-1]
    assert summary.startswith("sink: ") and "rejected" in summary
    check_exactly_once(url, settings, expected, sent)


@pytest.mark.crash
def test_sink_killed_and_restarted_into_duckdb(sink_topics, tmp_path):
    settings, expected, sent = sink_topics
    kill_and_resume(settings, f"duckdb:///{tmp_path / 'events.duckdb'}", tmp_path, expected, sent)


@pytest.mark.crash
def test_sink_killed_and_restarted_into_postgresql(sink_topics, postgres_url, tmp_path):
    settings, expected, sent = sink_topics
    kill_and_resume(settings, postgres_url, tmp_path, expected, sent)


def test_sigterm_stops_the_sink_cleanly_after_its_batch(sink_topics, tmp_path):
    settings, expected, sent = sink_topics
    url = f"duckdb:///{tmp_path / 'events.duckdb'}"
    sink = SinkProcess(settings, url, tmp_path / "sink.log")
    running = sink.start()
    sink.wait_for("assigned", running)
    time.sleep(random.uniform(0.0, 0.5))
    running.send_signal(signal.SIGTERM)
    assert running.wait(timeout=15) == 0, sink.log()[-3000:]
    assert sink.log().strip().splitlines()[-1].startswith("sink: ")
    assert rows_now(url) <= sum(len(ids) for ids in expected.values())
    finish = sink.start("--until-idle", "3")
    assert finish.wait(timeout=60) == 0, sink.log()[-3000:]
    check_exactly_once(url, settings, expected, sent)


def daily_record(n: int, version: int) -> dict:
    """Version `version` of record n, as the events.daily worker republishes it."""
    record_id = f"2026-11-{1 + n % 28:02d}|SYRMIL|SYRREB|19{n // 28}"
    return {"record_id": record_id, "global_event_id": 1000 + n, "event_date": record_id[:10],
            "source": {"code": "SYRMIL", "text": "army"}, "target": {"code": "SYRREB", "text": "rebels"},
            "cameo_code": f"19{n // 28}", "cameo_root": "19", "quad_class": 4, "goldstein": -10.0,
            "plover_event": "FIGHT", "location": None, "first_seen": f"{record_id[:10]}T00:00:00Z",
            "last_seen": f"{record_id[:10]}T0{version}:00:00Z", "num_mentions": version,
            "num_articles": version, "num_sources": 1, "event_ids": [f"a{n}:{v}" for v in range(version)],
            "source_url": None, "schema_version": 1}


def test_events_daily_is_read_once_it_appears_and_its_latest_version_wins(fresh_settings, tmp_path):
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    settings = fresh_settings("sink-daily")
    asyncio.run(drop_daily(settings))
    url = f"duckdb:///{tmp_path / 'events.duckdb'}"
    sink = SinkProcess(settings, url, tmp_path / "sink.log")
    running = sink.start("--until-idle", "12")
    sink.wait_for("events.daily is not on the broker yet", running)

    async def create_and_send() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(settings.topic("events.daily"), 2, 1,
                                                topic_configs={"cleanup.policy": "compact"})])
        finally:
            await admin.close()
        producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap, acks="all")
        await producer.start()
        try:
            for version in (1, 2, 3):
                for n in range(40):
                    value = daily_record(n, version)
                    await producer.send_and_wait(settings.topic("events.daily"), orjson.dumps(value),
                                                 key=value["record_id"].encode())
        finally:
            await producer.stop()

    asyncio.run(create_and_send())
    assert running.wait(timeout=70) == 0, sink.log()[-3000:]
    with open_store(url) as store:
        rows = store.fetch("SELECT record_id, num_mentions, last_seen, event_ids FROM events_daily")
        offsets = store.stored_offsets()
    assert len(rows) == 40
    assert {r[0] for r in rows} == {daily_record(n, 3)["record_id"] for n in range(40)}
    assert {r[1:] for r in rows if r[0] == daily_record(7, 3)["record_id"]} == {
        (3, datetime(2026, 11, 8, 3, 0), '["a7:0","a7:1","a7:2"]')}
    assert {r[1] for r in rows} == {3}  # every record's last version
    assert sum(o for (topic, _), o in offsets.items() if topic == settings.topic("events.daily")) == 120


@pytest.mark.crash
def test_two_sinks_of_one_group_one_killed_the_other_takes_over(sink_topics, postgres_url, tmp_path):
    """The partitions of a killed sink move to the other one, which resumes them at the
    offsets the killed one committed: still each id once."""
    settings, expected, sent = sink_topics
    sinks = [SinkProcess(settings, postgres_url, tmp_path / f"sink-{n}.log") for n in (1, 2)]
    for sink in sinks:
        sink.env["STREAMS_SESSION_TIMEOUT"] = "6"  # the group notices the kill sooner
        sink.env["STREAMS_SINK_BATCH_SIZE"] = "1"  # a transaction a message: killed part way
    first = sinks[0].start()
    second = sinks[1].start("--until-idle", "15")
    for sink, process in zip(sinks, (first, second), strict=True):
        sink.wait_for("assigned", process)
    total = sum(len(ids) for name, ids in expected.items() if name != "alerts")
    wait_for_rows(postgres_url, total // 10)
    first.kill()
    first.wait()
    at_kill = rows_now(postgres_url)
    print(f"\nfirst sink killed with {at_kill} of {total} rows written")
    assert 0 < at_kill < total
    assert second.wait(timeout=90) == 0, sinks[1].log()[-3000:]
    # It took the killed one's partitions over where their stored offsets said.
    resumed = [int(n) for n in re.findall(r"; (\d+) resume at stored offsets", sinks[1].log())]
    assert resumed[-1] > 0, sinks[1].log()[-3000:]
    check_exactly_once(postgres_url, settings, expected, sent)
