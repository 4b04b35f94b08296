"""events.daily on the app: two thin agents around `streams.contract.daily`.

- agent `daily_rekey` (events -> internal `events-by-record`): each event keyed by the id of its
  record (event date, source code, target code, CAMEO code), with its event time, so one
  partition holds every event of a record.
- agent `daily` (events-by-record -> table `daily_records`, topic `events.daily`): merges each
  event into its record once, whatever is delivered again: the ledger `counted_daily_events`
  and the record's `applied_offset` say whether the event id, and its article, are new to the
  record (`Guard.should_merge_daily`); the outlets are kept in the record's state. Every
  message sends the record's current version, so one lost in a crash is sent again.
"""

from __future__ import annotations

import faust

from streams.contract.daily import add_event, event_date, event_time, record_id
from streams.contract.models import DailyRecord, RecordEvent
from streams.contract.topics import Topics
from streams.runtime.agents import failed
from streams.runtime.guard import Guard
from streams.runtime.tables import Tables


def register_daily(app: faust.App, topics: Topics, tables: Tables, guard: Guard) -> None:
    @app.agent(topics.events, name="daily_rekey")
    async def rekey_events(stream):
        """events -> events-by-record, keyed by record id."""
        async for event in stream.events():
            try:
                record = event.value.asdict()
                # published_at, else the events message's timestamp: when the article reached
                # Kafka, which an article processed again keeps (the same record either way)
                at = event_time(event.value.published_at, event.message.timestamp)
                await topics.events_by_record.send(
                    key=record_id(record, event_date(at)),
                    value=RecordEvent(event=record, event_time=at),
                    timestamp=event.message.timestamp)
            except Exception as exc:  # one message must never stop the worker
                await failed(topics.events, event, exc)

    @app.agent(topics.events_by_record, name="daily")
    async def merge_records(stream):
        """events-by-record -> daily_records and events.daily."""
        async for event in stream.events():
            try:
                record = merged(event.key, event.value)
                if record is not None:
                    await topics.daily.send(key=event.key, value=DailyRecord(**record))
            except Exception as exc:  # one message must never stop the worker
                await failed(topics.events_by_record, event, exc)

    def merged(rid: str, message: RecordEvent) -> dict | None:
        """The record after this message (None: none yet), merged into the table if new."""
        current = tables.daily_records.get(rid)
        new_event, new_article = guard.should_merge_daily(
            rid, message.event["event_id"], message.event["article_id"], current)
        if new_event:
            current = guard.stamp(add_event(current, message.event, message.event_time,
                                            new_article))
            tables.daily_records[rid] = current
        return current["record"] if current else None
