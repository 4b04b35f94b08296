"""The feed between the topics and the files: latest versions, mentions waiting for their
record, redelivery, the lead-sentence flag and what may be committed. Lists in, rows out."""

from __future__ import annotations

from test_gdelt_rows import RECORD_ID, event, record

from streams.contract.daily import global_event_id
from streams.export.gdelt_feed import MAX_WAITS, GdeltFeed

T = 1_473_000_000.0


def test_only_the_latest_version_of_a_record_is_written_once_per_interval():
    feed = GdeltFeed()
    feed.add_record(record(num_mentions=1, num_articles=1, num_sources=1))
    feed.add_record(record(num_mentions=3))
    rows = feed.take()
    assert len(rows.events) == 1 and rows.events[0][31] == "3"  # NumMentions
    assert feed.take().events == []  # nothing changed since


def test_a_mention_waits_for_its_record_then_takes_its_dateadded():
    feed = GdeltFeed()
    feed.add_event(event("a1:6", 1), T)
    assert feed.take().mentions == []  # the record has not arrived yet
    feed.add_record(record())
    [mention] = feed.take().mentions
    assert mention[:2] == [str(global_event_id(RECORD_ID)), "20160904061500"]


def test_a_mention_whose_record_never_comes_is_written_after_max_waits_without_event_time():
    feed = GdeltFeed()
    feed.add_event(event("a1:6", 1, cameo_code="043"), T)
    for _ in range(MAX_WAITS):
        assert feed.take().mentions == []
    [mention] = feed.take().mentions
    assert mention[:2] == [str(global_event_id("2016-09-04|SYRMIL|SYRREB|043")), ""]


def test_the_final_interval_writes_every_waiting_mention():
    feed = GdeltFeed()
    feed.add_event(event("a1:6", 1), T)
    assert len(feed.take(final=True).mentions) == 1
    assert feed.waiting == []


def test_a_redelivered_event_is_one_mention():
    feed = GdeltFeed()
    feed.add_event(event("a1:6", 1), T)
    feed.add_event(event("a1:6", 1), T + 5)
    feed.add_record(record())
    assert len(feed.take().mentions) == 1
    feed.add_event(event("a1:6", 1), T + 10)  # again, after it was written
    assert feed.take().mentions == []


def test_an_event_listed_in_the_record_joins_it_even_when_its_date_cannot_be_derived():
    feed = GdeltFeed()
    feed.add_record(record())
    feed.add_event(event("a2:3", 2, published_at=None), 0.0)  # the Kafka time is 1970
    [mention] = feed.take().mentions
    assert mention[0] == str(global_event_id(RECORD_ID))


def test_is_root_event_follows_the_first_reports_sentence():
    for sentence, expected in ((0, "1"), (1, "1"), (2, "0")):
        feed = GdeltFeed()
        feed.add_event(event("a1:6", sentence), T)
        feed.add_record(record())
        assert feed.take().events[0][25] == expected
    feed = GdeltFeed()
    feed.add_event(event("a2:0", 0), T)  # not the first report, which this feed never read
    feed.add_record(record())
    assert feed.take().events[0][25] == ""  # not known


def test_commits_stop_at_the_first_waiting_mention_of_each_partition():
    feed = GdeltFeed()
    feed.add_event(event("a1:6", 1), T, ("events-0", 7))
    feed.add_event(event("a5:0", 1, cameo_code="043"), T, ("events-0", 9))
    feed.add_event(event("a6:0", 1, cameo_code="043"), T, ("events-1", 3))
    feed.add_record(record())
    feed.take()  # a1:6 is written, the two others wait
    assert feed.waiting_offsets() == {"events-0": 9, "events-1": 3}


def test_a_message_that_is_not_as_the_schema_says_is_skipped_and_counted():
    feed = GdeltFeed()
    broken = record()
    del broken["event_date"]
    feed.add_record(broken)
    feed.add_record(record(record_id="2016-09-04|SYRMIL|SYRREB|190",
                           global_event_id=global_event_id("2016-09-04|SYRMIL|SYRREB|190"),
                           event_ids=["a7:0"], cameo_code="190"))
    feed.add_event(event("a7:0", 0, cameo_code="190"), T)
    feed.add_event(event("a8:0", "first"), T)
    feed.add_event({"event_id": "a9:0"}, T)
    rows = feed.take(final=True)
    assert [row[26] for row in rows.events] == ["190"] and len(rows.mentions) == 1
    assert rows.skipped == 3
    assert feed.take().skipped == 0  # counted once
