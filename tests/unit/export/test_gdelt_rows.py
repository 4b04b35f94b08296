"""GDELT 2.0 rows from an events.daily record and `events` messages, read back from the files
with the published column list, column by column."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib

import pytest

from streams.contract.daily import global_event_id
from streams.export.gdelt_columns import event_columns, mention_columns
from streams.export.gdelt_feed import GdeltFeed
from streams.export.gdelt_files import write_update
from streams.export.gdelt_rows import (
    actor_columns,
    event_row,
    fraction_date,
    mention_row,
    record_id_of,
)

RECORD_ID = "2016-09-04|SYRMIL|SYRREB|192"
ALEPPO = {"geonameid": 170063, "name": "Aleppo", "lat": 36.20124, "lon": 37.16117,
          "country": "SYR", "feature_class": "P"}


def record(**changes) -> dict:
    """An events.daily record as the spec writes it: three events of two articles."""
    value = {
        "record_id": RECORD_ID,
        "global_event_id": global_event_id(RECORD_ID),
        "event_date": "2016-09-04",
        "source": {"code": "SYRMIL", "text": "Government forces"},
        "target": {"code": "SYRREB", "text": "rebels"},
        "cameo_code": "192", "cameo_root": "19", "quad_class": 4, "goldstein": -9.5,
        "plover_event": "FIGHT",
        "location": ALEPPO,
        "first_seen": "2016-09-04T06:20:31Z", "last_seen": "2016-09-04T09:00:00Z",
        "num_mentions": 3, "num_articles": 2, "num_sources": 2,
        "event_ids": ["a1:6", "a2:0", "a2:3"],
        "source_url": "https://news.example.org/aleppo-1",
        "schema_version": 1,
    }
    return {**value, **changes}


def event(event_id: str, sentence_index: int, **changes) -> dict:
    article_id = event_id.split(":")[0]
    value = {
        "event_id": event_id, "article_id": article_id,
        "source": {"code": "SYRMIL", "text": "Government forces"},
        "target": {"code": "SYRREB", "text": "rebels"},
        "cameo_code": "192", "cameo_root": "19", "quad_class": 4, "goldstein": -9.5,
        "plover_event": "FIGHT", "sentence_index": sentence_index, "location": ALEPPO,
        "article_mentions": 10, "article_events": 4,
        "published_at": "2016-09-04T06:20:31Z",
        "article_source": "Example News", "article_url": f"https://news.example.org/{article_id}",
        "schema_version": 1,
    }
    return {**value, **changes}


def read_back(path, columns) -> list[dict[str, str]]:
    """The file as GDELT users read it: tab-separated, no header, the published columns."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert all(len(row) == len(columns) for row in rows), [len(row) for row in rows]
    return [dict(zip([name for name, _ in columns], row, strict=True)) for row in rows]


def check_types(row: dict[str, str], columns) -> None:
    """Every non-empty value parses as its published type."""
    for name, kind in columns:
        value = row[name]
        if value == "":
            continue
        if kind == "INTEGER":
            assert str(int(value)) == value, (name, value)
        elif kind == "FLOAT":
            float(value)


def test_the_published_lists_have_61_and_16_columns_in_gdelt_order():
    events, mentions = event_columns(), mention_columns()
    assert len(events) == 61 and len(mentions) == 16
    assert [name for name, _ in events[:5]] == ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year",
                                                "FractionDate"]
    assert events[25] == ("IsRootEvent", "INTEGER")
    assert events[34] == ("AvgTone", "FLOAT")
    assert events[51] == ("ActionGeo_Type", "INTEGER")
    assert events[57] == ("ActionGeo_Long", "FLOAT")
    assert events[-2:] == (("DATEADDED", "INTEGER"), ("SOURCEURL", "STRING"))
    assert [name for name, _ in mentions] == [
        "GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName",
        "MentionIdentifier", "SentenceID", "Actor1CharOffset", "Actor2CharOffset",
        "ActionCharOffset", "InRawText", "Confidence", "MentionDocLen", "MentionDocTone",
        "MentionDocTranslationInfo", "Extras"]


