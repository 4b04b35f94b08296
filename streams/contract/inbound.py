"""Check the messages of the derived topics before an agent reads them (pure, no Kafka).

`entities`, `events`, the internal `{app_id}-events-by-subject` and `-events-by-record`,
`alerts` and `events.daily` are written by the pipeline, so what arrives there is normally a
record it made. A stray producer can write them too; such a message must be dead-lettered, never
stop an agent. `read_record` turns raw bytes
into the topic's record, or raises `InvalidMessage` with a reason code from
`streams.contract.articles.REASONS`, in this order:

* a key that is not UTF-8 -> invalid_key (a key is required on entities, events and alerts;
  events-by-subject ticks have none);
* no value (a tombstone) -> empty_message;
* not a JSON object, a missing field, a field of the wrong type, or what an agent reads inside
  one (an actor's code, a place's GeoNames id, the subject's kind) -> invalid_record;
* on entities, a `streams-origin` header that is not `partition:offset` -> invalid_header.

Other headers are never read and never refused.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from streams.contract.models import (
    Alert,
    DailyRecord,
    EntityMention,
    Event,
    PlainRecord,
    RecordEvent,
    SubjectEvent,
)

ORIGIN_HEADER = "streams-origin"  # on entities messages: "partition:offset" of the article
_ORIGIN = re.compile(rb"[0-9]{1,10}:[0-9]{1,19}")


class InvalidMessage(ValueError):
    """A message to dead-letter; `reason` is a stable code from `REASONS`."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


Check = Callable[[str | None, dict[str, Any], Iterable[tuple[str, bytes | None]]], None]


def read_record(model: type[PlainRecord], key: bytes | None, value: bytes | None,
                headers: Iterable[tuple[str, bytes | None]] | None = None, *,
                key_required: bool = True, check: Check | None = None) -> tuple[str | None, Any]:
    """(key as text, record) of one message, or InvalidMessage saying why not."""
    text_key = read_key(key, required=key_required)
    if value is None:
        raise InvalidMessage("empty_message", "the message has no value (a tombstone?)")
    try:
        doc = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise InvalidMessage("invalid_record", f"not a JSON document: {exc}") from None
    if not isinstance(doc, dict):
        raise InvalidMessage("invalid_record", f"expected a JSON object, got {type(doc).__name__}")
    check_fields(model, doc)
    if check is not None:
        check(text_key, doc, headers or ())
    fields = {name: doc[name] for name in field_types(model) if name in doc}
    return text_key, model(**fields)


def read_key(key: bytes | None, required: bool = True) -> str | None:
    if key is None:
        if required:
            raise InvalidMessage("invalid_key", "the message has no key")
        return None
    try:
        return key.decode("utf-8")
    except UnicodeDecodeError as bad:
        raise InvalidMessage("invalid_key", f"the message key is not UTF-8: {bad.reason} at byte "
                                            f"{bad.start} of {len(key)}") from None


def check_fields(model: type[PlainRecord], doc: dict[str, Any]) -> None:
    """Every field of `model` present (unless it has a default) and of its declared type."""
    defaults = model._options.defaults
    for name, allowed in field_types(model).items():
        if name not in doc:
            if name in defaults:
                continue
            raise InvalidMessage("invalid_record", f"no {name!r} field")
        if not _is_a(doc[name], allowed):
            raise InvalidMessage("invalid_record", f"{name!r} is a {type(doc[name]).__name__}, "
                                                   f"not {' or '.join(t.__name__ for t in allowed)}")


_CACHE: dict[type, dict[str, tuple[type, ...]]] = {}


def field_types(model: type[PlainRecord]) -> dict[str, tuple[type, ...]]:
    """Field name -> the plain types its JSON value may have (`str | None` -> (str, NoneType))."""
    if model not in _CACHE:
        hints = typing.get_type_hints(model)
        _CACHE[model] = {name: _plain(hints[name]) for name in model._options.fields}
    return _CACHE[model]


