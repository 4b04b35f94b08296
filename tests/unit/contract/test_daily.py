"""The events.daily record (streams/contract/daily.py): merging events across articles, pure."""

from __future__ import annotations

import hashlib

import pytest

from streams.contract.daily import (
    MAX_EVENT_IDS,
    add_event,
    event_date,
    event_time,
    global_event_id,
    matches,
    ranked,
    record_id,
)
from streams.contract.schemas import validate

ALEPPO = {"geonameid": 170063, "name": "Aleppo", "lat": 36.20124, "lon": 37.16117,
          "country": "SYR", "feature_class": "P"}
IDLIB = {"geonameid": 169389, "name": "Idlib", "lat": 35.93062, "lon": 36.63393,
         "country": "SYR", "feature_class": "P"}
CODED_AT = 1_700_000_000.0  # 2023-11-14T22:13:20Z
SEP_4 = "2016-09-04T10:00:00Z"


def event(article, n=0, outlet="Reuters", location=ALEPPO, published=SEP_4, text="army"):
    return {"event_id": f"{article}:{n}", "article_id": article,
            "source": {"code": "SYRMIL", "text": text},
            "target": {"code": "SYRREB", "text": "rebels"}, "cameo_code": "190",
            "cameo_root": "19", "quad_class": 4, "goldstein": -10.0, "plover_event": "ASSAULT",
            "sentence_index": n, "location": location, "article_mentions": 3,
            "article_events": 2, "published_at": published, "article_source": outlet,
            "article_url": f"https://{outlet or 'unknown'}.example/{article}",
            "schema_version": 1}


def merged(*events_and_new_article):
    """The record after (event, its article is new to the record) pairs, in order."""
    state = None
    for value, new_article in events_and_new_article:
        state = add_event(state, value, event_time(value["published_at"], CODED_AT), new_article)
    return state["record"]


def test_one_event_makes_a_record_as_the_spec_says():
    record = merged((event("a"), True))
    rid = "2016-09-04|SYRMIL|SYRREB|190"
    assert record == {
        "record_id": rid, "global_event_id": global_event_id(rid), "event_date": "2016-09-04",
        "source": {"code": "SYRMIL", "text": "army"},
        "target": {"code": "SYRREB", "text": "rebels"}, "cameo_code": "190", "cameo_root": "19",
        "quad_class": 4, "goldstein": -10.0, "plover_event": "ASSAULT", "location": ALEPPO,
        "first_seen": "2016-09-04T10:00:00Z", "last_seen": "2016-09-04T10:00:00Z",
        "num_mentions": 1, "num_articles": 1, "num_sources": 1, "event_ids": ["a:0"],
        "source_url": "https://Reuters.example/a", "schema_version": 1}
    validate("events.daily", record)


def test_two_events_of_one_article_are_two_mentions_of_one_article():
    record = merged((event("a", 0), True), (event("a", 1), False))
    assert (record["num_mentions"], record["num_articles"], record["num_sources"]) == (2, 1, 1)


def test_two_articles_of_one_outlet_are_one_source():
    record = merged((event("a"), True), (event("b"), True))
    assert (record["num_mentions"], record["num_articles"], record["num_sources"]) == (2, 2, 1)


def test_two_outlets_are_two_sources_and_unnamed_ones_count_as_one():
    record = merged((event("a"), True), (event("b", outlet="AFP"), True),
                    (event("c", outlet=None), True), (event("d", outlet=None), True))
    assert (record["num_articles"], record["num_sources"]) == (4, 3)


def test_an_outlet_is_counted_with_its_article_only():
    # The outlet goes with the article: an event of an article already merged adds none (the
    # ledger says the article is not new; its outlet was counted with its first event).
    record = merged((event("a"), True), (event("a", 1, outlet="AFP"), False))
    assert record["num_sources"] == 1


def test_the_first_seen_names_and_url_stay():
    record = merged((event("a", text="army"), True), (event("b", outlet="AFP", text="troops"), True))
    assert record["source"] == {"code": "SYRMIL", "text": "army"}
    assert record["source_url"] == "https://Reuters.example/a"


def test_the_place_reported_most_wins_and_a_tie_goes_to_the_first_seen():
    tie = merged((event("a", location=IDLIB), True), (event("b", location=ALEPPO), True),
                 (event("c", location=None), True))
    assert tie["location"] == IDLIB
    most = merged((event("a", location=IDLIB), True), (event("b", location=ALEPPO), True),
                  (event("c", location=ALEPPO), True))
    assert most["location"] == ALEPPO
    assert merged((event("a", location=None), True))["location"] is None