def test_an_events_file_read_back_holds_the_record_column_by_column(tmp_path):
    feed = GdeltFeed()
    feed.add_event(event("a1:6", 1), 1_473_000_000.0)  # the first report, in the lead sentence
    feed.add_record(record())
    rows = feed.take(final=True)
    export, _ = write_update(tmp_path, 1_700_000_000.0, rows.events, rows.mentions)
    assert export.name == "20231114221320.export.CSV"
    [row] = read_back(export, event_columns())
    check_types(row, event_columns())
    expected_id = int.from_bytes(hashlib.sha256(RECORD_ID.encode()).digest()[:8], "big") & (2**63 - 1)
    filled = {
        "GLOBALEVENTID": str(expected_id),
        "SQLDATE": "20160904", "MonthYear": "201609", "Year": "2016",
        "FractionDate": "2016.6685",  # ((9 - 1) * 30 + 4) / 365 = 0.66849
        "Actor1Code": "SYRMIL", "Actor1Name": "GOVERNMENT FORCES", "Actor1CountryCode": "SYR",
        "Actor1Type1Code": "MIL",
        "Actor2Code": "SYRREB", "Actor2Name": "REBELS", "Actor2CountryCode": "SYR",
        "Actor2Type1Code": "REB",
        "IsRootEvent": "1",
        "EventCode": "192", "EventBaseCode": "192", "EventRootCode": "19",
        "QuadClass": "4", "GoldsteinScale": "-9.5",
        "NumMentions": "3", "NumSources": "2", "NumArticles": "2",
        "Actor1Geo_Type": "0", "Actor2Geo_Type": "0",
        "ActionGeo_Type": "4", "ActionGeo_FullName": "Aleppo, Syria",
        "ActionGeo_CountryCode": "SY", "ActionGeo_ADM1Code": "SY09",
        "ActionGeo_Lat": "36.2012", "ActionGeo_Long": "37.1612", "ActionGeo_FeatureID": "170063",
        "DATEADDED": "20160904061500",  # the quarter hour of first_seen
        "SOURCEURL": "https://news.example.org/aleppo-1",
    }
    assert {name: value for name, value in row.items() if value} == filled


def test_a_mentions_file_read_back_has_one_row_per_event_column_by_column(tmp_path):
    feed = GdeltFeed()
    feed.add_event(event("a1:6", 1), 1_473_000_000.0)
    feed.add_event(event("a2:0", 0, published_at="2016-09-04T08:59:59Z", article_source=None,
                         target=None), 1_473_000_100.0)
    feed.add_event(event("a2:3", 4, article_url=None, article_source=None,
                         published_at="2016-09-04T09:00:00Z"), 1_473_000_200.0)
    feed.add_record(record())
    rows = feed.take(final=True)
    _, mentions = write_update(tmp_path, 1_700_000_000.0, rows.events, rows.mentions)
    read = read_back(mentions, mention_columns())
    for row in read:
        check_types(row, mention_columns())
    gid = str(global_event_id(RECORD_ID))
    common = {"GLOBALEVENTID": gid, "EventTimeDate": "20160904061500", "ActionCharOffset": "",
              "InRawText": "1", "Confidence": "", "MentionDocLen": "", "MentionDocTone": "",
              "MentionDocTranslationInfo": "", "Extras": ""}
    assert read == [
        {**common, "MentionTimeDate": "20160904061500", "MentionType": "1",
         "MentionSourceName": "Example News", "MentionIdentifier": "https://news.example.org/a1",
         "SentenceID": "2", "Actor1CharOffset": "", "Actor2CharOffset": ""},
        {**common, "MentionTimeDate": "20160904084500", "MentionType": "1",
         "MentionSourceName": "news.example.org",  # no source: the URL's host
         "MentionIdentifier": "https://news.example.org/a2", "SentenceID": "1",
         "Actor1CharOffset": "", "Actor2CharOffset": "-1"},  # no target: GDELT's -1
        {**common, "MentionTimeDate": "20160904090000", "MentionType": "2",  # no URL: a citation
         "MentionSourceName": "", "MentionIdentifier": "a2", "SentenceID": "5",
         "Actor1CharOffset": "", "Actor2CharOffset": ""},
    ]


