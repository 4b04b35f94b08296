"""An article sent without its id as key, sent again to `articles` keyed by its id.

`articles` must be keyed by article id: a table change goes to the partition of the message
being processed, so the dedupe table `seen_articles` is co-partitioned with the topic only if
every copy of an id arrives on the id's partition. A producer that sends no key (a console
producer), or keys by something else, would put an article anywhere; the extract agent
therefore does not process such a message but sends this copy, which the default partitioner
puts on the id's partition, where it is processed like any keyed article.

The copy is the original value byte for byte, with the original timestamp (the event time of
an article without `published_at`, and the clock of the dedupe TTL) and the original headers
(but for names that are not UTF-8, which the Kafka protocol forbids and aiokafka cannot write).
A copy is keyed by its id, so it is never sent again: no loop. When the forwarding message is
delivered again after a crash, a second copy goes out; `seen_articles` skips it as a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiokafka.record.default_records import DefaultRecordBatchBuilder

from streams.contract.articles import InvalidArticle
from streams.contract.messages import header_name_bytes

Headers = list[tuple[str, bytes | None]]


@dataclass(frozen=True)
class Copy:
    """What the agent sends to `articles` (Faust's `topic.send` arguments)."""

    key: bytes
    value: bytes
    timestamp: float | None
    headers: Headers


def writable_headers(headers: Any) -> Headers:
    """The headers a producer can write again: those whose name is UTF-8."""
    items = headers.items() if isinstance(headers, dict) else headers or ()
    kept = []
    for name, value in items:
        try:
            text = header_name_bytes(name).decode("utf-8")
        except UnicodeDecodeError:
            continue
        kept.append((text, value))
    return kept


def rekeyed_copy(message: Any, article: dict[str, Any], max_request_size: int) -> Copy:
    """The copy of `message` (a consumed `articles` message whose key is not `article`'s id)
    keyed by the id. Raises InvalidArticle(rekey_too_large) when the producer would refuse it
    (over `max_request_size`, measured as aiokafka measures it): the original may have been
    that close to the limit, and the id may be longer than its key."""
    copy = Copy(article["id"].encode("utf-8"), message.value, message.timestamp,
                writable_headers(message.headers))
    size = DefaultRecordBatchBuilder.estimate_size_in_bytes(copy.key, copy.value, copy.headers)
    if size > max_request_size:
        raise InvalidArticle(
            "rekey_too_large", f"the message key is not the article id, and the copy keyed by "
                               f"id would be {size} bytes; the producer's limit is "
                               f"{max_request_size}")
    return copy
