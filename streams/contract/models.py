"""The records carried by each topic: the public contract with downstream services.

Every message carries `schema_version`. Records serialise to plain JSON (no Faust metadata),
so consumers without Faust read them as ordinary JSON objects.
"""

from __future__ import annotations

from typing import Any

import faust

SCHEMA_VERSION = 1


class PlainRecord(faust.Record, abstract=True, include_metadata=False, serializer="json"):
    """Base for topic records: JSON without Faust's `__faust` metadata block."""


class EntityMention(PlainRecord):
    """One actor or location mention, keyed on `entities` by actor code or GeoNames id."""

    article_id: str
    kind: str  # "actor" | "location"
    key: str  # the actor code or the GeoNames id as a string: the message key
    text: str
    field: str
    start: int
    end: int
    type: str
    nominal: bool = False  # a common-noun actor ("government forces"), not a named entity
    nested: bool = False  # a place named inside an organisation's name (added to v1 later)
    code: str | None = None
    geonameid: int | None = None
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    feature_class: str | None = None
    sentence_index: int = 0
    first_in_article: bool = True  # first mention of this key in the article: counts articles
    article_mentions: int = 0  # coded mentions in the whole article: a consumer knows when it has all
    article_events: int = 0  # events coded in the whole article
    published_at: str | None = None
    schema_version: int = SCHEMA_VERSION


class Event(PlainRecord):
    """One coded event (who did what to whom, where), keyed on `events` by `event_id`."""

    event_id: str
    article_id: str
    source: dict[str, Any] | None
    target: dict[str, Any] | None
    cameo_code: str
    cameo_root: str
    quad_class: int
    goldstein: float
    plover_event: str | None
    sentence_index: int
    location: dict[str, Any] | None = None
    article_mentions: int = 0  # coded mentions in the whole article: a consumer knows when it has all
    article_events: int = 0  # events coded in the whole article
    published_at: str | None = None
    article_source: str | None = None  # the article's `source` (the outlet), added to v1 later
    article_url: str | None = None  # the article's `url`, added to v1 later
    schema_version: int = SCHEMA_VERSION


class DeadLetter(PlainRecord):
    """An input that could not be processed: the original bytes and why."""

    reason: str  # a stable code: invalid_json, not_an_object, missing_field, ...
    message: str  # for a person
    original: str  # the original bytes, base64 (the first DLQ_MAX_ORIGINAL_BYTES of them)
    topic: str
    partition: int
    offset: int
    key: str | None = None  # the original key, base64
    original_size: int = 0  # the size of the original value in bytes
    original_sha256: str = ""  # hex SHA-256 of the whole original value
    original_truncated: bool = False  # true when `original` holds only a prefix
    key_size: int | None = None  # the size of the original key in bytes; None: no key
    key_sha256: str | None = None  # hex SHA-256 of the whole original key
    key_truncated: bool = False  # true when `key` holds only a prefix
    headers: list[list[str | None]] | None = None  # [[name, value base64 or None], ...]
    headers_truncated: bool = False  # true when some of the last headers were left off
    # per kept header, its name's bytes (base64) when they are not UTF-8, else None; None when
    # every name is UTF-8
    headers_raw_names: list[str | None] | None = None
    schema_version: int = SCHEMA_VERSION


class Alert(PlainRecord):
    """An alert raised by a rule (streams/contract/json_schemas/alerts.v1.json), keyed on `alerts` by
    `{rule}:{actor code | GeoNames id}`; built by `streams.alerts.rules.make_alert`."""

    id: str  # deterministic: a hash of rule, subject and window
    rule: str
    kind: str  # spike | threshold | watchlist
    severity: str  # info | warning | critical
    subject: dict[str, Any]  # {kind, code | geonameid, name}
    window: dict[str, str]  # {start, end}: RFC 3339 UTC, end exclusive
    observed: float  # the window's count (watchlist: 1, the event that matched)
    baseline: float | None  # spike: the mean of the trailing windows; otherwise null
    evidence: dict[str, list[str]]  # {event_ids, article_ids}: at most 50 of each
    created_at: str  # RFC 3339 UTC
    details: dict[str, Any] | None = None  # what the rule compared or matched (threshold, ...)
    schema_version: int = SCHEMA_VERSION


class SubjectEvent(PlainRecord):
    """Internal topic `{app_id}-events-by-subject` (not part of the contract): an event once for
    each actor and place it is about, keyed like `entities`; or a timer tick (`tick` set, no
    event) sent to every partition so the alert agent closes windows without waiting for events."""

    subject: dict[str, Any] | None = None
    event: dict[str, Any] | None = None
    event_time: float | None = None  # published_at, else ingestion time (streams.alerts.windows)
    tick: float | None = None  # wall-clock time of the tick


class DailyRecord(PlainRecord):
    """One real-world event merged across articles, keyed on the compacted `events.daily` by
    `record_id` (streams/contract/json_schemas/events.daily.v1.json); built by
    `streams.contract.daily.add_event`."""

    record_id: str  # {event_date}|{source code or -}|{target code or -}|{cameo_code}
    global_event_id: int  # from record_id: the first 8 bytes of its SHA-256, 63 bits
    event_date: str  # YYYY-MM-DD
    source: dict[str, Any]  # {code, text}, the first seen
    target: dict[str, Any] | None  # {code, text}, the first seen, or null
    cameo_code: str
    cameo_root: str
    quad_class: int
    goldstein: float
    plover_event: str | None
    location: dict[str, Any] | None  # the place reported most often (ties: the first seen)
    first_seen: str  # RFC 3339 UTC
    last_seen: str
    num_mentions: int  # distinct event ids
    num_articles: int  # distinct article ids
    num_sources: int  # distinct outlets (article `source`; none named counts as one)
    event_ids: list[str]  # the first 50, in the order seen
    source_url: str | None  # the article_url of the first contributing event
    schema_version: int = SCHEMA_VERSION


class RecordEvent(PlainRecord):
    """Internal topic `{app_id}-events-by-record` (not part of the contract): an event keyed by
    the id of its `events.daily` record, with its event time (streams.contract.daily.event_time)."""

    event: dict[str, Any]
    event_time: float
