"""One topic message -> one table row (pure, no database, no Kafka).

Each topic has a mapper that reads the JSON value and returns the row as a dict of the table's
columns. What cannot be read (not JSON, not an object, no id, a field of the wrong type) raises
`BadMessage`, and the sink stores the message in `sink_rejected` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson

from streams.alerts.windows import parse_timestamp
from streams.sink.tables import ALERTS, ENTITIES, EVENTS, EVENTS_DAILY, REJECTED, Table

REJECTED_VALUE_CHARS = 65_536  # the first characters of a bad value are kept, for a person


class BadMessage(ValueError):
    """A message the sink cannot store as a row; `reason` is a short stable code."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Message:
    """What the sink needs of a consumed record (aiokafka's ConsumerRecord has these fields)."""

    topic: str  # the broker's name, prefix included
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp: int | None = None  # milliseconds since the epoch


def utc(seconds: float | None) -> datetime | None:
    """A naive UTC datetime: both databases store TIMESTAMP without a zone."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def kafka_time(message: Message) -> datetime | None:
    return utc(message.timestamp / 1000) if message.timestamp is not None else None


def event_date(published: datetime | None, message: Message) -> date | None:
    """The date of `published_at` when readable, else the date the message reached Kafka."""
    moment = published or kafka_time(message)
    return moment.date() if moment else None


def _text(value: Any, name: str, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise BadMessage("missing_id" if required else "invalid_field",
                         f"{name}: expected {'a non-empty ' if required else ''}string, got {value!r}")
    return without_nul(value)


def without_nul(text: str) -> str:
    """PostgreSQL's TEXT cannot hold U+0000 (JSON can): it becomes U+FFFD in both databases."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def _int(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not -2**63 <= value < 2**63:
        raise BadMessage("invalid_field", f"{name}: expected a 64-bit integer, got {value!r}")
    return value


