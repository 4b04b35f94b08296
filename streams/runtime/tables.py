"""The tables: running counts keyed by what they count (an actor code or a GeoNames id)."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

import faust
from faust.windows import TumblingWindow

from streams.alerts.windows import event_time, rfc3339
from streams.contract.daily import ranked
from streams.runtime.generation_table import GENERATION, GenerationTable
from streams.runtime.mention_batches import add_to_window
from streams.runtime.storage import table_options
from streams.settings import Settings

# Tumbling windows of the windowed counts, in event time: name -> (size, how long one is
# answered for after it ends, on the wall clock, as Faust kept its windowed tables: the windows
# of old news replayed today are not shown).
COUNT_WINDOWS = {
    "1h": (timedelta(hours=1), timedelta(days=2)),
    "1d": (timedelta(days=1), timedelta(days=30)),
}
WINDOW_SHAPES = {name: TumblingWindow(size.total_seconds(), expires=keep.total_seconds())
                 for name, (size, keep) in COUNT_WINDOWS.items()}


@dataclass(frozen=True)
class Tables:
    # actor code -> {"mentions", "articles", ..., "windows": {COUNT_WINDOWS name -> the key's
    # newest window of that size: {"start", "mentions", "articles"}}}
    # (streams/runtime/mention_batches.py)
    actor_counts: faust.Table
    location_counts: faust.Table  # GeoNames id (str) -> the same, with "name", "lat", ...
    # actor code or GeoNames id -> the alert rules' windows and fired set (streams.alerts.tracker)
    # and, for a place, "quads": its newest window of each size's events by quad class
    # {COUNT_WINDOWS name -> {"start", "1": events, ..., "4": events}} (`add_quad`)
    alert_state: faust.Table
    # events.daily record id -> {"record": the published record, and what merging needs}
    # (streams.contract.daily)
    daily_records: faust.Table


def generation_table(app: faust.App, name: str, settings: Settings, **kwargs) -> faust.Table:
    """`app.Table`, but safe from a worker writing for a partition it lost
    (streams/runtime/generation_table.py)."""
    return app.tables.add(GenerationTable(
        app, name=name, beacon=app.tables.beacon, partitions=settings.partitions,
        options=table_options(),  # bounded RocksDB memory (streams/runtime/storage.py)
        extra_topic_configs=settings.topic_config,  # the changelog's min.insync.replicas
        **kwargs))


def declare_tables(app: faust.App, settings: Settings) -> Tables:
    def table(name: str, help_text: str) -> faust.Table:
        return generation_table(app, name, settings, default=None, help=help_text)

    return Tables(
        actor_counts=table("actor_counts", "Mentions and distinct articles per actor code"),
        location_counts=table("location_counts", "Mentions and distinct articles per place"),
        alert_state=table("alert_state", "Alert windows and fired alerts per actor or place, "
                                         "events per place and quad class"),
        daily_records=table("daily_records", "One record per real-world event (events.daily)"),
    )


def mention_details(mention) -> dict:
    """What a count keeps about its subject besides the numbers (an `entities` record)."""
    if mention.kind == "actor":
        return {"code": mention.code}
    return {"geonameid": mention.geonameid, "name": mention.name, "lat": mention.lat,
            "lon": mention.lon, "country": mention.country}


def top(table, n: int) -> list[tuple[str, dict]]:
    """The n keys with most mentions held by this worker (ties by key, for a stable order)."""
    items = [(key, value) for key, value in table.items() if value]
    items.sort(key=lambda item: (-item[1]["mentions"], item[0]))
    return items[:n]


class OwnershipMoving(Exception):
    """Two workers answered for one key: a partition is changing hands, no answer is sure."""


def merge_tops(answers: list[list[dict]], n: int, key_name: str) -> list[dict]:
    """The cluster's top n from each worker's own (`?scope=local`) rows. A key lives in one
    partition, so settled workers' rows never share a key; if two answers do, one of them is a
    worker that has not yet learnt it lost the partition: OwnershipMoving. Windowed rows (with
    `window`) keep only the newest window any worker answered for: a worker whose newest is
    older holds none in it."""
    rows = [row for answer in answers for row in answer]
    windows = [row["window"]["start"] for row in rows if "window" in row]
    if windows:
        newest = max(windows)
        rows = [row for row in rows if row["window"]["start"] == newest]
    _one_answer_per_key(rows, key_name)
    rows.sort(key=lambda row: (-row["mentions"], str(row[key_name])))
    return rows[:n]


def merge_daily(answers: list[list[dict]], n: int) -> list[dict]:
    """The cluster's top n events.daily records from each worker's own, as `merge_tops`."""
    rows = [row for answer in answers for row in answer]
    _one_answer_per_key(rows, "record_id")
    return ranked(rows, n)


def _one_answer_per_key(rows: list[dict], key_name: str) -> None:
    """OwnershipMoving when two workers answered for one key (see merge_tops)."""
    shared = sorted(key for key, answered in Counter(str(row[key_name]) for row in rows).items()
                    if answered > 1)
    if shared:
        raise OwnershipMoving(f"more than one worker answered for {', '.join(shared)}")


def mention_time(event) -> float:
    """Event time of an `entities` message: published_at, else its timestamp (ingestion)."""
    return event_time(event.value.published_at, event.message.timestamp)


def window_starts(at: float) -> tuple[tuple[str, float], ...]:
    """(COUNT_WINDOWS name, start) of the window of each size that event time `at` falls in."""
    return tuple((name, shape.ranges(at)[0][0]) for name, shape in WINDOW_SHAPES.items())


def window_range(window: str, start: float) -> tuple[float, float]:
    """The Faust window range of the `window`-sized window starting at `start`."""
    return tuple(WINDOW_SHAPES[window].ranges(start)[0])


def top_in_window(table: faust.Table, window: str, n: int, now: float | None = None
                  ) -> list[tuple[str, dict, tuple[float, float]]]:
    """The n keys of a count table with most mentions in the newest `window`-sized window this
    worker holds counts for, as (key, the key's value with the window's counts, window range),
    ties by key; empty when it holds none. A window ended longer ago than COUNT_WINDOWS keeps
    one (on the wall clock, `now`) is not answered for, as Faust drops the quads' windows."""
    shape, now = WINDOW_SHAPES[window], time.time() if now is None else now
    by_start: dict[float, list] = defaultdict(list)
    for key, value in table.items():
        held = (value or {}).get("windows", {}).get(window)
        if held and not shape.stale(window_range(window, held["start"])[1], now):
            by_start[held["start"]].append((key, {**public(value), "mentions": held["mentions"],
                                                  "articles": held["articles"]}))
    if not by_start:
        return []
    newest = max(by_start)
    items = sorted(by_start[newest], key=lambda item: (-item[1]["mentions"], item[0]))
    return [(key, value, window_range(window, newest)) for key, value in items[:n]]


