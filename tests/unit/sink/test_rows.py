"""Messages to rows (pure): what each column holds, and what makes a message bad."""

from __future__ import annotations

from datetime import date, datetime

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sink_data import known_events, synthetic

from streams.contract.schemas import validate
from streams.sink.batch import build_batch
from streams.sink.rows import BadMessage, Message, read_row, rejected_row
from streams.sink.tables import EVENTS, REJECTED


def message(value, offset=0, topic="p-events", partition=0, timestamp=1_764_000_000_000):
    raw = value if isinstance(value, bytes) or value is None else orjson.dumps(value)
    return Message(topic, partition, offset, b"key", raw, timestamp)


def as_dict(table, row):
    return dict(zip(table.column_names, row, strict=True))


def test_the_synthetic_messages_are_valid_contract_messages():
    data = synthetic(20)
    for topic in ("events", "entities", "alerts"):
        for value in data[topic]:
            validate(topic, value)
    for value in known_events():
        validate("events", value)


def test_an_event_row():
    value = known_events()[0]  # k01:0, reuters, SYRMIL 190 SYRREB at Aleppo
    table, row = read_row("events", message(value, offset=7, partition=2))
    got = as_dict(table, row)
    assert table is EVENTS
    assert got["event_id"] == "k01:0" and got["article_id"] == "k01"
    assert got["event_date"] == date(2026, 11, 24)
    assert got["published_at"] == datetime(2026, 11, 24, 8, 0)
    assert (got["source_code"], got["cameo_code"], got["target_code"]) == ("SYRMIL", "190", "SYRREB")
    assert (got["quad_class"], got["goldstein"], got["plover_event"]) == (4, -10.0, "FIGHT")
    assert (got["geonameid"], got["location_name"], got["country"]) == (170063, "Aleppo", "SYR")
    assert got["article_source"] == "reuters"
    assert (got["kafka_partition"], got["kafka_offset"]) == (2, 7)
    assert got["kafka_time"] == datetime(2025, 11, 24, 16, 0)


def test_an_unreadable_published_at_falls_back_to_the_kafka_date():
    value = {**known_events()[0], "published_at": "last Tuesday"}
    got = as_dict(*read_row("events", message(value)))
    assert got["published_at"] is None and got["event_date"] == date(2025, 11, 24)


def test_an_entity_row_is_keyed_by_article_field_span_and_kind():
    value = synthetic(1)["entities"][1]
    got = as_dict(*read_row("entities", message(value)))
    assert got["mention_id"] == f"{value['article_id']}|body|10|16|actor"
    assert (got["span_start"], got["span_end"], got["code"]) == (10, 16, value["code"])


def test_an_alert_row():
    value = synthetic(1)["alerts"][0]
    got = as_dict(*read_row("alerts", message(value)))
    assert got["id"] == value["id"] and got["subject_code"] == "SYRMIL"
    assert got["window_start"] == datetime(2026, 11, 1) and got["window_end"] == datetime(2026, 11, 2)
    assert orjson.loads(got["evidence"]) == value["evidence"]


def test_a_daily_record_row():
    value = {"record_id": "2026-11-24|SYRMIL|SYRREB|190", "global_event_id": 12345,
             "event_date": "2026-11-24", "source": {"code": "SYRMIL", "text": "army"},
             "target": None, "cameo_code": "190", "cameo_root": "19", "quad_class": 4,
             "goldstein": -10.0, "plover_event": "FIGHT", "location": None,
             "first_seen": "2026-11-24T06:30:00Z", "last_seen": "2026-11-24T08:00:00Z",
             "num_mentions": 2, "num_articles": 2, "num_sources": 2,
             "event_ids": ["k02:0", "k01:0"], "source_url": None, "schema_version": 1}
    got = as_dict(*read_row("events.daily", message(value)))
    assert got["record_id"] == value["record_id"] and got["event_date"] == date(2026, 11, 24)
    assert got["first_seen"] == datetime(2026, 11, 24, 6, 30) and got["num_sources"] == 2
    assert orjson.loads(got["event_ids"]) == ["k02:0", "k01:0"] and got["target_code"] is None


@pytest.mark.parametrize("value, reason", [
    (b"{not json", "invalid_json"),
    (b"[1, 2]", "not_an_object"),
    (None, "empty_message"),
    ({"article_id": "a"}, "missing_id"),
    ({"event_id": ""}, "missing_id"),
    ({"event_id": 7}, "missing_id"),
    ({"event_id": "a:0", "quad_class": "4"}, "invalid_field"),
    ({"event_id": "a:0", "sentence_index": 2**63}, "invalid_field"),
    ({"event_id": "a:0", "published_at": "0001-01-01T00:00:00+01:00"}, "invalid_field"),
    ({"event_id": "a:0", "location": {"lat": "north"}}, "invalid_field"),
    ({"event_id": "a:0", "source": "SYRMIL"}, "invalid_field"),
])
def test_bad_messages_say_why(value, reason):
    with pytest.raises(BadMessage) as bad:
        read_row("events", message(value))
    assert bad.value.reason == reason


def test_a_nul_character_becomes_a_replacement_character():
    got = as_dict(*read_row("events", message({"event_id": "a\x00:0"})))
    assert got["event_id"] == "a\ufffd:0"
    rejected = dict(zip(REJECTED.column_names, rejected_row(message(b"\x00x"), "invalid_json"),
                        strict=True))
    assert rejected["value_text"] == "\ufffdx" and rejected["position"] == "p-events:0:0"


def test_a_batch_keeps_one_row_per_id_the_last_and_the_next_offset_of_each_partition():
    first, second = known_events()[:2]
    newer = {**first, "cameo_code": "193"}
    batch = build_batch([("events", message(first, 10)), ("events", message(second, 11)),
                         ("events", message(newer, 12)), ("events", message(b"bad", 13)),
                         ("events", message(second, 4, partition=1))])
    assert batch.messages == 5
    assert batch.offsets == {("p-events", 0): 14, ("p-events", 1): 5}
    rows = {row[0]: as_dict(EVENTS, row) for row in batch.rows["events"]}
    assert sorted(rows) == ["k01:0", "k01:1"]
    assert rows["k01:0"]["cameo_code"] == "193" and rows["k01:1"]["kafka_partition"] == 1
    assert [row[0] for row in batch.rows["sink_rejected"]] == ["p-events:0:13"]
    assert [bad.reason for _, bad in batch.rejected] == ["invalid_json"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)
FIELDS = ["event_id", "record_id", "id", "article_id", "field", "start", "end", "kind", "source",
          "location", "published_at", "quad_class", "goldstein", "event_date", "event_ids",
          "window", "subject", "first_seen", "lat", "geonameid", "evidence", "nominal"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(topic=st.sampled_from(["events", "events.daily", "entities", "alerts"]),
       doc=st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=8))
def test_any_json_object_is_a_row_the_database_takes_or_a_bad_message(store, topic, doc):
    try:
        read_row(topic, message(doc))
    except BadMessage:
        return
    store.write(build_batch([(topic, message(doc))]))  # never a database error
