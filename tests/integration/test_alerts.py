"""Alert rules on the real broker: a quiet baseline, then a burst of the seed article.

A worker of its own runs the rules written below, with 60-second windows. Event times are set,
not waited for: baseline copies of the seed have no published_at, so their event time is the
Kafka timestamp the test gives them (the article's ingestion time, carried to its events);
burst copies have a published_at in the burst window and reach Kafka now. All windows lie a few
minutes in the past, so each closes one second (the grace) after its last event, on a timer tick.
Waiting is on the alert state served by the worker (`/alerts/state/{key}`), never a fixed sleep.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from streams.alerts.rules import alert_id
from streams.alerts.windows import Window, rfc3339
from streams.contract.schemas import validate
from streams.contract.topics import ALERTS, ARTICLES
from streams.extraction.pipeline import extract
from streams.tools.corpus import read_articles
from streams.tools.replay import make_producer

pytestmark = pytest.mark.integration

ALEPPO = "170063"
SIZE = 60  # seconds: every rule's window
BURST = 4  # seed copies in the burst window, after one in each of the 3 baseline windows
# Seconds a window of old news stays open after its last event: longer than a loaded machine
# takes between two burst copies, or the spike window closes (and fires) before the burst is in.
GRACE = 5


@pytest.fixture(scope="module")
def seed():
    """One copy of the seed, extracted offline: what each copy adds on the stream."""
    article = list(read_articles("seeds"))[0]
    result = extract(article)
    placed = [e for e in result["events"] if e["location"]]
    per_place = Counter(str(e["location"]["geonameid"]) for e in placed)
    conflict = Counter(str(e["location"]["geonameid"]) for e in placed if e["quad_class"] == 4)
    return {
        "article": article, "events": result["events"], "entities": result["entities"],
        "aleppo": per_place.pop(ALEPPO),  # Aleppo events in one copy
        "aleppo_conflict": conflict.pop(ALEPPO),
        "other_places": max(per_place.values(), default=0),  # the next busiest place
        "other_conflict": max(conflict.values(), default=0),
        "rebel_events": sum(any((e.get(r) or {}).get("code") == "SYRREB"
                                for r in ("source", "target")) for e in result["events"]),
    }


@pytest.fixture(scope="module")
def alert_worker(alert_process):
    return alert_process.settings


@pytest.fixture(scope="module")
def alert_process(fresh_settings, new_worker, tmp_path_factory, seed):
    """A worker with small windows: a spike the burst reaches and the baseline does not, a
    threshold the burst's material-conflict events meet exactly, and a watched actor."""
    tmp = tmp_path_factory.mktemp("alert-rules")
    a, q = seed["aleppo"], seed["aleppo_conflict"]
    # Preconditions on the extraction, so only Aleppo can spike or cross the threshold:
    assert (seed["other_places"] * BURST < 2 * a and seed["other_conflict"] < q
            and seed["rebel_events"] >= 1), {k: v for k, v in seed.items() if k != "article"}
    rules = tmp / "rules.toml"
    rules.write_text(f'''
[[rules]]
name = "place-spike"
kind = "spike"
subject = "location"
window = {SIZE}
trailing = 3
k = 3.0
min_count = {2 * a}
grace = {GRACE}

[[rules]]
name = "place-conflict"
kind = "threshold"
subject = "location"
window = {SIZE}
quad_classes = [4]
min_count = {BURST * q}
grace = {GRACE}
severity = "critical"

[[rules]]
name = "watch-rebels"
kind = "watchlist"
window = {SIZE}
actors = ["SYRREB"]
severity = "info"
''')
    worker = new_worker(fresh_settings("alerts", alert_rules=str(rules), alert_tick=0.5), "alerts")
    worker.start()
    return worker


def get_json(settings, path: str):
    with urllib.request.urlopen(f"{settings.web_url}{path}", timeout=5) as response:
        return json.loads(response.read())


def wait_for(check, what: str, timeout: float = 90.0, show=None):
    """Poll `check()` until it returns something truthy; fail saying what never happened.

    HTTP errors count as "not yet": 404 until the subject has state, 500 while a just-started
    worker's table routing does not know the changelog topics yet; and so does a request that
    times out while a loaded machine's worker opens its partitions.
    """
    deadline, last_error = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            result = check()
        except urllib.error.HTTPError as exc:
            result, last_error = None, f"HTTP {exc.code}: {exc.read()[:200]!r}"
        except (TimeoutError, urllib.error.URLError) as exc:  # busy opening its partitions
            result, last_error = None, repr(exc)
        if result:
            return result
        time.sleep(0.2)
    shown = show() if show else None
    pytest.fail(f"after {timeout:.0f}s still waiting for {what} (last error: {last_error}; "
                f"now: {shown})")


