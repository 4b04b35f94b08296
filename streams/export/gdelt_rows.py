"""An `events.daily` record as one GDELT 2.0 Events row, an `events` message as one Mentions row.

Pure functions: a row is a list of strings in the order of the published column list
(streams/data/gdelt_*_columns.tsv), "" where the project has nothing. docs/gdelt.md says what
fills each column.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from streams.alerts.windows import parse_timestamp
from streams.contract.daily import event_date, event_time, record_id
from streams.export.gdelt_geo import NO_PLACE, geo_columns
from streams.extraction.actor_data import data_rows

QUARTER_HOUR = 15 * 60  # GDELT's update interval: its DATEADDED and mention times fall on it
# IsRootEvent: GDELT marks events of the lead paragraph. An event's sentence counts the title
# first, so 0 and 1 are the title and the lead sentence (or a title-less article's first two).
ROOT_SENTENCES = 2
# MentionType: 1 a web document (the identifier is its URL), 2 a citation only (no URL: the
# identifier is the article id).
WEB, CITATION_ONLY = "1", "2"
ABSENT_OFFSET = "-1"  # GDELT's offset of an actor the sentence does not have


def record_id_of(event: Mapping[str, Any], fallback: float) -> str:
    """The id of the record an `events` message counts in, dated as the daily agent dates it
    (streams/contract/daily.py); `fallback`: Unix seconds when published_at does not parse."""
    return record_id(event, event_date(event_time(event.get("published_at"), fallback)))


def utc_datetime(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC)


def quarter_hour(timestamp: float) -> str:
    """YYYYMMDDHHMMSS of the 15-minute slot holding `timestamp` (GDELT's update times)."""
    return utc_datetime(timestamp - timestamp % QUARTER_HOUR).strftime("%Y%m%d%H%M%S")


def date_added(record: Mapping[str, Any]) -> str:
    """DATEADDED: the slot in which the record was first seen (its first article's time)."""
    return quarter_hour(parse_timestamp(record["first_seen"]) or 0.0)


def fraction_date(day: dt.date) -> str:
    """GDELT's YYYY.FFFF. The codebook gives (MONTH * 30 + DAY) / 365, but GDELT's files hold
    ((MONTH - 1) * 30 + DAY) / 365 (20160701 is 2016.4959, 20170601 2017.4137): the files win."""
    return f"{day.year + ((day.month - 1) * 30 + day.day) / 365:.4f}"


@functools.cache
def country_codes() -> frozenset[str]:
    """The country codes actor codes start with (streams/data/actors_countries.tsv)."""
    return frozenset(row[0] for row in data_rows("actors_countries.tsv"))


def actor_columns(actor: Mapping[str, Any] | None) -> list[str]:
    """Code, Name, CountryCode, KnownGroupCode, EthnicCode, Religion1Code, Religion2Code,
    Type1Code, Type2Code, Type3Code. A code is a country and/or 3-letter roles (SYRMIL: SYR +
    MIL; IGO; SYR); the name is the text the actor was named by, upper-cased as GDELT's are."""
    code = (actor or {}).get("code") or ""
    if not code:
        return [""] * 10
    parts = [code[i:i + 3] for i in range(0, len(code), 3)]
    country = parts.pop(0) if parts[0] in country_codes() else ""
    types = (parts + ["", "", ""])[:3]
    return [code, ((actor or {}).get("text") or "").upper(), country, "", "", "", "", *types]


def number(value: Any) -> str:
    return "" if value is None else str(value)


def event_row(record: Mapping[str, Any], *, is_root: bool | None) -> list[str]:
    """The 61 columns of an Events row for an events.daily record; `is_root` None (not known)
    leaves IsRootEvent empty."""
    day = dt.date.fromisoformat(record["event_date"])
    cameo = record["cameo_code"]
    return [
        str(record["global_event_id"]),
        day.strftime("%Y%m%d"),
        day.strftime("%Y%m"),
        str(day.year),
        fraction_date(day),
        *actor_columns(record.get("source")),
        *actor_columns(record.get("target")),
        "" if is_root is None else "1" if is_root else "0",
        cameo,
        cameo[:3],
        record.get("cameo_root") or cameo[:2],
        number(record.get("quad_class")),
        number(None if record.get("goldstein") is None else float(record["goldstein"])),
        number(record.get("num_mentions")),
        number(record.get("num_sources")),
        number(record.get("num_articles")),
        "",  # AvgTone: no tone is computed
        *NO_PLACE,  # Actor1Geo: an event carries one place, the action's
        *NO_PLACE,  # Actor2Geo
        *geo_columns(record.get("location")),
        date_added(record),
        record.get("source_url") or "",
    ]


def mention_time(event: Mapping[str, Any], fallback: float) -> str:
    """MentionTimeDate: the slot of the article's published time (else of `fallback`)."""
    return quarter_hour(parse_timestamp(event.get("published_at")) or fallback)


def source_name(event: Mapping[str, Any]) -> str:
    """The outlet: the article's `source`, else its URL's host (GDELT's top-level domain)."""
    if event.get("article_source"):
        return str(event["article_source"])
    host = urlsplit(event.get("article_url") or "").hostname or ""
    return host.removeprefix("www.")


def mention_row(event: Mapping[str, Any], *, global_id: int, event_time: str,
                fallback: float) -> list[str]:
    """The 16 columns of a Mentions row for an `events` message; `event_time` is the DATEADDED
    of its record ("" when the record is not known), `fallback` the message's Kafka time."""
    url = event.get("article_url")
    return [
        str(global_id),
        event_time,
        mention_time(event, fallback),
        WEB if url else CITATION_ONLY,
        source_name(event),
        url or str(event["article_id"]),
        str(int(event["sentence_index"]) + 1),  # GDELT counts sentences from 1
        "" if event.get("source") else ABSENT_OFFSET,  # present but not located: unknown
        "" if event.get("target") else ABSENT_OFFSET,
        "",  # ActionCharOffset: the verb's offset is not carried on `events`
        "1",  # InRawText: events are coded from the article's own sentences, never rewritten
        "",  # Confidence: none is computed
        "",  # MentionDocLen: the article's length is not carried on `events`
        "",  # MentionDocTone: no tone
        "",  # MentionDocTranslationInfo: blank for untranslated documents
        "",  # Extras
    ]