@pytest.mark.parametrize(("day", "expected"), [
    # GDELT's own files: SQLDATE -> FractionDate
    (dt.date(2016, 7, 1), "2016.4959"),
    (dt.date(2017, 6, 1), "2017.4137"),
    (dt.date(2007, 7, 4), "2007.5041"),
    (dt.date(2020, 1, 1), "2020.0027"),
])
def test_fraction_date_matches_gdelt_files(day, expected):
    assert fraction_date(day) == expected


@pytest.mark.parametrize(("actor", "expected"), [
    ({"code": "SYRMIL", "text": "Government forces"},
     ["SYRMIL", "GOVERNMENT FORCES", "SYR", "", "", "", "", "MIL", "", ""]),
    ({"code": "SYR", "text": "Syrians"}, ["SYR", "SYRIANS", "SYR", "", "", "", "", "", "", ""]),
    ({"code": "IGO", "text": "the UN"}, ["IGO", "THE UN", "", "", "", "", "", "IGO", "", ""]),
    ({"code": "PSENGO", "text": "a Palestinian rights group"},
     ["PSENGO", "A PALESTINIAN RIGHTS GROUP", "PSE", "", "", "", "", "NGO", "", ""]),
    ({"code": "USAGOVMIL", "text": "the Pentagon"},
     ["USAGOVMIL", "THE PENTAGON", "USA", "", "", "", "", "GOV", "MIL", ""]),
    ({"code": None, "text": "someone"}, [""] * 10),
    (None, [""] * 10),
])
def test_actor_codes_split_into_country_and_roles(actor, expected):
    assert actor_columns(actor) == expected


def test_a_record_without_target_or_place_leaves_those_columns_as_gdelt_does():
    row = event_row(record(target=None, location=None, source_url=None, cameo_code="0251",
                           cameo_root="02", quad_class=1, goldstein=3), is_root=False)
    columns = dict(zip([name for name, _ in event_columns()], row, strict=True))
    assert [columns[f"Actor2{n}"] for n in ("Code", "Name", "CountryCode", "Type1Code")] == [""] * 4
    assert (columns["EventCode"], columns["EventBaseCode"], columns["EventRootCode"]) == (
        "0251", "025", "02")
    assert (columns["QuadClass"], columns["GoldsteinScale"], columns["IsRootEvent"]) == (
        "1", "3.0", "0")
    assert columns["ActionGeo_Type"] == "0"
    assert [columns[name] for name, _ in event_columns() if name.startswith("ActionGeo_")][1:] == [""] * 7
    assert columns["SOURCEURL"] == ""


def test_a_mention_row_has_16_columns():
    row = mention_row(event("a9:0", 0), global_id=7, event_time="", fallback=0.0)
    assert len(row) == 16 and row[:3] == ["7", "", "20160904061500"]


def test_the_record_id_of_an_event_follows_the_daily_spec():
    assert record_id_of(event("a1:0", 0), 0.0) == RECORD_ID
    assert record_id_of(event("a1:0", 0, target=None, published_at="not a date"),
                        1_473_000_000.0) == "2016-09-04|SYRMIL|-|192"  # the Kafka time's day
    rss = event("a1:0", 0, published_at="Sun, 04 Sep 2016 23:30:00 -0300")  # RFC 2822: UTC 5th
    assert record_id_of(rss, 1_473_200_000.0) == "2016-09-05|SYRMIL|SYRREB|192"
    naive = event("a1:0", 0, published_at="2016-09-04T23:30:00")  # no zone: UTC
    assert record_id_of(naive, 0.0) == RECORD_ID
