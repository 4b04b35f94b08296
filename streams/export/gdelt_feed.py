"""What goes into the next pair of GDELT files: the records that changed, and the new mentions.

Plain Python, no Kafka: `add_record` and `add_event` take the decoded messages in the order
they are read, `take` hands over the rows of one interval. A mention needs its record's
DATEADDED (the record's first-seen slot), and the record usually arrives after its events (the
daily agent reads them first), so a mention whose record is not known yet waits for it, up to
`MAX_WAITS` intervals; then it is written with EventTimeDate empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from streams.contract.daily import global_event_id
from streams.export.gdelt_rows import (
    ROOT_SENTENCES,
    date_added,
    event_row,
    mention_row,
    record_id_of,
)

MAX_WAITS = 4  # intervals a mention waits for its record (an hour at --every 15m)
# What is remembered to join mentions with records, oldest dropped first: enough for a day of a
# busy stream without growing for ever.
REMEMBERED = 500_000


class Bounded(dict):
    """A dict that forgets its oldest keys beyond `limit`."""

    def __init__(self, limit: int = REMEMBERED):
        super().__init__()
        self.limit = limit

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        while len(self) > self.limit:
            del self[next(iter(self))]


@dataclass
class Waiting:
    event: Mapping[str, Any]
    timestamp: float  # the message's Kafka time, Unix seconds
    position: tuple[Any, int] | None = None  # (partition, offset) it was read at
    waits: int = 0


@dataclass
class Rows:
    events: list[list[str]]
    mentions: list[list[str]]
    skipped: int = 0  # messages that could not be read as a record or an event since the last


# What a message that does not follow its schema raises here (a missing field, a wrong type).
MALFORMED = (KeyError, TypeError, ValueError, AttributeError)


@dataclass
class GdeltFeed:
    changed: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # record id -> latest
    waiting: list[Waiting] = field(default_factory=list)
    record_of_event: Bounded = field(default_factory=Bounded)  # event id -> record id
    added: Bounded = field(default_factory=Bounded)  # record id -> (global id, DATEADDED)
    sentence_of_event: Bounded = field(default_factory=Bounded)  # event id -> sentence index
    seen_events: Bounded = field(default_factory=Bounded)  # event ids already written
    skipped: int = 0

    def add_record(self, record: Mapping[str, Any]) -> None:
        """The newest version of a record (a compacted topic: later versions replace it)."""
        try:
            self._add_record(record)
        except MALFORMED:
            self.skipped += 1

    def add_event(self, event: Mapping[str, Any], timestamp: float,
                  position: tuple[Any, int] | None = None) -> None:
        """An `events` message read at `position`; a redelivered one (same event id) is taken
        once."""
        try:
            self._add_event(event, timestamp, position)
        except MALFORMED:
            self.skipped += 1

    def _add_record(self, record: Mapping[str, Any]) -> None:
        record_id = record["record_id"]
        self.changed.pop(record_id, None)
        self.changed[record_id] = record  # re-inserted: rows follow the order of the last update
        self.added[record_id] = (int(record["global_event_id"]), date_added(record))
        for event_id in record.get("event_ids") or ():
            self.record_of_event[event_id] = record_id

    def _add_event(self, event: Mapping[str, Any], timestamp: float,
                   position: tuple[Any, int] | None) -> None:
        event_id = event["event_id"]
        if event_id in self.seen_events:
            return
        sentence = int(event["sentence_index"])
        self.seen_events[event_id] = True
        self.sentence_of_event[event_id] = sentence
        self.waiting.append(Waiting(event, timestamp, position))

    def is_root(self, record: Mapping[str, Any]) -> bool | None:
        """Whether the record's first event (its first report) was coded in the article's lead;
        None when this exporter has not read that event (it was read before a restart)."""
        first = next(iter(record.get("event_ids") or ()), None)
        sentence = self.sentence_of_event.get(first)
        return None if sentence is None else sentence < ROOT_SENTENCES

    def waiting_offsets(self) -> dict[Any, int]:
        """Per partition, the offset of the first mention still waiting (not yet written)."""
        offsets: dict[Any, int] = {}
        for waiting in self.waiting:
            if waiting.position is not None:
                partition, offset = waiting.position
                offsets[partition] = min(offset, offsets.get(partition, offset))
        return offsets

    def take(self, *, final: bool = False) -> Rows:
        """The rows of this interval; `final` writes every waiting mention (the last interval)."""
        events, mentions, still_waiting = [], [], []
        for record in self.changed.values():
            try:
                events.append(event_row(record, is_root=self.is_root(record)))
            except MALFORMED:
                self.skipped += 1
        self.changed = {}
        for waiting in self.waiting:
            try:
                row = self._mention(waiting, final)
            except MALFORMED:
                self.skipped += 1
                continue
            if row is None:
                still_waiting.append(waiting)
            else:
                mentions.append(row)
        self.waiting = still_waiting
        rows, self.skipped = Rows(events, mentions, self.skipped), 0
        return rows

    def _mention(self, waiting: Waiting, final: bool) -> list[str] | None:
        """The mention's row, or None while it waits for its record."""
        event = waiting.event
        record_id = self.record_of_event.get(event["event_id"]) or record_id_of(
            event, waiting.timestamp)
        known = self.added.get(record_id)
        if known is None and not final and waiting.waits < MAX_WAITS:
            waiting.waits += 1
            return None
        global_id, event_time = known or (global_event_id(record_id), "")
        return mention_row(event, global_id=global_id, event_time=event_time,
                           fallback=waiting.timestamp)
