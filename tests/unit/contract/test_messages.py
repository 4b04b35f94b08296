import base64

from streams.contract.messages import dead_letter, entity_messages, event_messages
from streams.runtime.tables import add_mention

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


def test_counts_add_mentions_and_distinct_articles():
    value = add_mention(None, True, code="SYRREB")
    value = add_mention(value, False, code="SYRREB")
    value = add_mention(value, True, code="SYRREB")
    assert value == {"mentions": 3, "articles": 2, "code": "SYRREB"}
