"""Read-only HTTP views on the worker's web server, all JSON.

`/actors/top` and `/locations/top` answer for the whole cluster: the worker asked gathers every
other worker's own rows (`?scope=local`) from the URLs Faust's assignor knows for the tables'
partitions, and ranks the union; `/events/daily` gathers the `events.daily` records the same
way (filtered by `date`, `actor`, `location`, ranked by articles). `/actors/{code}` and
`/locations/{geonameid}` are routed to the worker that owns the key.
"""

from __future__ import annotations

import asyncio
import re

import aiohttp
import faust

from streams.contract.daily import matches, ranked
from streams.contract.topics import Topics
from streams.http.access import bearer_headers
from streams.labels import with_actor_labels, with_event_labels, with_place_labels
from streams.runtime.tables import (
    COUNT_WINDOWS,
    OwnershipMoving,
    Tables,
    merge_daily,
    merge_tops,
    public,
    quads_in,
    top,
    top_in_window,
    window_bounds,
)

DEFAULT_TOP = 20
MAX_TOP = 1000
OVERALL = "overall"  # ?window=: overall (the default), or a COUNT_WINDOWS name (1h, 1d)
LOCAL = "local"  # ?scope=local: only this worker's partitions (what the cluster answer gathers)
PEER_TIMEOUT = 10.0  # seconds to wait for another worker's rows
REASSIGNING = "this worker's partitions are being reassigned: ask again shortly"
LABELS = {"code": with_actor_labels, "geonameid": with_place_labels}  # optional *_label fields
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ?date= of /events/daily


def register_views(app: faust.App, topics: Topics, tables: Tables, web_token: str = "") -> None:
    """`web_token`: the one the app's workers share, sent when this worker asks the others."""
    peers = bearer_headers(web_token)

    @app.page("/actors/top")
    async def actors_top(self, request):
        return await _cluster_top(app, self, request, peers, tables.actor_counts, "code")

    @app.page("/events/daily")
    async def events_daily(self, request):
        return await _events_daily(app, self, request, peers, tables.daily_records)

    @app.page("/locations/top")
    async def locations_top(self, request):
        return await _cluster_top(app, self, request, peers, tables.location_counts, "geonameid",
                                  alert_state=tables.alert_state)

    # Routed to the worker that owns the key's partition of `entities`, where the count agent
    # keeps it. Not `table_route`: it hashes the table's JSON-serialised key ('"SYRMIL"'), while
    # `entities` is partitioned by the raw key, so with two workers it could ask the wrong one.
    @app.page("/actors/{code}")
    @app.topic_route(topic=topics.entities, match_info="code")
    async def actor(self, request, code):
        return _one(self, tables.actor_counts, code, "code")

    @app.page("/locations/{geonameid}")
    @app.topic_route(topic=topics.entities, match_info="geonameid")
    async def location(self, request, geonameid):
        return _one(self, tables.location_counts, geonameid, "geonameid")


async def _cluster_top(app: faust.App, view, request, peers: dict, table, key_name: str,
                       alert_state: faust.Table | None = None):
    """Top n of the cluster: this worker's rows and every other worker's, ranked together;
    `alert_state` for places, whose windowed rows carry the events by quad class it holds."""
    try:
        n = _top_n(request.query)
    except ValueError as exc:
        return view.error(400, str(exc))
    window = request.query.get("window", OVERALL)
    if window != OVERALL and window not in COUNT_WINDOWS:
        return view.error(400, f"window must be one of {', '.join([OVERALL, *COUNT_WINDOWS])}")
    if app.rebalancing or app.in_recovery:  # its tables may hold partitions it is losing
        return view.error(503, REASSIGNING)
    mine = _local_top(table, n, key_name, alert_state, window)
    query = {"n": str(n), "window": window, "scope": LOCAL}
    return await _cluster_answer(app, view, request, peers, mine, query,
                                 lambda answers: merge_tops(answers, n, key_name))