def windows(settings, key: str, rule: str) -> dict:
    """One rule's track in the alert state of an actor code or GeoNames id."""
    return get_json(settings, f"/alerts/state/{key}")["rules"].get(rule, {"windows": {}})


async def send(settings, articles_with_times) -> None:
    producer = make_producer(settings)
    await producer.start()
    try:
        for article, ingested in articles_with_times:
            await producer.send_and_wait(settings.topic(ARTICLES), orjson.dumps(article),
                                         key=article["id"].encode(),
                                         timestamp_ms=int(ingested * 1000))
    finally:
        await producer.stop()


async def read_alerts(settings, expected_ids: set[str], timeout: float = 60.0) -> list[dict]:
    """Every message on `alerts`, read until the expected ids are in and the end is reached."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap,
                                group_id=f"alerts-reader-{uuid.uuid4().hex[:12]}",
                                enable_auto_commit=False, auto_offset_reset="earliest")
    partition = TopicPartition(settings.topic(ALERTS), 0)
    consumer.assign([partition])
    await consumer.start()
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    try:
        await consumer.seek_to_beginning(partition)
        while True:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                seen.extend({"key": r.key.decode(), **orjson.loads(r.value)} for r in records)
            end = (await consumer.end_offsets([partition]))[partition]
            if expected_ids <= {a["id"] for a in seen} and await consumer.position(partition) >= end:
                return seen
            if time.monotonic() > deadline:
                pytest.fail(f"alerts seen after {timeout:.0f}s: {[a['id'] for a in seen]}")
    finally:
        await consumer.stop()


@pytest.fixture(scope="module")
def run(alert_worker, seed):
    """Baseline (one copy per window, processed first), then the burst; every alert sent."""
    settings, a = alert_worker, seed["aleppo"]
    first = (math.floor(time.time() / SIZE) - 6) * SIZE  # four whole windows, minutes ago
    starts = [first + w * SIZE for w in range(4)]
    article = {**seed["article"], "published_at": None}
    tag = uuid.uuid4().hex[:6]
    baseline = [({**article, "id": f"{tag}-base-{w}"}, starts[w] + 10) for w in range(3)]
    asyncio.run(send(settings, baseline))
    wait_for(lambda: [windows(settings, ALEPPO, "place-spike")["windows"].get(rfc3339(s), {})
                      .get("count") for s in starts[:3]] == [a, a, a],
             "the baseline windows of Aleppo to hold one copy each")

    published = rfc3339(starts[3] + 20)  # event time: published_at, not the ingestion time
    burst = [({**article, "published_at": published, "id": f"{tag}-burst-{n}"}, time.time())
             for n in range(BURST)]
    asyncio.run(send(settings, burst))

    def all_closed():
        spike = windows(settings, ALEPPO, "place-spike")
        rebels = windows(settings, "SYRREB", "watch-rebels")
        burst_window = spike["windows"].get(rfc3339(starts[3]), {})
        done = (burst_window.get("count") == BURST * a and burst_window.get("closed")
                and rfc3339(starts[3]) in rebels["fired"])  # (older fired windows are trimmed)
        return (spike, rebels) if done else None

    spike, rebels = wait_for(all_closed, "the burst window of Aleppo to close", show=lambda: (
        windows(settings, ALEPPO, "place-spike"), windows(settings, "SYRREB", "watch-rebels")))
    expected = {
        alert_id("place-spike", ALEPPO, Window(starts[3], SIZE)),
        alert_id("place-conflict", ALEPPO, Window(starts[3], SIZE)),
        *(alert_id("watch-rebels", "SYRREB", Window(s, SIZE)) for s in starts),
    }
    alerts = asyncio.run(read_alerts(settings, expected))
    return {"starts": starts, "alerts": alerts, "expected": expected, "spike": spike,
            "rebels": rebels, "baseline": baseline, "burst": burst}


def test_every_alert_validates_against_the_published_schema(run):
    assert run["alerts"]
    for alert in run["alerts"]:
        validate("alerts", {k: v for k, v in alert.items() if k != "key"})


def test_exactly_the_expected_alerts_and_no_duplicates(run):
    assert sorted(a["id"] for a in run["alerts"]) == sorted(run["expected"])


def test_the_burst_raises_exactly_one_spike_for_aleppo(run, seed):
    a, start = seed["aleppo"], run["starts"][3]
    spikes = [x for x in run["alerts"] if x["rule"] == "place-spike"]
    assert len(spikes) == 1
    spike = spikes[0]
    assert spike["key"] == f"place-spike:{ALEPPO}"
    assert (spike["kind"], spike["severity"], spike["subject"]) == (
        "spike", "warning", {"kind": "location", "name": "Aleppo", "geonameid": 170063})
    assert spike["window"] == {"start": rfc3339(start), "end": rfc3339(start + SIZE)}
    assert (spike["observed"], spike["baseline"]) == (BURST * a, float(a))
    assert spike["details"] == {"threshold": float(2 * a), "std": 0.0, "k": 3.0,
                                "min_count": 2 * a, "trailing": 3}
    burst_ids = {article["id"] for article, _ in run["burst"]}
    assert set(spike["evidence"]["article_ids"]) == burst_ids
    assert len(spike["evidence"]["event_ids"]) == min(50, BURST * a)
    assert run["spike"]["fired"] == [rfc3339(start)]  # once per subject and window


def test_the_burst_meets_the_conflict_threshold_exactly(run, seed):
    conflicts = [x for x in run["alerts"] if x["rule"] == "place-conflict"]
    assert [(c["observed"], c["baseline"], c["severity"], c["window"]["start"])
            for c in conflicts] == [(BURST * seed["aleppo_conflict"], None, "critical",
                                     rfc3339(run["starts"][3]))]
    assert conflicts[0]["details"] == {"threshold": BURST * seed["aleppo_conflict"],
                                       "quad_classes": [4]}


def test_a_watched_actor_alerts_once_per_window(run):
    watched = [x for x in run["alerts"] if x["rule"] == "watch-rebels"]
    assert sorted(w["window"]["start"] for w in watched) == [rfc3339(s) for s in run["starts"]]
    for alert in watched:
        assert alert["key"] == "watch-rebels:SYRREB"
        assert (alert["kind"], alert["severity"], alert["observed"], alert["baseline"]) == (
            "watchlist", "info", 1, None)
        assert alert["subject"]["code"] == "SYRREB" and alert["details"] == {"matched": "SYRREB"}
        assert len(alert["evidence"]["event_ids"]) == 1


def test_windowed_top_counts_follow_event_time(run, seed, alert_worker, alert_process):
    """The newest 1-hour window holds the copies whose event time falls in it."""
    times = [ingested for _, ingested in run["baseline"]] + [run["starts"][3] + 20] * BURST
    hour = max(math.floor(t / 3600) for t in times)
    copies = sum(math.floor(t / 3600) == hour for t in times)
    mentions = Counter(str(e["geonameid"]) for e in seed["entities"]
                       if e["kind"] == "location" and e["geonameid"] is not None)
    quads = Counter(str(e["quad_class"]) for e in seed["events"]
                    if e["location"] and str(e["location"]["geonameid"]) == ALEPPO)
    window = {"start": rfc3339(hour * 3600), "end": rfc3339(hour * 3600 + 3600)}

    def aleppo_rows():  # not the top one: the nationality words make Syria's count larger
        return [row for row in get_json(alert_worker, "/locations/top?window=1h&n=1000")
                if str(row["geonameid"]) == ALEPPO]

    def aleppo_row():
        rows = aleppo_rows()
        return rows if rows and rows[0]["mentions"] == copies * mentions[ALEPPO] else None

    row = wait_for(aleppo_row, f"the hourly count of Aleppo ({copies} copies x "
                   f"{mentions[ALEPPO]} mentions)",
                   show=lambda: (aleppo_rows(), alert_process.log_lines("WARNING", "ERROR")))[0]
    assert (row["geonameid"], row["name"], row["articles"], row["window"]) == (
        170063, "Aleppo", copies, window)
    assert row["quad_classes"] == {q: n * copies for q, n in quads.items()}
    day = max(math.floor(t / 86400) for t in times)
    in_day = sum(math.floor(t / 86400) == day for t in times)
    syrmil = sum(e["code"] == "SYRMIL" for e in seed["entities"] if e["kind"] == "actor")

    def top_actor():
        rows = get_json(alert_worker, "/actors/top?window=1d&n=1")
        return rows if rows and rows[0]["mentions"] == in_day * syrmil else None

    actor = wait_for(top_actor, f"the daily count of SYRMIL ({in_day} x {syrmil})", show=lambda: (
        get_json(alert_worker, "/actors/top?window=1d&n=3"),
        alert_process.log_lines("WARNING", "ERROR")))[0]
    assert (actor["code"], actor["articles"], actor["window"]["start"]) == (
        "SYRMIL", in_day, rfc3339(day * 86400))
    with pytest.raises(urllib.error.HTTPError) as caught:
        get_json(alert_worker, "/actors/top?window=1w")
    assert caught.value.code == 400
