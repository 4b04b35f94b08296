"""events.daily through a real worker: one story in several articles from several outlets is one
record, and every record equals what the `events` topic implies, copies of events included.

The corpus: the seed article (AFP, 2016-09-04) and a story of government forces attacking rebels
in Aleppo told by five more articles of 2016-09-04 (Reuters twice, AFP, one with no outlet, one
telling it twice, at Aleppo and at Homs), one published 23:30 at UTC-2 (2016-09-05 in UTC),
another story in two articles without published_at (dated when they reached Kafka) and one
whose published_at is RFC 2822, as RSS writes it (dated by it, as the alert windows read it).
After it settled, copies of the events messages are sent again, as a crash would: no count may
move.
"""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import sys
import time
import urllib.error

import orjson
import pytest
from probes import (
    daily_as_events_imply,
    daily_from_events,
    daily_summary,
    get_json,
    read_all,
    send_raw,
    settled,
    wait_until,
)
from worker_process import ROOT

from streams.contract.schemas import validate
from streams.contract.topics import DAILY, EVENTS
from streams.loadtest.workers import settings_env
from streams.sink.store import open_store
from streams.tools.admin import ensure_topics
from streams.tools.corpus import read_articles
from streams.tools.replay import replay

pytestmark = pytest.mark.integration

ALEPPO_STORY = ("Syrian government forces attacked rebels in Aleppo on Sunday. "
                "The rebels withdrew from Aleppo.")
TOLD_TWICE = ("Syrian government forces attacked rebels in Aleppo on Sunday. "
              "Syrian government forces attacked rebels in Homs on Sunday.")
KHARKIV_STORY = ("Russian troops shelled Ukrainian positions near Kharkiv on Monday. "
                 "Ukraine condemned the attack.")
TURKEY_STORY = ("The Turkish foreign minister met his Iranian counterpart in Ankara. "
                "Turkey and Iran signed a trade agreement.")
ATTACK = "2016-09-04|SYRMIL|SYRREB|190"  # the Aleppo story's attack


def public(records: dict[str, dict]) -> dict[str, dict]:
    """Records without what `read_all` adds (`_key`, `_headers`, `_timestamp`)."""
    return {rid: {k: v for k, v in r.items() if not k.startswith("_")}
            for rid, r in records.items()}


@pytest.fixture(scope="module")
def run(start_worker):
    started = time.monotonic()
    settings = start_worker("daily")
    worker_up = time.monotonic()
    p = settings.topic_prefix

    def article(n, body, source=None, published=None):
        return {"id": f"{p}daily-{n}", "title": "", "body": body, "source": source,
                "url": f"https://example.org/{n}" if source else None, "published_at": published}

    articles = [*read_articles("seeds"),
                article(1, ALEPPO_STORY, "Reuters", "2016-09-04T08:00:00Z"),
                article(2, ALEPPO_STORY, "Reuters", "2016-09-04T09:00:00Z"),
                article(3, ALEPPO_STORY, "AFP", "2016-09-04T10:00:00+00:00"),
                article(4, ALEPPO_STORY, None, "2016-09-04T11:00:00Z"),
                article(5, TOLD_TWICE, "BBC", "2016-09-04T12:00:00Z"),
                article(6, ALEPPO_STORY, "BBC", "2016-09-04T23:30:00-02:00"),
                article(7, KHARKIV_STORY, "AFP"), article(8, KHARKIV_STORY, "Reuters"),
                article(9, TURKEY_STORY, "AFP", "Sun, 04 Sep 2016 10:00:00 GMT")]
    assert asyncio.run(replay(articles, settings)).sent == len(articles)
    settled(settings)
    extracted = time.monotonic()
    events = asyncio.run(read_all(settings, EVENTS))
    before, implied_before = daily_as_events_imply(settings, events)
    merged = time.monotonic()
    sent_before = len(asyncio.run(read_all(settings, DAILY)))
    # Copies of events already merged, at new offsets: what a crash makes the extract agent send.
    copies = [e for e in events if e["article_id"].startswith(f"{p}daily-")][::2]
    asyncio.run(send_raw(settings, [
        (e["_key"], orjson.dumps({k: v for k, v in e.items() if not k.startswith("_")}),
         e["_timestamp"]) for e in copies], topic=EVENTS))
    # each copy makes the daily agent send its record again (unchanged): then all were read
    wait_until(lambda: len(asyncio.run(read_all(settings, DAILY))) >= sent_before + len(copies),
               "the copies merged", timeout=60)
    events = asyncio.run(read_all(settings, EVENTS))
    after, implied = daily_as_events_imply(settings, events)
    print(f"\nworker up {worker_up - started:.1f}s; {len(articles)} articles extracted "
          f"{extracted - worker_up:.1f}s later; events.daily as the events imply "
          f"{merged - extracted:.1f}s after that; {len(copies)} copies merged (no count moved) "
          f"in {time.monotonic() - merged:.1f}s")
    return {"settings": settings, "articles": articles, "events": events, "copies": copies,
            "before": before, "after": after, "implied": (implied_before, implied)}


def test_the_aleppo_story_is_one_record_over_its_articles_and_outlets(run):
    p = run["settings"].topic_prefix
    record = run["after"][ATTACK]
    # five articles on the 4th (the sixth is on the 5th in UTC), the BBC's telling it twice
    assert sorted(record["event_ids"]) == sorted(
        [f"{p}daily-{n}:0" for n in range(1, 6)] + [f"{p}daily-5:1"])
    assert (record["num_mentions"], record["num_articles"], record["num_sources"]) == (6, 5, 4)
    assert record["location"]["name"] == "Aleppo"  # 5 reports to Homs's 1
    assert (record["first_seen"], record["last_seen"]) == ("2016-09-04T08:00:00Z",
                                                           "2016-09-04T12:00:00Z")
    assert record["source"] == {"code": "SYRMIL", "text": "Syrian government forces"}
    late = run["after"]["2016-09-05|SYRMIL|SYRREB|190"]
    assert (late["num_articles"], late["first_seen"]) == (1, "2016-09-05T01:30:00Z")