# What a value keeps for exactness, not for readers: the last entities offset counted into it
# (streams/runtime/guard.py) and the generation that wrote it (streams/runtime/generation_table.py).
BOOKKEEPING = ("applied_offset", GENERATION)
WINDOWS = "windows"  # a count's newest windows: answered by ?window=, not in its overall row


def public(value: dict) -> dict:
    """A table value without its bookkeeping and windows."""
    return {name: field for name, field in value.items()
            if name not in BOOKKEEPING and name != WINDOWS}


def add_quad(quads: dict | None, quad_class: int, at: float) -> dict:
    """A place's events by quad class in its newest window of each size, with one event of
    `quad_class` at event time `at` added: a newer window replaces the one held, an event in an
    older one is left out, as for the counts' windows (`add_to_window`)."""
    quads = dict(quads or {})
    for name, start in window_starts(at):
        added = add_to_window(quads.get(name), start, {str(quad_class): 1})
        if added is not None:
            quads[name] = added
    return quads


def quads_in(state: dict | None, window: str, window_range: tuple[float, float]) -> dict:
    """A place's events by quad class in one window ({} when it holds none for it): the
    "quads" of its alert state (`add_quad`)."""
    held = (state or {}).get("quads", {}).get(window)
    if held is None or held["start"] != window_range[0]:
        return {}
    return {quad: events for quad, events in held.items() if quad != "start"}


def window_bounds(window_range: tuple[float, float]) -> dict[str, str]:
    """RFC 3339 `{"start", "end"}` of a Faust window range (Faust ends a window 0.1 s early)."""
    start, end = window_range
    return {"start": rfc3339(start), "end": rfc3339(round(end + 0.1, 3))}
