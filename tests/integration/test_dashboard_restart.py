"""The dashboard across a worker restart: the same events and alerts before and after.

A worker of its own runs with the default rules, the seed is replayed (its SYRREB events and the
places near Aleppo raise the watch-list's alerts), and the recent views and the page in headless
Chromium are read. The worker is stopped (SIGTERM) and started again on the same state folder;
once `/health/ready` answers 200 the views must give back exactly the same lists, which are
exactly what the topics hold, and the page must show the same dots, events, alerts and bars.
"""

from __future__ import annotations

import asyncio
import time
import urllib.error
from pathlib import Path

import orjson
import pytest
from chromium import console_errors, headless_chromium, shown
from probes import get_json, read_all, wait_until

from streams.alerts.config import load_rules
from streams.alerts.rules import WatchRule, subjects_of, watch_match
from streams.extraction.pipeline import extract
from streams.tools.corpus import read_articles
from streams.tools.replay import replay
from streams.tools.results import collect

# Two worker starts: on a busy 2-core machine the default 300 s can go on the starts alone.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts"


def watched_subjects(article: dict) -> set[str]:
    """The subjects of the article's events the default watch-list matches: one alert each
    (all the seed's events fall on one day), worked out offline."""
    watch = [r for r in load_rules() if isinstance(r, WatchRule)]
    return {key for event in extract(article)["events"] for key, subject in subjects_of(event)
            if any(watch_match(rule, subject) for rule in watch)}


def readiness(settings) -> dict:
    """/health/ready's body: {"status": "ready", ...}, or "not_ready" with the reason."""
    try:
        return get_json(settings, "/health/ready")
    except urllib.error.HTTPError as exc:  # 503 while not ready
        return orjson.loads(exc.read())


def ready(settings) -> dict | None:
    body = readiness(settings)
    return body if body["status"] == "ready" else None


def served(settings) -> dict[str, list[dict]]:
    """What the dashboard's script fetches for the map and the two feeds."""
    return {"events": get_json(settings, "/events/recent?n=500"),
            "alerts": get_json(settings, "/alerts/recent?n=50")}


def on_topics(settings) -> dict[str, list[str]]:
    """The ids on `events` and `alerts`, each once (a rebalance may have sent some again)."""
    return {name: sorted({m[key] for m in asyncio.run(read_all(settings, name))})
            for name, key in (("events", "event_id"), ("alerts", "id"))}


def ids(lists: dict[str, list[dict]]) -> dict[str, list[str]]:
    return {"events": sorted(e["event_id"] for e in lists["events"]),
            "alerts": sorted(a["id"] for a in lists["alerts"])}


def page(browser, settings, expected: dict[str, list[dict]]) -> dict:
    """The page's DOM once it shows the served lists (the script refreshes every 3 s)."""
    browser.get(f"{settings.web_url}/dashboard")

    want = {"events": [e["event_id"] for e in expected["events"][:15]],
            "alerts": [a["id"] for a in expected["alerts"]]}
    last: list[dict] = [{}]

    def complete():
        last[0] = dom = shown(browser)
        return dom if ({k: dom[k] for k in want} == want and dom["daily"]) else None

    try:
        return wait_until(complete, "the dashboard showing the served lists", timeout=30)
    except AssertionError as failed:
        raise AssertionError(f"{failed}; wanted {want}, the page showed {last[0]}") from None


@pytest.fixture(scope="module")
def restart(fresh_settings, new_worker):
    settings = fresh_settings("dash-restart")
    worker = new_worker(settings, "dash-restart")
    worker.start()
    articles = list(read_articles("seeds"))
    assert asyncio.run(replay(articles, settings)).sent == 1
    asyncio.run(collect(settings, [a["id"] for a in articles], timeout=180))
    alerts = len(watched_subjects(articles[0]))
    topics = wait_until(lambda: len((t := on_topics(settings))["alerts"]) == alerts and t,
                        f"the watch-list's {alerts} alerts on the alerts topic", timeout=60)
    before = wait_until(lambda: ids(s := served(settings)) == topics and s,
                        "the recent views holding what the topics hold", timeout=60)
    with headless_chromium() as browser:
        page_before = page(browser, settings, before)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        assert browser.save_screenshot(str(ARTIFACTS / "dashboard-before-restart.png"))
        errors = console_errors(browser)
        browser.get("about:blank")  # no polling of a stopped worker: its errors are expected

        worker.stop()  # SIGTERM
        stopped = time.monotonic()
        worker.start()  # the same settings: the same state folder, consumer group and port
        wait_until(lambda: ready(settings), "the restarted worker ready", timeout=180,
                   interval=0.2)
        ready_after = time.monotonic() - stopped
        after = served(settings)  # at once: ready means the lists are back
        page_after = page(browser, settings, before)
        assert browser.save_screenshot(str(ARTIFACTS / "dashboard-after-restart.png"))
        errors += console_errors(browser)
    print(f"\n{len(before['events'])} events, {len(before['alerts'])} alerts; "
          f"ready {ready_after:.1f}s after the stop")
    return {"settings": settings, "topics": topics, "alerts": alerts, "before": before,
            "after": after,
            "page_before": page_before, "page_after": page_after, "errors": errors}


def test_the_views_give_back_the_same_lists_after_a_restart(restart):
    before, after = restart["before"], restart["after"]
    assert len(before["events"]) == len(restart["topics"]["events"]) >= 10
    assert len(before["alerts"]) == len(restart["topics"]["alerts"]) == restart["alerts"] >= 2
    assert after == before  # every field, in the same order, newest first
    assert ids(after) == on_topics(restart["settings"])  # nothing sent again by the restart


def test_the_page_shows_the_same_events_and_alerts_after_a_restart(restart):
    page_before, page_after = restart["page_before"], restart["page_after"]
    assert page_before["dots"] and page_before["alerts"] and page_before["top_actors"]
    assert page_before["event_count"] == str(len(restart["before"]["events"]))
    assert page_after == page_before
    assert restart["errors"] == []
