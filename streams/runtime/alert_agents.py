"""Alerts on the app: thin agents around `streams.alerts`, a timer, a view.

- agent `alert_subjects` (events -> internal `events-by-subject`): each event once for every
  actor and place it is about, keyed like `entities` (actor code or GeoNames id), with its event
  time (published_at, else when the article reached Kafka).
- agent `alert` (events-by-subject -> alerts): updates the subject's alert state
  (`alert_state`, keyed like the topic it reads: the rules' windows and, for a place, its
  events by quad class in its newest 1-hour and 1-day window) and sends what the rules raise;
  on a tick it closes the windows of its partition whose time is up.
- agent `check_alerts` (alerts -> nothing): the group's one reader of `alerts`, so a stray
  message there is dead-lettered like on every derived topic and the topic's lag is reported.
  The dashboard's alert list reads the topic itself (`streams.runtime.recent_reader`).
- timer `alert_tick` (on the leader only): every STREAMS_ALERT_TICK seconds it sends a tick to
  each partition of events-by-subject. Faust's own `on_window_close` runs only when the next
  event arrives (faust-streaming #250); a tick is a message, so the agent that owns a
  partition's state closes its windows on time, inside a stream as Faust tables require.
- `GET /alerts/state/{key}`: the alert state of an actor code or GeoNames id.
"""

from __future__ import annotations

import functools
import logging

import faust

from streams.alerts.config import load_rules
from streams.alerts.rules import Rule, alert_key, subjects_of
from streams.alerts.tracker import close_due, is_due, observe, readable
from streams.alerts.windows import Clock, event_time, system_clock
from streams.contract.models import Alert, SubjectEvent
from streams.contract.topics import Topics
from streams.labels import with_alert_labels
from streams.runtime.agents import failed
from streams.runtime.guard import Guard
from streams.runtime.tables import Tables, add_quad
from streams.settings import Settings

log = logging.getLogger(__name__)


def register_alerting(app: faust.App, topics: Topics, tables: Tables, settings: Settings,
                      guard: Guard, clock: Clock = system_clock) -> None:
    @functools.cache
    def rules() -> tuple[Rule, ...]:
        """Loaded once, when the first agent starts (not at import); `streams worker` checks
        the file before it starts Faust, so a bad file stops the worker with its reason."""
        loaded = load_rules(settings.alert_rules)
        log.info("alert rules: %s", ", ".join(f"{r.name} ({r.kind})" for r in loaded))
        return loaded

    @app.agent(topics.events, name="alert_subjects")
    async def rekey_events(stream):
        """events -> events-by-subject, once per actor and place, keyed by what is counted."""
        async for event in stream.events():
            try:
                record = event.value.asdict()
                at = event_time(event.value.published_at, event.message.timestamp)
                for key, subject in subjects_of(record):
                    await topics.events_by_subject.send(
                        key=key, value=SubjectEvent(subject=subject, event=record, event_time=at),
                        timestamp=event.message.timestamp)
            except Exception as exc:  # one message must never stop the worker
                await failed(topics.events, event, exc)

    @app.agent(topics.events_by_subject, name="alert")
    async def raise_alerts(stream):
        """events-by-subject -> alert_state and alerts."""
        active = rules()
        async for event in stream.events():
            try:
                for alert in alerts_of(event, active):
                    await topics.alerts.send(key=alert_key(alert), value=Alert(**alert))
            except Exception as exc:  # one message must never stop the worker
                await failed(topics.events_by_subject, event, exc)

    def alerts_of(event, active: tuple[Rule, ...]) -> list[dict]:
        """Count one events-by-subject message into the tables; the alerts it raises."""
        message, now = event.value, clock()
        if message.tick is not None:
            return close_partition(event.message.partition, active, now)
        current = tables.alert_state.get(event.key)
        if not guard.should_count_event(event.key, message.event.get("event_id"), current):
            return []  # counted already
        state, alerts = observe(current, message.subject, message.event, message.event_time,
                                active, now)
        if message.subject["kind"] == "location":
            state["quads"] = add_quad(state.get("quads"), message.event["quad_class"],
                                      message.event_time)
        if state["rules"] or current or state.get("quads"):  # else nothing to keep
            tables.alert_state[event.key] = guard.stamp(
                {**state, "partition": event.message.partition})
        return alerts

    def close_partition(partition: int, active: tuple[Rule, ...], now: float) -> list[dict]:
        """Close the due windows of the subjects whose state lives in `partition` (the one the
        tick came on: a table is written in the partition of the message being processed)."""
        alerts: list[dict] = []
        for key, state in list(tables.alert_state.items()):
            if state.get("partition") == partition and is_due(state, now):
                state, raised = close_due(state, active, now)
                tables.alert_state[key] = state
                alerts.extend(raised)
        return alerts

    @app.agent(topics.alerts, name="check_alerts")
    async def check_alerts(stream):
        """alerts -> nothing: reading them through the checking topic is the whole job."""
        async for _ in stream:
            pass

    @app.timer(settings.alert_tick, on_leader=True)
    async def alert_tick():
        """A tick to every partition of events-by-subject: windows close without new events."""
        tick = SubjectEvent(tick=clock())
        for partition in range(settings.partitions):
            await topics.events_by_subject.send(value=tick, partition=partition)

    @app.page("/alerts/state/{key}")
    @app.topic_route(topic=topics.events_by_subject, match_info="key")  # why: streams/http/views.py
    async def alert_state(self, request, key):
        state = tables.alert_state.get(key)
        if not state:
            return self.error(404, f"no alert state for {key}")
        return self.json(with_alert_labels({"key": key, **readable(state)}))