def _float(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadMessage("invalid_field", f"{name}: expected a number, got {value!r}")
    return float(value)


def _bool(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise BadMessage("invalid_field", f"{name}: expected true or false, got {value!r}")


def _object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadMessage("invalid_field", f"{name}: expected an object, got {value!r}")
    return value


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _timestamp(value: Any, name: str) -> datetime | None:
    """None when missing or unreadable; a time outside the calendar is a bad field."""
    try:
        return utc(parse_timestamp(_text(value, name)))
    except (OverflowError, ValueError, OSError):
        raise BadMessage("invalid_field", f"{name}: a time out of range: {value!r}") from None


def _place(doc: dict[str, Any], name: str = "location") -> dict[str, Any]:
    place = _object(doc.get(name), name)
    return {"geonameid": _int(place.get("geonameid"), f"{name}.geonameid"),
            "location_name": _text(place.get("name"), f"{name}.name"),
            "lat": _float(place.get("lat"), f"{name}.lat"),
            "lon": _float(place.get("lon"), f"{name}.lon"),
            "country": _text(place.get("country"), f"{name}.country"),
            "feature_class": _text(place.get("feature_class"), f"{name}.feature_class")}


def _actors(doc: dict[str, Any]) -> dict[str, Any]:
    source, target = _object(doc.get("source"), "source"), _object(doc.get("target"), "target")
    return {"source_code": _text(source.get("code"), "source.code"),
            "source_text": _text(source.get("text"), "source.text"),
            "target_code": _text(target.get("code"), "target.code"),
            "target_text": _text(target.get("text"), "target.text")}


def _action(doc: dict[str, Any]) -> dict[str, Any]:
    return {"cameo_code": _text(doc.get("cameo_code"), "cameo_code"),
            "cameo_root": _text(doc.get("cameo_root"), "cameo_root"),
            "quad_class": _int(doc.get("quad_class"), "quad_class"),
            "goldstein": _float(doc.get("goldstein"), "goldstein"),
            "plover_event": _text(doc.get("plover_event"), "plover_event")}


def event_row(doc: dict[str, Any], message: Message) -> dict[str, Any]:
    published = _timestamp(doc.get("published_at"), "published_at")
    return {"event_id": _text(doc.get("event_id"), "event_id", required=True),
            "article_id": _text(doc.get("article_id"), "article_id"),
            "event_date": event_date(published, message), "published_at": published,
            **_actors(doc), **_action(doc),
            "sentence_index": _int(doc.get("sentence_index"), "sentence_index"),
            **_place(doc),
            "article_mentions": _int(doc.get("article_mentions"), "article_mentions"),
            "article_events": _int(doc.get("article_events"), "article_events"),
            "article_source": _text(doc.get("article_source"), "article_source"),
            "article_url": _text(doc.get("article_url"), "article_url"),
            "kafka_time": kafka_time(message),
            "schema_version": _int(doc.get("schema_version"), "schema_version")}


def daily_row(doc: dict[str, Any], message: Message) -> dict[str, Any]:
    day = _text(doc.get("event_date"), "event_date")
    try:
        parsed_day = date.fromisoformat(day) if day else None
    except ValueError:
        raise BadMessage("invalid_field", f"event_date: expected YYYY-MM-DD, got {day!r}") from None
    event_ids = doc.get("event_ids")
    if event_ids is not None and not isinstance(event_ids, list):
        raise BadMessage("invalid_field", f"event_ids: expected a list, got {event_ids!r}")
    return {"record_id": _text(doc.get("record_id"), "record_id", required=True),
            "global_event_id": _int(doc.get("global_event_id"), "global_event_id"),
            "event_date": parsed_day, **_actors(doc), **_action(doc), **_place(doc),
            "first_seen": _timestamp(doc.get("first_seen"), "first_seen"),
            "last_seen": _timestamp(doc.get("last_seen"), "last_seen"),
            "num_mentions": _int(doc.get("num_mentions"), "num_mentions"),
            "num_articles": _int(doc.get("num_articles"), "num_articles"),
            "num_sources": _int(doc.get("num_sources"), "num_sources"),
            "event_ids": _json(event_ids), "source_url": _text(doc.get("source_url"), "source_url"),
            "schema_version": _int(doc.get("schema_version"), "schema_version")}


def mention_id(article_id: str, field: str, start: int, end: int, kind: str) -> str:
    """The id of a mention: the same span of the same article, coded as the same kind."""
    return f"{article_id}|{field}|{start}|{end}|{kind}"


def entity_row(doc: dict[str, Any], message: Message) -> dict[str, Any]:
    article_id = _text(doc.get("article_id"), "article_id", required=True)
    field = _text(doc.get("field"), "field", required=True)
    kind = _text(doc.get("kind"), "kind", required=True)
    start, end = _int(doc.get("start"), "start"), _int(doc.get("end"), "end")
    if start is None or end is None:
        raise BadMessage("missing_id", "start and end are needed for the mention's id")
    published = _timestamp(doc.get("published_at"), "published_at")
    return {"mention_id": mention_id(article_id, field, start, end, kind),
            "article_id": article_id, "kind": kind,
            "entity_key": _text(doc.get("key"), "key"), "text": _text(doc.get("text"), "text"),
            "field": field, "span_start": start, "span_end": end,
            "type": _text(doc.get("type"), "type"), "nominal": _bool(doc.get("nominal"), "nominal"),
            "nested": _bool(doc.get("nested"), "nested"), "code": _text(doc.get("code"), "code"),
            "geonameid": _int(doc.get("geonameid"), "geonameid"),
            "location_name": _text(doc.get("name"), "name"), "lat": _float(doc.get("lat"), "lat"),
            "lon": _float(doc.get("lon"), "lon"), "country": _text(doc.get("country"), "country"),
            "feature_class": _text(doc.get("feature_class"), "feature_class"),
            "sentence_index": _int(doc.get("sentence_index"), "sentence_index"),
            "first_in_article": _bool(doc.get("first_in_article"), "first_in_article"),
            "article_mentions": _int(doc.get("article_mentions"), "article_mentions"),
            "article_events": _int(doc.get("article_events"), "article_events"),
            "event_date": event_date(published, message), "published_at": published,
            "kafka_time": kafka_time(message),
            "schema_version": _int(doc.get("schema_version"), "schema_version")}


def alert_row(doc: dict[str, Any], message: Message) -> dict[str, Any]:
    subject, window = _object(doc.get("subject"), "subject"), _object(doc.get("window"), "window")
    return {"id": _text(doc.get("id"), "id", required=True),
            "rule": _text(doc.get("rule"), "rule"), "kind": _text(doc.get("kind"), "kind"),
            "severity": _text(doc.get("severity"), "severity"),
            "subject_kind": _text(subject.get("kind"), "subject.kind"),
            "subject_code": _text(subject.get("code"), "subject.code"),
            "subject_geonameid": _int(subject.get("geonameid"), "subject.geonameid"),
            "subject_name": _text(subject.get("name"), "subject.name"),
            "window_start": _timestamp(window.get("start"), "window.start"),
            "window_end": _timestamp(window.get("end"), "window.end"),
            "observed": _float(doc.get("observed"), "observed"),
            "baseline": _float(doc.get("baseline"), "baseline"),
            "evidence": _json(doc.get("evidence")), "details": _json(doc.get("details")),
            "created_at": _timestamp(doc.get("created_at"), "created_at"),
            "schema_version": _int(doc.get("schema_version"), "schema_version")}


Mapper = Callable[[dict[str, Any], Message], dict[str, Any]]
# contract topic name -> (table, mapper)
MAPPERS: dict[str, tuple[Table, Mapper]] = {
    "events": (EVENTS, event_row),
    "events.daily": (EVENTS_DAILY, daily_row),
    "entities": (ENTITIES, entity_row),
    "alerts": (ALERTS, alert_row),
}


def read_row(contract_topic: str, message: Message) -> tuple[Table, tuple]:
    """(table, row as a tuple in the table's column order) of one message, or BadMessage."""
    table, mapper = MAPPERS[contract_topic]
    if message.value is None:
        raise BadMessage("empty_message", "the message has no value (a tombstone?)")
    try:
        doc = orjson.loads(message.value)
    except orjson.JSONDecodeError as exc:
        raise BadMessage("invalid_json", f"not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise BadMessage("not_an_object", f"expected a JSON object, got {type(doc).__name__}")
    row = mapper(doc, message)
    row["kafka_partition"], row["kafka_offset"] = message.partition, message.offset
    return table, tuple(row[name] for name in table.column_names)


def rejected_row(message: Message, reason: str) -> tuple:
    """The `sink_rejected` row of a bad message."""
    value = message.value or b""
    key = without_nul(message.key.decode("utf-8", "replace")) if message.key is not None else None
    row = {"position": f"{message.topic}:{message.partition}:{message.offset}",
           "topic": message.topic, "kafka_partition": message.partition,
           "kafka_offset": message.offset, "message_key": key, "reason": reason,
           "value_size": len(value),
           "value_text": without_nul(value.decode("utf-8", "replace")[:REJECTED_VALUE_CHARS]),
           "kafka_time": kafka_time(message)}
    return tuple(row[name] for name in REJECTED.column_names)
