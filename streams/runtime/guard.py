"""What the agents call so nothing is lost or double-counted: admission, dedupe, metrics.

`Guard` owns the dedupe tables (`seen_articles`, `counted_mentions`, `counted_subject_events`,
`counted_daily_events`, see streams/runtime/dedupe.py)
and counts into the process's Prometheus-style counters (streams/http/metrics.py). The agents stay
thin loops: each article is `received`, then `rekeyed` (its key was not its id) or `admit`ted
(or refused / skipped), its result is `check`ed, and it is `processed`; the count agent checks
its batches against `mention_ledger` (streams/runtime/count_agents.py).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import faust
from faust import streams as faust_streams

from streams.contract.articles import check_mentions
from streams.contract.messages import coded_entities
from streams.http import metrics as m
from streams.runtime.dedupe import ORIGIN_HEADER, CountLedger, MentionLedger, SeenArticles, origin
from streams.runtime.tables import generation_table
from streams.settings import Settings


def cleanup_interval(ttl: float) -> float:
    """How often (in stream time) a partition's expired dedupe entries are deleted."""
    return max(1.0, min(ttl / 4, 3600.0))


@contextmanager
def current(event) -> Iterator[None]:
    """Make `event` Faust's current event while an article of a batch is handled.

    Faust writes a table change to the partition of the current event (changelog and RocksDB
    file alike). `stream.take_events` leaves the *last* event of a batch current, so table
    writes for the other articles of the batch would land in the wrong partition. Uses the
    context variable of faust-streaming 0.15 (`faust.streams._current_event`).
    """
    token = faust_streams._current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        faust_streams._current_event.reset(token)


class Guard:
    def __init__(self, app: faust.App, settings: Settings, metrics: m.Metrics = m.METRICS):
        self.settings = settings
        self.metrics = metrics
        interval = cleanup_interval(settings.dedupe_ttl)

        def expiring(kind, name: str, help_text: str):
            table = generation_table(app, name, settings, default=None, help=help_text)
            return kind(table, settings.dedupe_ttl, interval)

        self.seen = expiring(SeenArticles, "seen_articles",
                             "Article id -> the first message that carried it (dedupe)")
        self.mention_ledger = expiring(MentionLedger, "counted_mentions",
                                       "Mentions already counted, per articles message and key")
        self.event_ledger = expiring(CountLedger, "counted_subject_events",
                                     "Events already counted per actor or place (alert windows, "
                                     "quads)")
        self.daily_ledger = expiring(CountLedger, "counted_daily_events",
                                     "Events and articles already merged into an events.daily "
                                     "record")

    # --- the extract agent -------------------------------------------------------------

    @staticmethod
    def hold(events) -> None:
        """Keep a batch's offsets from being committed until `release`.

        `stream.take_events` acks every event of a batch when its generator closes, and it also
        closes when the agent is cancelled in the middle of the batch (a worker stopping, e.g.
        scaling in): the worker would then commit articles it never processed. An extra
        reference on each message keeps it uncommitted until the batch was handled.
        """
        for event in events:
            event.message.incref()

    @staticmethod
    def release(events) -> None:
        """The batch was handled: drop the extra references (take_events acks the rest)."""
        for event in events:
            event.ack()

    def received(self, event) -> None:
        self.metrics.inc(m.ARTICLES_IN)

    def rekeyed(self) -> None:
        """An article whose key was not its id was sent again keyed by id (runtime/rekey.py)."""
        self.metrics.inc(m.ARTICLES_REKEYED)

    def admit(self, event, article: dict[str, Any]) -> bool:
        """True to extract this article; False for a duplicate id. Only for a message keyed by
        its id: the table change goes to its partition, which must be the id's."""
        message = event.message
        with current(event):
            self.seen.cleanup(message.partition, message.timestamp)
            if self.seen.admit(article["id"], message.partition, message.offset,
                               message.timestamp):
                return True
        self.metrics.inc(m.ARTICLES_DUPLICATE)
        return False

    def check(self, result: dict[str, Any]) -> None:
        """Raises InvalidArticle(too_many_mentions) for a result over the mention limit."""
        check_mentions(len(coded_entities(result)), self.settings.max_article_mentions)

    def origin_headers(self, event) -> dict[str, bytes]:
        """Headers for an entities message: which articles message it came from."""
        return {ORIGIN_HEADER: origin(event.message.partition, event.message.offset)}

    def processed(self, entities: int, events: int, seconds: float) -> None:
        """One article done: `seconds` since it arrived on Kafka (the latency histogram)."""
        self.metrics.inc(m.ARTICLES_PROCESSED)
        self.metrics.observe_processing(seconds)
        self.metrics.inc(m.ENTITIES_OUT, entities)
        self.metrics.inc(m.EVENTS_OUT, events)

    def dead_lettered(self, reason: str) -> None:
        self.metrics.inc(m.ARTICLES_DEAD_LETTERED, reason=reason)

    # --- the count agents ---------------------------------------------------------------

    def mentions_counted(self, counted: int, duplicates: int) -> None:
        """A batch of entities messages: how many were counted, how many had been already."""
        self.metrics.inc(m.MENTIONS_COUNTED, counted)
        self.metrics.inc(m.MENTIONS_DUPLICATE, duplicates)

    def should_count_event(self, subject_key: str, event_id: str | None,
                           current_value: dict | None) -> bool:
        """The same for the current events-by-subject message: False when this event was
        counted for this subject already. Event ids are `{article_id}:{n}`, so the copies an
        article re-emits when it is processed again carry the same id."""
        return self._first_time(self.event_ledger,
                                f"{subject_key}|{event_id}" if event_id else None, current_value)

    def should_merge_daily(self, record_id: str, event_id: str, article_id: str,
                           current_value: dict | None) -> tuple[bool, bool]:
        """For the current events-by-record message: (merge this event into the record, its
        article is new to the record). Both ledger entries are always looked at, so each is
        written again when the value outlived it (`CountLedger.should_count_id`)."""
        new_event = self._first_time(self.daily_ledger, f"{record_id}|event|{event_id}",
                                     current_value)
        new_article = self._first_time(self.daily_ledger, f"{record_id}|article|{article_id}",
                                       current_value)
        return new_event, new_event and new_article

    @staticmethod
    def _first_time(ledger: CountLedger, key: str | None, current_value: dict | None) -> bool:
        """The ledger's verdict on the current message (`CountLedger.should_count_id`)."""
        message = faust.current_event().message
        ledger.cleanup(message.partition, message.timestamp)
        return ledger.should_count_id(key, message.partition, message.offset, message.timestamp,
                                      (current_value or {}).get("applied_offset"))

    @staticmethod
    def stamp(value: dict) -> dict:
        """The new count value, with the offset of the entities message it now includes."""
        return {**value, "applied_offset": faust.current_event().message.offset}
