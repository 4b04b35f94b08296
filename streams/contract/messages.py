"""Turn an extraction result into topic records (pure, no Kafka): entity mentions and events."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from streams.contract.models import DeadLetter, EntityMention, Event


def entity_key(entity: dict[str, Any]) -> str | None:
    """What the mention is counted under: its actor code, or its GeoNames id."""
    if entity["kind"] == "actor":
        return entity.get("code")
    geonameid = entity.get("geonameid")
    return str(geonameid) if geonameid is not None else None


def coded_entities(result: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(key, entity) for each mention that has a key: what goes to the `entities` topic."""
    keyed = ((entity_key(entity), entity) for entity in result["entities"])
    return [(key, entity) for key, entity in keyed if key is not None]


def entity_messages(article: dict[str, Any], result: dict[str, Any]) -> list[EntityMention]:
    """One record per coded mention; `first_in_article` marks the first of each key."""
    keyed = coded_entities(result)
    totals = _article_totals(article, len(keyed), len(result["events"]))
    seen: set[tuple[str, str]] = set()
    records = []
    for key, entity in keyed:
        first = (entity["kind"], key) not in seen
        seen.add((entity["kind"], key))
        records.append(EntityMention(key=key, first_in_article=first, **totals, **entity))
    return records


def event_messages(article: dict[str, Any], result: dict[str, Any]) -> list[Event]:
    """One record per event, with an id that is stable for the same article."""
    totals = _article_totals(article, len(coded_entities(result)), len(result["events"]))
    outlet = {"article_source": article.get("source"), "article_url": article.get("url")}
    return [
        Event(event_id=f"{article['id']}:{index}", **totals, **outlet, **event)
        for index, event in enumerate(result["events"])
    ]


def _article_totals(article: dict[str, Any], mentions: int, events: int) -> dict[str, Any]:
    return {
        "article_id": article["id"],
        "published_at": article.get("published_at"),
        "article_mentions": mentions,
        "article_events": events,
    }


# Originals up to this size are kept whole: base64 makes them 4/3 larger, and the record must
# stay under the producer's and the broker's 1 MB message limit. Larger ones keep a prefix, with
# their size and SHA-256 so the whole can still be matched against the source. The same for the
# key; headers are kept in order while their names and values fit in DLQ_MAX_HEADER_BYTES.
DLQ_MAX_ORIGINAL_BYTES = 512 * 1024
DLQ_MAX_KEY_BYTES = 16 * 1024  # a key is an article id (at most 512 characters) when valid
DLQ_MAX_HEADER_BYTES = 64 * 1024


def dead_letter(reason: str, message: str, raw: bytes | None, key: bytes | None, *,
                topic: str, partition: int, offset: int, headers: Any = None) -> DeadLetter:
    """A dead-letter record keeping the original bytes (base64) and why they were refused."""
    raw = raw or b""
    kept = raw[:DLQ_MAX_ORIGINAL_BYTES]
    kept_headers, raw_names, headers_truncated = _kept_headers(headers)
    return DeadLetter(
        reason=reason,
        message=message,
        original=_b64(kept),
        key=_b64(key[:DLQ_MAX_KEY_BYTES]) if key is not None else None,
        topic=topic,
        partition=partition,
        offset=offset,
        original_size=len(raw),
        original_sha256=hashlib.sha256(raw).hexdigest(),
        original_truncated=len(kept) < len(raw),
        key_size=len(key) if key is not None else None,
        key_sha256=hashlib.sha256(key).hexdigest() if key is not None else None,
        key_truncated=key is not None and len(key) > DLQ_MAX_KEY_BYTES,
        headers=kept_headers,
        headers_truncated=headers_truncated,
        headers_raw_names=raw_names,
    )


def dead_letter_of(message: Any, reason: str, text: str) -> DeadLetter:
    """The dead letter of a consumed message (value, key, headers and where it was read)."""
    return dead_letter(reason, text, message.value, message.key, topic=message.topic,
                       partition=message.partition, offset=message.offset, headers=message.headers)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def header_name_bytes(name: Any) -> bytes:
    """A header name's bytes on the wire. A name that is not UTF-8 is read as text with
    surrogateescape (streams.runtime.aiokafka_headers), which gives its bytes back."""
    return name if isinstance(name, bytes) else str(name).encode("utf-8", "surrogateescape")


def _kept_headers(headers: Any) -> tuple[list[list[str | None]], list[str | None] | None, bool]:
    """[[name, value as base64 or None], ...] in order, while they fit; for each kept header,
    its name's bytes as base64 if they are not UTF-8 (the name then shows U+FFFD for them),
    else None, or None for all when every name is UTF-8; and whether some headers did not fit."""
    items = list(headers.items() if isinstance(headers, dict) else headers or ())
    kept: list[list[str | None]] = []
    raw_names: list[str | None] = []
    size = 0
    for name, value in items:
        name_bytes = header_name_bytes(name)
        size += len(name_bytes) + len(value or b"")
        if size > DLQ_MAX_HEADER_BYTES:
            break
        text = name_bytes.decode("utf-8", "replace")
        kept.append([text, _b64(value) if value is not None else None])
        raw_names.append(_b64(name_bytes) if text.encode("utf-8") != name_bytes else None)
    return kept, raw_names if any(raw_names) else None, len(kept) < len(items)