def _plain(hint: Any) -> tuple[type, ...]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return tuple(t for arg in typing.get_args(hint) for t in _plain(arg))
    if hint is Any:
        return (object,)
    return (typing.get_origin(hint) or hint,)


def _is_a(value: Any, allowed: tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # JSON true is not a number
        return bool in allowed or object in allowed
    if isinstance(value, int) and float in allowed:
        return True
    return isinstance(value, allowed)


def _text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _geonameid_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _check_actor(where: str, actor: Any) -> None:
    if actor is not None and not (isinstance(actor, dict) and _text_or_none(actor.get("code"))
                                  and _text_or_none(actor.get("text"))):
        raise InvalidMessage("invalid_record", f"{where} is not an actor object with a text code")


def check_event(doc: dict[str, Any], where: str = "the event") -> None:
    """What the alert agents read inside an event: actors' codes and the place's id."""
    _check_actor(f"{where}'s source", doc.get("source"))
    _check_actor(f"{where}'s target", doc.get("target"))
    place = doc.get("location")
    if place is not None and not (isinstance(place, dict)
                                  and _geonameid_or_none(place.get("geonameid"))):
        raise InvalidMessage("invalid_record", f"{where}'s location has no integer geonameid")
    if doc.get("quad_class") not in (1, 2, 3, 4):
        raise InvalidMessage("invalid_record", f"{where}'s quad_class is not 1, 2, 3 or 4")


def check_entity(key: str | None, doc: dict[str, Any],
                 headers: Iterable[tuple[str, bytes | None]]) -> None:
    if doc["kind"] not in ("actor", "location"):
        raise InvalidMessage("invalid_record", f"kind {doc['kind']!r} is not actor or location")
    for name, value in headers:
        if name == ORIGIN_HEADER and not (value and _ORIGIN.fullmatch(value)):
            raise InvalidMessage("invalid_header", f"the {ORIGIN_HEADER} header {value!r:.80} "
                                                   "is not partition:offset")


def check_subject_event(key: str | None, doc: dict[str, Any], headers) -> None:
    if doc.get("tick") is not None:
        return
    subject, event = doc.get("subject"), doc.get("event")
    if not isinstance(subject, dict) or not isinstance(event, dict) or doc.get("event_time") is None:
        raise InvalidMessage("invalid_record", "neither a tick nor a subject, event and event_time")
    kind = subject.get("kind")
    if not ((kind == "actor" and isinstance(subject.get("code"), str))
            or (kind == "location" and _geonameid_or_none(subject.get("geonameid"))
                and subject.get("geonameid") is not None)):
        raise InvalidMessage("invalid_record", "the subject is not an actor with a code or a place "
                                               "with a geonameid")
    if key is None:
        raise InvalidMessage("invalid_key", "an event of a subject has no key")
    check_fields(Event, event)
    check_event(event)


def check_event_record(key: str | None, doc: dict[str, Any], headers) -> None:
    check_event(doc)


def check_record_event(key: str | None, doc: dict[str, Any], headers) -> None:
    """What the daily agent reads inside the event (an object, as checked): all of it."""
    check_fields(Event, doc["event"])
    check_event(doc["event"])


# Topic (contract name; "events-by-subject", "events-by-record" for the internal ones) -> how
# its messages are read.
READERS: dict[str, dict[str, Any]] = {
    "entities": {"model": EntityMention, "check": check_entity},
    "events": {"model": Event, "check": check_event_record},
    "events-by-subject": {"model": SubjectEvent, "check": check_subject_event,
                          "key_required": False},
    "alerts": {"model": Alert},
    "events-by-record": {"model": RecordEvent, "check": check_record_event},
    "events.daily": {"model": DailyRecord},
}


def reader(name: str) -> Callable[[bytes | None, bytes | None, Any], tuple[str | None, Any]]:
    """`read(key, value, headers)` for one derived topic."""
    options = READERS[name]

    def read(key: bytes | None, value: bytes | None, headers: Any = None):
        return read_record(options["model"], key, value, headers,
                           key_required=options.get("key_required", True),
                           check=options.get("check"))

    return read
