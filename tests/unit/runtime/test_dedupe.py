"""The dedupe records without Kafka: plain dicts stand in for the Faust tables."""

from __future__ import annotations

from streams.runtime.dedupe import CountLedger, SeenArticles, origin, parse_origin
from streams.runtime.guard import cleanup_interval

TTL = 100.0


def seen(table=None) -> SeenArticles:
    return SeenArticles({} if table is None else table, TTL, 10.0)


def ledger(table=None) -> CountLedger:
    return CountLedger({} if table is None else table, TTL, 10.0)


def test_an_id_is_admitted_once_within_the_ttl():
    s = seen()
    assert s.admit("a", partition=1, offset=5, timestamp=1000.0)
    assert not s.admit("a", partition=1, offset=9, timestamp=1099.9)
    assert s.table["a"] == {"partition": 1, "offset": 5, "ts": 1000.0}


def test_the_same_message_delivered_again_is_not_a_duplicate():
    s = seen()
    assert s.admit("a", 1, 5, 1000.0)
    assert s.admit("a", 1, 5, 1000.0)  # redelivered after a crash: process it again


def test_an_id_seen_longer_ago_than_the_ttl_is_new_again():
    s = seen()
    assert s.admit("a", 1, 5, 1000.0)
    assert s.admit("a", 1, 9, 1100.0)
    assert s.table["a"] == {"partition": 1, "offset": 9, "ts": 1100.0}
    assert not s.admit("a", 1, 12, 1150.0)


def test_cleanup_deletes_only_expired_entries_of_its_partition_and_only_when_due():
    s = seen()
    s.admit("old-p0", 0, 1, 1000.0)
    s.admit("old-p1", 1, 1, 1000.0)
    s.admit("new-p0", 0, 2, 1095.0)
    assert s.cleanup(0, 1001.0) == 0  # the first call only starts the clock
    assert s.cleanup(0, 1005.0) == 0  # not due: less than the interval later
    assert s.cleanup(0, 1100.0) == 1
    assert set(s.table) == {"old-p1", "new-p0"}
    assert s.cleanup(1, 1100.0) == 0 and s.cleanup(1, 1110.0) == 1
    assert set(s.table) == {"new-p0"}


def test_cleanup_interval_is_a_quarter_of_the_ttl_at_most_an_hour():
    assert cleanup_interval(86_400) == 3600
    assert cleanup_interval(400) == 100
    assert cleanup_interval(1) == 1


def test_origin_headers_round_trip():
    assert parse_origin({"streams-origin": origin(3, 42)}) == "3:42"
    assert parse_origin([("other", b"x"), ("streams-origin", b"0:7")]) == "0:7"
    assert parse_origin({}) is None and parse_origin(None) is None


# CountLedger: the alert agent's events per subject and the daily agent's events per record.
# One event id (`{article_id}:{n}`) is repeated when its article is processed again.
EVENT = "170063|a:0"


def test_an_event_is_counted_once_however_often_it_is_re_emitted():
    led = ledger()
    assert led.should_count_id(EVENT, 2, 100, 1000.0, applied_offset=None)
    assert not led.should_count_id(EVENT, 2, 130, 1001.0, applied_offset=100)
    assert not led.should_count_id(EVENT, 2, 131, 1002.0, applied_offset=100)
    # another event of the same subject
    assert led.should_count_id("170063|a:1", 2, 132, 1003.0, applied_offset=100)


def test_a_redelivered_message_already_in_the_value_is_skipped_and_recorded():
    led = ledger()
    assert not led.should_count_id(EVENT, 2, 100, 1000.0, applied_offset=100)
    assert led.table[EVENT]["offset"] == 100
    assert not led.should_count_id(EVENT, 2, 140, 1001.0, applied_offset=100)


def test_a_recorded_message_whose_count_was_lost_is_counted():
    led = ledger({EVENT: {"partition": 2, "offset": 100, "ts": 1000.0}})
    assert led.should_count_id(EVENT, 2, 100, 1000.0, applied_offset=99)


def test_messages_without_an_id_are_counted_unless_already_applied():
    led = ledger()
    assert led.should_count_id(None, 2, 100, 1000.0, applied_offset=None)
    assert led.should_count_id(None, 2, 101, 1000.0, applied_offset=100)
    assert not led.should_count_id(None, 2, 101, 1000.0, applied_offset=101)
    assert led.table == {}


def test_a_ledger_entry_older_than_the_ttl_no_longer_blocks():
    led = ledger()
    assert led.should_count_id(EVENT, 2, 100, 1000.0, None)
    assert led.should_count_id(EVENT, 2, 300, 1100.0, 100)
