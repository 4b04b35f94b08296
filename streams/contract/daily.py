"""The `events.daily` record: one per real-world event however many articles report it (pure).

Events are merged Phoenix's "one-a-day" way: one record per event date, source code, target
code and CAMEO code (`record_id`), with GDELT's NumMentions, NumArticles and NumSources.
`add_event` folds one event into the record's state; the agent (streams/runtime/daily_agents.py)
decides, with a dedupe ledger, whether the event and its article are new to the record, so
redelivered events never count twice. The state keeps, beside the published record, what the
next merge needs: the outlets seen, the places and how often each was reported, the time range.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from streams.alerts.windows import parse_timestamp, rfc3339
from streams.contract.models import SCHEMA_VERSION

MAX_EVENT_IDS = 50  # event_ids keeps the first ones, in the order seen
ACTION_FIELDS = ("cameo_code", "cameo_root", "quad_class", "goldstein", "plover_event")


def event_time(published_at: str | None, coded_at: float) -> float:
    """When the event was reported: the article's published_at when readable (RFC 3339 / ISO
    8601 or RFC 2822, as the alert windows read it; naive times are UTC), else when the worker
    coded it (Unix seconds)."""
    try:
        at = parse_timestamp(published_at)
        if at is None:
            return coded_at
        datetime.fromtimestamp(at, UTC)  # in UTC still within years 1 to 9999
    except (ValueError, OverflowError, OSError):
        return coded_at
    return at


def event_date(timestamp: float) -> str:
    """The UTC date of a Unix time, `YYYY-MM-DD`."""
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat()


def record_id(event: dict[str, Any], date: str) -> str:
    """`{event_date}|{source code or -}|{target code or -}|{cameo_code}`: the record's key."""
    source, target = event.get("source") or {}, event.get("target") or {}
    return f"{date}|{source.get('code') or '-'}|{target.get('code') or '-'}|{event['cameo_code']}"


def global_event_id(rid: str) -> int:
    """A positive 63-bit integer from the record id (GDELT's GLOBALEVENTID is a number)."""
    return int.from_bytes(hashlib.sha256(rid.encode()).digest()[:8], "big") & (2**63 - 1)


def add_event(state: dict[str, Any] | None, event: dict[str, Any], at: float,
              new_article: bool) -> dict[str, Any]:
    """The record's state after one more (new) event reported at `at` (`event_time`);
    `new_article`: its article had not contributed to the record yet."""
    if state is None:
        rid = record_id(event, event_date(at))
        state = {
            "record": {
                "record_id": rid, "global_event_id": global_event_id(rid),
                "event_date": event_date(at),
                "source": event.get("source") or {"code": None, "text": None},
                "target": event.get("target"),
                **{name: event[name] for name in ACTION_FIELDS},
                "location": None, "first_seen": rfc3339(at), "last_seen": rfc3339(at),
                "num_mentions": 0, "num_articles": 0, "num_sources": 0, "event_ids": [],
                "source_url": event.get("article_url"), "schema_version": SCHEMA_VERSION,
            },
            "sources": [], "places": [], "first": at, "last": at,
        }
    record, sources = dict(state["record"]), list(state["sources"])
    outlet = event.get("article_source")  # None: the outlets nobody named count as one
    if new_article and outlet not in sources:
        sources.append(outlet)
    places = _reported(state["places"], event.get("location"))
    first, last = min(state["first"], at), max(state["last"], at)
    record.update(
        location=_most_reported(places), first_seen=rfc3339(first), last_seen=rfc3339(last),
        num_mentions=record["num_mentions"] + 1,
        num_articles=record["num_articles"] + (1 if new_article else 0),
        num_sources=len(sources),
        event_ids=(record["event_ids"] + [event["event_id"]])[:MAX_EVENT_IDS],
    )
    return {"record": record, "sources": sources, "places": places, "first": first, "last": last}


def _reported(places: list[dict[str, Any]], location: dict[str, Any] | None) -> list[dict]:
    """[{"location", "count"}] in the order first seen, with `location` counted once more."""
    if location is None:
        return places
    for index, place in enumerate(places):
        if place["location"]["geonameid"] == location["geonameid"]:
            return [*places[:index], {**place, "count": place["count"] + 1}, *places[index + 1:]]
    return [*places, {"location": location, "count": 1}]


def _most_reported(places: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The place reported most often; ties go to the first seen (max keeps the first)."""
    return max(places, key=lambda place: place["count"])["location"] if places else None


def matches(record: dict[str, Any], date: str | None = None, actor: str | None = None,
            location: int | None = None) -> bool:
    """The filters of `GET /events/daily`: its date, an actor as source or target, its place."""
    codes = {(record["source"] or {}).get("code"), (record["target"] or {}).get("code")}
    return ((date is None or record["event_date"] == date)
            and (actor is None or actor in codes)
            and (location is None or (record["location"] or {}).get("geonameid") == location))


def ranked(records: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """The n records carried by most articles (then mentions; ties by record id)."""
    return sorted(records, key=lambda r: (-r["num_articles"], -r["num_mentions"],
                                          r["record_id"]))[:n]
