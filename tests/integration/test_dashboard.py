"""The recent views and the dashboard in headless Chromium, with the seed replayed.

Needs Debian's `chromium` and `chromium-driver` (`make test` installs them when missing); when
they are missing this fails with a message that says so.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from chromium import console_errors, headless_chromium, shown

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ARTIFACT = ROOT / "var" / "artifacts" / "dashboard.png"


def get(settings, path: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(f"{settings.web_url}{path}", timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def wait_for(fetch, done, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    value = fetch()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(0.3)
        value = fetch()
    return value


async def read_topic(settings, name: str) -> list[dict]:
    """Every committed message of a topic up to its end now, decoded."""
    topic = settings.topic(name)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap, group_id=None,
                                enable_auto_commit=False, isolation_level="read_committed")
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(settings.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        messages, behind = [], [tp for tp in partitions if ends[tp] > 0]
        while behind:
            for records in (await consumer.getmany(*behind, timeout_ms=500)).values():
                messages.extend(orjson.loads(record.value) for record in records)
            behind = [tp for tp in behind if await consumer.position(tp) < ends[tp]]
        return messages
    finally:
        await consumer.stop()


@pytest.fixture(scope="module")
def recent_events(pipeline, seed_results):
    """/events/recent once the worker's buffer holds everything the events topic carries."""
    article, results = seed_results
    on_topic = asyncio.run(read_topic(pipeline, "events"))

    def fetch():
        return json.loads(get(pipeline, "/events/recent?n=500")[2])

    shown = wait_for(fetch, lambda rows: len(rows) >= len(on_topic))
    return on_topic, shown


def test_recent_events_are_what_the_topic_carries_newest_first(pipeline, seed_results,
                                                               recent_events):
    article, results = seed_results
    on_topic, shown = recent_events
    assert sorted(e["event_id"] for e in shown) == sorted(e["event_id"] for e in on_topic)
    assert {e["event_id"] for e in results.events[article["id"]]} <= {e["event_id"] for e in shown}
    assert json.loads(get(pipeline, "/events/recent?n=2")[2]) == shown[:2]
    assert len(json.loads(get(pipeline, "/events/recent")[2])) == min(50, len(shown))


def test_recent_views_check_n_and_serve_alerts(pipeline, recent_events):
    for path in ("/events/recent?n=0", "/events/recent?n=501", "/alerts/recent?n=x"):
        status, _, body = get(pipeline, path)
        assert status == 400 and "error" in json.loads(body), path
    status, kind, body = get(pipeline, "/alerts/recent?n=50")
    assert (status, kind) == (200, "application/json; charset=utf-8")
    assert isinstance(json.loads(body), list)


def test_the_page_and_its_assets_are_served_by_the_worker(pipeline):
    expected = {"/dashboard": "text/html", "/dashboard/dashboard.js": "text/javascript",
                "/dashboard/dashboard.css": "text/css", "/dashboard/world.json": "application/json"}
    for path, kind in expected.items():
        status, content_type, _ = get(pipeline, path)
        assert (status, content_type) == (200, f"{kind}; charset=utf-8"), path
    for path in ("/dashboard/app.py", "/dashboard/..%2Fdashboard.py", "/dashboard/world.JSON"):
        assert get(pipeline, path)[0] == 404, path


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as driver:
        yield driver


def test_the_dashboard_maps_the_event_locations(pipeline, seed_results, recent_events, browser):
    article, results = seed_results
    on_topic, _ = recent_events
    expected = {(e["location"]["geonameid"], e["location"]["name"]) for e in on_topic
                if e["location"] and e["location"]["lat"] is not None}
    seed_places = {e["location"]["name"] for e in results.events[article["id"]] if e["location"]}
    assert "Aleppo" in seed_places and seed_places <= {name for _, name in expected}

    browser.get(f"{pipeline.web_url}/dashboard")

    # Each read is one script (chromium.shown): a refresh every 3 s replaces the lists.
    def dots():
        return {(int(geonameid), name) for geonameid, name, *_ in shown(browser)["dots"]}

    assert wait_for(dots, lambda found: found == expected, timeout=30) == expected
    top = json.loads(get(pipeline, "/locations/top?n=8")[2])

    def bars():
        return shown(browser)["top_locations"]

    assert wait_for(bars, lambda found: found == [r["name"] for r in top], timeout=15) == [
        r["name"] for r in top]
    # the seed's most mentioned place: Syria, named as such and by its nationality word
    # ("Syrian"), then Aleppo
    assert bars()[:2] == ["Syria", "Aleppo"]

    def daily_served():
        return [r["record_id"] for r in json.loads(get(pipeline, "/events/daily?n=8")[2])]

    def daily_panel():
        return shown(browser)["daily"]

    # The seed's events merged into events.daily records, most reported first, as served.
    top_daily = wait_for(daily_served, lambda found: len(found) == 8, timeout=30)
    assert wait_for(daily_panel, lambda found: found == top_daily, timeout=15) == top_daily
    assert len(browser.find_elements("css selector", "#land path")) == 176
    assert browser.find_element("id", "alerts").tag_name == "ul"
    def served_alerts():
        return {a["id"] for a in json.loads(get(pipeline, "/alerts/recent?n=50")[2])}

    # The default watch-list alerts on the seed's SYRREB events and on Aleppo.
    served = wait_for(served_alerts, bool, timeout=30)
    assert served

    def feed():
        return set(shown(browser)["alerts"])

    assert wait_for(feed, lambda found: found >= served, timeout=15) >= served
    # Names beside the codes, as the worker labels them, and times in local, readable form.
    actors = json.loads(get(pipeline, "/actors/top?n=8")[2])
    assert json.loads(get(pipeline, "/actors/SYRREB")[2])["code_label"] == "Syria · rebels"
    assert all("code_label" in r for r in actors)  # the seed's actors all have names

    def actor_bars():
        return shown(browser)["top_actor_labels"]

    labelled = [f"{r['code_label']} ({r['code']})" if "code_label" in r else r["code"]
                for r in actors]
    assert wait_for(actor_bars, lambda found: found == labelled, timeout=15) == labelled
    times = shown(browser)["alert_times"]
    assert times and all(datetime.endswith("Z") for datetime, _ in times)
    assert not any(text == datetime or "T" in text for datetime, text in times)

    quads = {int(quad) for _, _, quad, _ in shown(browser)["dots"]}
    assert quads == {e["quad_class"] for e in on_topic if e["location"]}

    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACT))
    assert console_errors(browser) == []
