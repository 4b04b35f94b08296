"""Nothing double-counted: the article dedupe table and the count stage's mention ledger.

The worker runs at least once (see docs/reliability.md): after a crash, Kafka delivers again
every message after the last committed offset, and some of what the worker sent for them may
already be on the broker. Three records make the counts exact anyway:

* `SeenArticles` (table `seen_articles`, article id -> the first message that carried it): an id
  seen again in another message within `ttl` seconds is a duplicate and is skipped. The same
  message delivered again (same partition and offset) is not a duplicate: it is processed again,
  and what it re-emits is caught by the ledger. `articles` is keyed by article id, so the table
  is co-partitioned with it (Faust writes each table change to the partition of the event being
  processed; a message whose key is not its id is re-keyed first, streams/runtime/rekey.py).
* `MentionLedger` (table `counted_mentions`): every entities message carries a header naming the
  articles message it came from (`ORIGIN_HEADER`, "partition:offset"); one entry per articles
  message and actor or place keeps the mentions of it already counted ("field:start", with the
  entities offset that counted each), so a mention re-emitted when an article is processed
  again is not counted twice. It serves the overall and the windowed counts alike, which one
  agent counts in batches (streams/runtime/mention_batches.py).
* `CountLedger`: the alert agent's of events per subject (`counted_subject_events`, by event id,
  which an article processed again repeats); the daily agent's of the events and articles merged
  into each `events.daily` record (`counted_daily_events`).
* `applied_offset` in each count value: the offset of the last message counted into it,
  written in the same changelog record as the count itself, so a redelivered message is never
  applied twice, whether or not the ledger entry reached the broker.

Time to live: a timestamp in each entry, checked on read, in stream time (Kafka record
timestamps), so replaying old data dedupes as it did live. Space: `expired` lists the entries of
one partition older than `ttl`; the agents delete them while processing that partition (Faust
only lets an agent change a table inside its own partition), every `cleanup_interval` seconds of
stream time. A Faust windowed table was not used: a tumbling window forgets an id at each window
boundary, and hopping windows write every id once per window.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from streams.contract.inbound import ORIGIN_HEADER


def origin(partition: int, offset: int) -> bytes:
    return f"{partition}:{offset}".encode("ascii")


def parse_origin(headers: Any) -> str | None:
    """The origin header of a Faust event's headers (a dict or a list of pairs), or None."""
    if not headers:
        return None
    items = headers.items() if isinstance(headers, dict) else headers
    for name, value in items:
        if name == ORIGIN_HEADER and value:
            return value.decode("ascii") if isinstance(value, bytes) else str(value)
    return None


@dataclass
class _Expiring:
    table: MutableMapping[str, Any]
    ttl: float
    cleanup_interval: float
    _last_cleanup: dict[int, float] = field(default_factory=dict)

    def _fresh(self, entry: dict | None, timestamp: float) -> bool:
        return entry is not None and timestamp - entry["ts"] < self.ttl

    def expired(self, partition: int, stream_time: float) -> list[str]:
        """Keys of this partition's entries older than the time to live."""
        return [key for key, entry in list(self.table.items())
                if entry and entry["partition"] == partition
                and stream_time - entry["ts"] >= self.ttl]

    def cleanup_due(self, partition: int, stream_time: float) -> bool:
        last = self._last_cleanup.setdefault(partition, stream_time)
        if stream_time - last < self.cleanup_interval:
            return False
        self._last_cleanup[partition] = stream_time
        return True

    def cleanup(self, partition: int, stream_time: float) -> int:
        """Delete this partition's expired entries when due; returns how many went."""
        if not self.cleanup_due(partition, stream_time):
            return 0
        keys = self.expired(partition, stream_time)
        for key in keys:
            del self.table[key]
        return len(keys)


class SeenArticles(_Expiring):
    """Article id -> {"partition", "offset", "ts"} of the first message that carried it."""

    def admit(self, article_id: str, partition: int, offset: int, timestamp: float) -> bool:
        """True to process this message; False for a duplicate of an id seen within the TTL."""
        entry = self.table.get(article_id)
        if entry is not None and (entry["partition"], entry["offset"]) == (partition, offset):
            return True  # the same message again, after a crash: process it again
        if self._fresh(entry, timestamp):
            return False
        self.table[article_id] = {"partition": partition, "offset": offset, "ts": timestamp}
        return True


class MentionLedger(_Expiring):
    """(articles message, actor or place) -> {"partition", "ts", "ids": {"field:start": the
    entities offset that counted it}}: one entry per article and key, written at most once per
    batch (what goes in it: streams/runtime/mention_batches.py)."""

    def entries(self, keys) -> dict[str, dict | None]:
        return {key: self.table.get(key) for key in keys}


class CountLedger(_Expiring):
    """Id of what was counted (an event of a subject, of a daily record) -> {"partition",
    "offset", "ts"} of the message that counted it."""

    def should_count_id(self, key: str | None, partition: int, offset: int, timestamp: float,
                        applied_offset: int | None) -> bool:
        """True to count the current message, which counts the thing `key` names (None:
        unknown), into a value last applied at `applied_offset`."""
        if applied_offset is not None and offset <= applied_offset:
            if key is not None and self.table.get(key) is None:
                # counted, but its ledger entry did not survive the crash: record it now
                self.table[key] = {"partition": partition, "offset": offset, "ts": timestamp}
            return False
        if key is None:  # not from our extract agent: nothing to match it against
            return True
        entry = self.table.get(key)
        if entry is not None and (entry["partition"], entry["offset"]) == (partition, offset):
            return True  # recorded, but the count itself did not survive: count it now
        if self._fresh(entry, timestamp):
            return False  # a copy re-emitted when its article was processed again
        self.table[key] = {"partition": partition, "offset": offset, "ts": timestamp}
        return True