def test_event_ids_keep_the_first_fifty_in_order_and_the_count_goes_on():
    record = merged(*((event(f"a{n}"), True) for n in range(MAX_EVENT_IDS + 7)))
    assert record["event_ids"] == [f"a{n}:0" for n in range(MAX_EVENT_IDS)]
    assert (record["num_mentions"], record["num_articles"]) == (57, 57)
    validate("events.daily", record)


def test_first_and_last_seen_span_the_contributing_events():
    record = merged((event("a", published="2016-09-04T10:00:00Z"), True),
                    (event("b", published="2016-09-04T03:00:00+00:00"), True),
                    (event("c", published="2016-09-04T21:30:15.5Z"), True))
    assert (record["first_seen"], record["last_seen"]) == ("2016-09-04T03:00:00Z",
                                                           "2016-09-04T21:30:15.500000Z")


@pytest.mark.parametrize(("published", "date"), [
    ("2016-09-04T10:00:00Z", "2016-09-04"),
    ("2016-09-04T22:30:00-05:00", "2016-09-05"),  # the UTC date
    ("2016-09-04T10:00:00", "2016-09-04"),  # naive: UTC
    ("2016-09-04", "2016-09-04"),
    (None, "2023-11-14"),  # no published_at: the date it was coded
    ("", "2023-11-14"),
    ("last Sunday", "2023-11-14"),  # unreadable: the same
    ("Sun, 04 Sep 2016 22:30:00 -0300", "2016-09-05"),  # RFC 2822 (RSS), as the windows read it
    ("0001-01-01T00:00:00Z", "0001-01-01"),  # four digits, as record ids have them
    ("0001-01-01T00:00:00+01:00", "2023-11-14"),  # before year 1 in UTC: unusable
    ("9999-12-31T23:59:59-01:00", "2023-11-14"),  # after year 9999 in UTC: the same
])
def test_the_event_date_is_published_at_in_utc_else_when_coded(published, date):
    assert event_date(event_time(published, CODED_AT)) == date


def test_a_record_of_year_one_keeps_the_spec():
    record = merged((event("a", published="0001-01-01T00:00:00Z"), True))
    assert (record["record_id"], record["first_seen"]) == ("0001-01-01|SYRMIL|SYRREB|190",
                                                           "0001-01-01T00:00:00Z")
    validate("events.daily", record)


def test_record_ids_are_date_codes_and_cameo_with_a_dash_for_none():
    untargeted = {**event("a"), "target": None, "source": {"code": None, "text": "someone"}}
    assert record_id(untargeted, "2016-09-04") == "2016-09-04|-|-|190"
    uncoded = {**event("a"), "target": {"code": None, "text": "residents"}}
    assert record_id(uncoded, "2016-09-04") == "2016-09-04|SYRMIL|-|190"


def test_the_global_event_id_is_the_spec_hash_of_the_record_id():
    rid = "2016-09-04|SYRMIL|SYRREB|190"
    expected = int.from_bytes(hashlib.sha256(rid.encode()).digest()[:8], "big") & (2**63 - 1)
    assert global_event_id(rid) == expected == global_event_id(str(rid))
    assert 0 <= expected < 2**63
    assert global_event_id("2016-09-04|SYRMIL|SYRREB|191") != expected


def test_the_same_events_in_any_run_make_the_same_record():
    events = [(event("a"), True), (event("a", 1, location=IDLIB), False), (event("b"), True)]
    assert merged(*events) == merged(*events)


def test_filters_and_ranking_of_the_view():
    one = merged((event("a"), True))
    two = merged((event("a"), True), (event("b"), True))
    other = merged(({**event("c", location=IDLIB), "source": {"code": "RUS", "text": "Russia"},
                     "target": None}, True))
    assert matches(one, date="2016-09-04", actor="SYRREB", location=170063)
    assert not matches(one, date="2016-09-05")
    assert not matches(one, actor="RUS") and matches(other, actor="RUS")
    assert not matches(other, location=170063) and not matches(other, actor="SYRREB")
    assert ranked([one, other, two], 2) == [two, other]  # 2 articles first; ties by record id
