"""The exactly-once step against real databases: rows and offsets in one transaction."""

from __future__ import annotations

import orjson
import pytest
from sink_data import known_events, synthetic

from streams.sink.batch import build_batch
from streams.sink.rows import Message


def messages(topic, values, first_offset=0, partition=0):
    return [(topic, Message(f"t-{topic}", partition, first_offset + i, b"k", orjson.dumps(v),
                            1_764_000_000_000)) for i, v in enumerate(values)]


def test_a_redelivered_batch_leaves_one_row_per_id(store):
    data = synthetic(10)
    batch = build_batch(messages("events", data["events"]) + messages("entities", data["entities"])
                        + messages("alerts", data["alerts"]))
    store.write(batch)
    store.write(batch)  # the same messages again, as after a crash before Kafka knew
    store.write(build_batch(messages("events", data["events"])))
    assert store.count("events") == 40
    assert store.count("entities") == 20
    assert store.count("alerts") == 1
    assert store.fetch("SELECT count(DISTINCT event_id) FROM events") == [(40,)]
    assert store.stored_offsets() == {("t-events", 0): 40, ("t-entities", 0): 20,
                                      ("t-alerts", 0): 1}


def test_a_failure_before_the_commit_leaves_neither_rows_nor_offsets(store):
    store.write(build_batch(messages("events", known_events()[:3])))

    def crash():
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        store.write(build_batch(messages("events", known_events()[3:], first_offset=3)),
                    before_commit=crash)
    assert store.count("events") == 3
    assert store.stored_offsets() == {("t-events", 0): 3}
    store.write(build_batch(messages("events", known_events()[3:], first_offset=3)))  # works after
    assert store.count("events") == len(known_events())
    assert store.stored_offsets() == {("t-events", 0): len(known_events())}


def test_an_older_redelivery_never_overwrites_a_newer_version_nor_moves_offsets_back(store):
    old, = known_events()[:1]
    new = {**old, "cameo_code": "193"}
    store.write(build_batch(messages("events", [old, new])))  # offsets 0 and 1: new wins
    store.write(build_batch(messages("events", [old])))  # offset 0 again
    assert store.fetch("SELECT cameo_code, kafka_offset FROM events") == [("193", 1)]
    assert store.stored_offsets() == {("t-events", 0): 2}
    store.write(build_batch(messages("events", [{**old, "cameo_code": "190"}], first_offset=5)))
    assert store.fetch("SELECT cameo_code, kafka_offset FROM events") == [("190", 5)]
    assert store.stored_offsets() == {("t-events", 0): 6}


def test_bad_messages_are_kept_once_in_sink_rejected_and_skipped(store):
    batch = build_batch([("events", Message("t-events", 0, 0, b"k", b"{oops", None)),
                         ("events", Message("t-events", 0, 1, None, None, None))]
                        + messages("events", known_events()[:1], first_offset=2))
    store.write(batch)
    store.write(batch)
    assert store.fetch("SELECT position, reason, value_text FROM sink_rejected ORDER BY position") == [
        ("t-events:0:0", "invalid_json", "{oops"), ("t-events:0:1", "empty_message", "")]
    assert store.count("events") == 1
    assert store.stored_offsets() == {("t-events", 0): 3}


def test_stored_offsets_of_some_topics(store):
    store.write(build_batch(messages("events", known_events()[:2], partition=3)
                            + messages("alerts", synthetic(1)["alerts"])))
    assert store.stored_offsets({"t-events"}) == {("t-events", 3): 2}
