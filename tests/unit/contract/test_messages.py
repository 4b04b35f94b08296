import base64
import hashlib

from streams.contract.messages import (
    DLQ_MAX_HEADER_BYTES,
    DLQ_MAX_KEY_BYTES,
    dead_letter,
    entity_messages,
    event_messages,
)
from streams.runtime.mention_batches import SlotChange, apply

ARTICLE = {"id": "art-1", "published_at": "2016-09-04T00:00:00Z"}


def entity(kind, text, start, code=None, geonameid=None):
    return {"kind": kind, "text": text, "field": "body", "start": start, "end": start + len(text),
            "type": "GPE", "sentence_index": 0, "code": code, "geonameid": geonameid,
            "name": text if geonameid else None, "lat": None, "lon": None, "country": None,
            "feature_class": None}


RESULT = {
    "article_id": "art-1",
    "entities": [
        entity("location", "Aleppo", 0, geonameid=170063),
        entity("actor", "rebels", 10, code="SYRREB"),
        entity("location", "Aleppo", 20, geonameid=170063),
        entity("actor", "someone", 30),  # no code: not sent, not counted
    ],
    "events": [{"source": {"code": "SYRMIL", "text": "army"}, "target": None, "cameo_code": "190",
                "cameo_root": "19", "quad_class": 4, "goldstein": -10.0,
                "plover_event": "ASSAULT", "sentence_index": 0, "location": None}],
}


def test_mentions_are_keyed_by_code_or_geonameid_and_mark_the_first_per_article():
    records = entity_messages(ARTICLE, RESULT)
    assert [(r.key, r.first_in_article) for r in records] == [
        ("170063", True), ("SYRREB", True), ("170063", False)]
    assert {r.article_mentions for r in records} == {3}
    assert {r.article_events for r in records} == {1}


def test_events_get_stable_ids_and_plain_json_without_faust_metadata():
    (event,) = event_messages(ARTICLE, RESULT)
    assert event.event_id == "art-1:0"
    data = event.to_representation()
    assert "__faust" not in data
    assert data["schema_version"] == 1
    assert data["published_at"] == "2016-09-04T00:00:00Z"


def test_a_dead_letter_keeps_the_original_bytes():
    record = dead_letter("invalid_json", "bad", b"\xff{", b"k", topic="articles", partition=2,
                         offset=9)
    assert base64.b64decode(record.original) == b"\xff{"
    assert base64.b64decode(record.key) == b"k"
    assert (record.topic, record.partition, record.offset) == ("articles", 2, 9)
    assert (record.key_size, record.key_truncated, record.headers) == (1, False, [])


def test_a_dead_letter_keeps_a_prefix_of_a_huge_key_with_its_size_and_hash():
    key = bytes(range(256)) * 400  # 102,400 bytes, not UTF-8
    record = dead_letter("invalid_json", "bad", b"{}", key, topic="articles", partition=0, offset=1)
    assert base64.b64decode(record.key) == key[:DLQ_MAX_KEY_BYTES]
    assert (record.key_size, record.key_truncated) == (len(key), True)
    assert record.key_sha256 == hashlib.sha256(key).hexdigest()
    assert dead_letter("empty_message", "x", None, None, topic="t", partition=0,
                       offset=0).key_size is None


def test_a_dead_letter_keeps_the_headers_in_order_while_they_fit():
    headers = [("a", b"\xff"), ("b", None), ("a", b"")]
    record = dead_letter("invalid_json", "bad", b"x", b"k", topic="t", partition=0, offset=0,
                         headers=headers)
    assert record.headers == [["a", "/w=="], ["b", None], ["a", ""]]
    assert not record.headers_truncated
    many = [(f"h{n}", b"v" * 1000) for n in range(100)]  # 100 KB of values
    record = dead_letter("invalid_json", "bad", b"x", b"k", topic="t", partition=0, offset=0,
                         headers=many)
    kept = len(record.headers)
    assert record.headers_truncated and kept == DLQ_MAX_HEADER_BYTES // 1002
    assert [name for name, _ in record.headers] == [f"h{n}" for n in range(kept)]
    assert record.headers_raw_names is None


def test_a_dead_letter_keeps_the_bytes_of_a_header_name_that_is_not_utf8():
    # read as text with surrogateescape (streams.runtime.aiokafka_headers), or given as bytes
    escaped = b"x-\xff\xfe".decode("utf-8", "surrogateescape")
    record = dead_letter("invalid_json", "bad", b"x", b"k", topic="t", partition=0, offset=0,
                         headers=[("a", b"1"), (escaped, None), (b"\xc3\x28", b""), ("é", b"")])
    assert record.headers == [["a", "MQ=="], ["x-\ufffd\ufffd", None], ["\ufffd(", ""], ["é", ""]]
    assert [base64.b64decode(n) if n else None for n in record.headers_raw_names] == [
        None, b"x-\xff\xfe", b"\xc3\x28", None]
    big = [("h", b"v" * (DLQ_MAX_HEADER_BYTES - 1)), (escaped, b"")]  # the bad name: no room
    record = dead_letter("invalid_json", "bad", b"x", b"k", topic="t", partition=0, offset=0,
                         headers=big)
    assert (len(record.headers), record.headers_raw_names, record.headers_truncated) == (
        1, None, True)


def test_counts_add_mentions_and_distinct_articles():
    value = apply(None, SlotChange(mentions=2, articles=1, applied_offset=4), code="SYRREB")
    value = apply(value, SlotChange(mentions=1, articles=1, applied_offset=9), code="SYRREB")
    assert value == {"mentions": 3, "articles": 2, "code": "SYRREB", "windows": {},
                     "applied_offset": 9}