async def _events_daily(app: faust.App, view, request, peers: dict, table):
    """The top events.daily records of the cluster that pass the filters, as `_cluster_top`."""
    try:
        n, filters = _daily_query(request.query)
    except ValueError as exc:
        return view.error(400, str(exc))
    if app.rebalancing or app.in_recovery:
        return view.error(503, REASSIGNING)
    mine = [with_event_labels(record) for record in ranked(
        [value["record"] for value in table.values()
         if value and matches(value["record"], **filters)], n)]
    query = {**request.query, "scope": LOCAL}
    return await _cluster_answer(app, view, request, peers, mine, query,
                                 lambda answers: merge_daily(answers, n))


def _top_n(query) -> int:
    """`?n=` of a cluster-wide list (DEFAULT_TOP when absent); ValueError saying what is wrong."""
    try:
        n = int(query.get("n", DEFAULT_TOP))
    except ValueError:
        raise ValueError("n must be a whole number") from None
    if not 1 <= n <= MAX_TOP:
        raise ValueError(f"n must be between 1 and {MAX_TOP}")
    return n


def _daily_query(query) -> tuple[int, dict]:
    """n and the filters of `GET /events/daily`; ValueError saying what is wrong."""
    n = _top_n(query)
    date, actor, location = query.get("date"), query.get("actor"), query.get("location")
    if date is not None and not DATE.fullmatch(date):
        raise ValueError("date must be YYYY-MM-DD")
    if location is not None and not location.isdigit():
        raise ValueError("location must be a GeoNames id (a whole number)")
    return n, {"date": date, "actor": actor or None,
               "location": int(location) if location is not None else None}


async def _cluster_answer(app: faust.App, view, request, peers: dict, mine: list, query: dict,
                          merge):
    """`mine` (this worker's own rows) with `?scope=local` or when it is alone in the group;
    else `merge([mine, *every other worker's rows for the same path and query])`, asked with
    the `peers` headers (the shared bearer token)."""
    if request.query.get("scope") == LOCAL:
        return view.json(mine)
    own = str(app.conf.canonical_url).rstrip("/")
    others = sorted({str(url).rstrip("/") for url in app.router.tables_metadata()} - {own})
    if not others:  # alone in the group: its rows are the cluster's
        return view.json(mine)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PEER_TIMEOUT),
                                     headers=peers) as session:
        answers = await asyncio.gather(*(_rows_of(session, f"{url}{request.path}", query)
                                         for url in others), return_exceptions=True)
    for url, answer in zip(others, answers, strict=True):
        if isinstance(answer, BaseException):  # a partial top would look complete: say so
            return view.error(503, f"worker {url} did not answer for its partitions: {answer!r}")
    try:
        return view.json(merge([mine, *answers]))
    except OwnershipMoving as exc:
        return view.error(503, f"partitions are being reassigned ({exc}): ask again shortly")


async def _rows_of(session: aiohttp.ClientSession, url: str, query: dict) -> list[dict]:
    async with session.get(url, params=query) as response:
        response.raise_for_status()
        return await response.json()


def _local_top(table, n: int, key_name: str, alert_state, window: str):
    """This worker's top n overall, or in its newest window (?window=1h|1d) with the bounds on
    every row and, for places, the window's events by quad class; each row labelled."""
    labelled = LABELS[key_name]
    if window == OVERALL:
        return [labelled({key_name: key, **public(value)}) for key, value in top(table, n)]
    rows = []
    for key, value, window_range in top_in_window(table, window, n):
        row = {key_name: key, **value, "window": window_bounds(window_range)}
        if alert_state is not None:
            row["quad_classes"] = quads_in(alert_state.get(key), window, window_range)
        rows.append(labelled(row))
    return rows


def _one(view, table, key: str, key_name: str):
    value = table.get(key)
    if not value:
        return view.error(404, f"no counts for {key_name} {key}")
    return view.json(LABELS[key_name]({key_name: key, **public(value)}))