def test_every_record_equals_what_the_events_imply_and_copies_changed_nothing(run):
    implied_before, implied = run["implied"]
    assert daily_summary(run["before"]) == implied_before
    assert daily_summary(run["after"]) == implied
    assert len(run["copies"]) >= 5
    assert len(run["events"]) > len({e["event_id"] for e in run["events"]})  # copies there
    assert public(run["after"]) == public(run["before"])
    assert len(run["after"]) == len(daily_from_events(run["events"]))


def test_dates_fall_back_to_when_the_article_reached_kafka(run):
    p = run["settings"].topic_prefix
    by_article = {e["article_id"]: e for e in run["events"]}
    rss = by_article[f"{p}daily-9"]  # RFC 2822: read, as the alert windows read it
    assert [rid for rid, r in run["after"].items() if rss["event_id"] in r["event_ids"]
            ] == [f"2016-09-04|{rss['source']['code']}|{(rss['target'] or {}).get('code') or '-'}"
                  f"|{rss['cameo_code']}"]
    for n in (7, 8):  # no published_at
        event = by_article[f"{p}daily-{n}"]
        day = run["events"][0]["_timestamp"]  # all sent within seconds of each other
        assert event["_timestamp"] - day < 600
        rid = [rid for rid, r in run["after"].items()
               if event["event_id"] in r["event_ids"]]
        assert len(rid) == 1 and not rid[0].startswith("2016-")
    kharkiv = [r for r in run["after"].values() if r["cameo_code"] == "194"]
    assert [(r["num_articles"], r["num_sources"]) for r in kharkiv] == [(2, 2)]


def test_records_keep_the_spec(run):
    for rid, record in run["after"].items():
        validate("events.daily", public({rid: record})[rid])
        assert record["record_id"] == rid == record["_key"].decode()
        expected = int.from_bytes(hashlib.sha256(rid.encode()).digest()[:8], "big") & (2**63 - 1)
        assert record["global_event_id"] == expected
        assert record["event_date"] == rid.split("|")[0]
    p = run["settings"].topic_prefix
    assert run["after"]["2016-09-05|SYRMIL|SYRREB|190"]["source_url"] == (
        "https://example.org/6")
    assert any(e["article_source"] == "Reuters" and e["article_url"] == "https://example.org/1"
               for e in run["events"] if e["article_id"] == f"{p}daily-1")


def test_streams_topics_made_events_daily_compacted(run):
    report = asyncio.run(ensure_topics(run["settings"]))
    assert set(report.states.values()) == {"exists"}
    assert report.differences == []  # cleanup.policy=compact included


def test_the_view_answers_with_the_records_and_filters(run):
    settings, records = run["settings"], run["after"]
    public_records = public(records)
    served = get_json(settings, "/events/daily?n=1000")
    labels = {name for row in served for name in row if name.endswith("_label")}
    assert {"source_label", "cameo_label"} <= labels  # names people read, beside the codes
    assert {row["record_id"]: {k: v for k, v in row.items() if k not in labels}
            for row in served} == public_records
    assert [row["num_articles"] for row in served] == sorted(
        (row["num_articles"] for row in served), reverse=True)
    assert get_json(settings, "/events/daily?n=1")[0]["record_id"] == ATTACK
    on_the_4th = get_json(settings, "/events/daily?n=1000&date=2016-09-04&actor=SYRREB"
                                    "&location=170063")
    assert ATTACK in {row["record_id"] for row in on_the_4th}
    assert {row["record_id"] for row in on_the_4th} == {
        rid for rid, r in public_records.items() if rid.startswith("2016-09-04|")
        and "SYRREB" in (r["source"]["code"], (r["target"] or {}).get("code"))
        and (r["location"] or {}).get("geonameid") == 170063}
    assert get_json(settings, "/events/daily?date=1999-01-01") == []
    with pytest.raises(urllib.error.HTTPError) as bad:
        get_json(settings, "/events/daily?date=yesterday")
    assert bad.value.code == 400


# The check, in SQL: the sink's `events` table grouped the way records are equals the
# `events_daily` table the same sink wrote from `events.daily`.
GROUPED_EVENTS = """
SELECT strftime(event_date, '%Y-%m-%d') || '|' || coalesce(source_code, '-') || '|'
         || coalesce(target_code, '-') || '|' || cameo_code AS record_id,
       count(DISTINCT event_id), count(DISTINCT article_id),
       count(DISTINCT coalesce(article_source, ' unknown'))
FROM events GROUP BY 1 ORDER BY 1
"""
DAILY_COUNTS = """
SELECT record_id, num_mentions, num_articles, num_sources FROM events_daily ORDER BY 1
"""


def test_the_sink_s_events_grouped_in_sql_equal_its_daily_records(run, tmp_path):
    settings = run["settings"]
    url = f"duckdb:///{tmp_path / 'events.duckdb'}"
    done = subprocess.run([sys.executable, "-m", "streams.cli", "sink", "--db", url,
                           "--until-idle", "5"], cwd=ROOT, env=settings_env(settings),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    with open_store(url) as store:
        grouped = [tuple(row) for row in store.fetch(GROUPED_EVENTS)]
        daily = [tuple(row) for row in store.fetch(DAILY_COUNTS)]
    assert grouped == daily
    assert len(daily) == len(run["after"])
    assert ("2016-09-04|SYRMIL|SYRREB|190", 6, 5, 4) in daily  # the Aleppo story
