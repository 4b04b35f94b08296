"""Read-only HTTP views on the worker's web server, all JSON.

`/actors/top` and `/locations/top` answer for the whole cluster: the worker asked gathers every
other worker's own rows (`?scope=local`) from the URLs Faust's assignor knows for the tables'
partitions, and ranks the union. `/actors/{code}` and `/locations/{geonameid}` are routed to the
worker that owns the key.
"""

from __future__ import annotations

import asyncio

import aiohttp
import faust

from streams.contract.topics import Topics
from streams.runtime.tables import (
    OwnershipMoving,
    Tables,
    in_window,
    merge_tops,
    public,
    top,
    top_in_window,
    window_bounds,
)

DEFAULT_TOP = 20
MAX_TOP = 1000
OVERALL = "overall"  # ?window=: overall (the default), or a COUNT_WINDOWS name (1h, 1d)
LOCAL = "local"  # ?scope=local: only this worker's partitions (what the cluster answer gathers)
PEER_TIMEOUT = 10.0  # seconds to wait for another worker's rows


def register_views(app: faust.App, topics: Topics, tables: Tables) -> None:
    @app.page("/health")
    async def health(self, request):
        return self.json({"status": "ok", "app": app.conf.id})

    @app.page("/actors/top")
    async def actors_top(self, request):
        return await _cluster_top(app, self, request, tables.actor_counts, "code",
                                  tables.actor_windows)

    @app.page("/locations/top")
    async def locations_top(self, request):
        return await _cluster_top(app, self, request, tables.location_counts, "geonameid",
                                  tables.location_windows, tables.location_quads)

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


async def _cluster_top(app: faust.App, view, request, table, key_name: str, windows: dict,
                       quads: dict | None = None):
    """Top n of the cluster: this worker's rows and every other worker's, ranked together."""
    try:
        n = int(request.query.get("n", DEFAULT_TOP))
    except ValueError:
        return view.error(400, "n must be a whole number")
    if not 1 <= n <= MAX_TOP:
        return view.error(400, f"n must be between 1 and {MAX_TOP}")
    window = request.query.get("window", OVERALL)
    if window != OVERALL and window not in windows:
        return view.error(400, f"window must be one of {', '.join([OVERALL, *windows])}")
    if app.rebalancing or app.in_recovery:  # its tables may hold partitions it is losing
        return view.error(503, "this worker's partitions are being reassigned: ask again shortly")
    mine = _local_top(table, n, key_name, windows, quads, window)
    if request.query.get("scope") == LOCAL:
        return view.json(mine)
    own = str(app.conf.canonical_url).rstrip("/")
    others = sorted({str(url).rstrip("/") for url in app.router.tables_metadata()} - {own})
    if not others:  # alone in the group: its rows are the cluster's
        return view.json(mine)
    query = {"n": str(n), "window": window, "scope": LOCAL}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PEER_TIMEOUT)) as session:
        answers = await asyncio.gather(*(_rows_of(session, f"{url}{request.path}", query)
                                         for url in others), return_exceptions=True)
    for url, answer in zip(others, answers, strict=True):
        if isinstance(answer, BaseException):  # a partial top would look complete: say so
            return view.error(503, f"worker {url} did not answer for its partitions: {answer!r}")
    try:
        return view.json(merge_tops([mine, *answers], n, key_name))
    except OwnershipMoving as exc:
        return view.error(503, f"partitions are being reassigned ({exc}): ask again shortly")


async def _rows_of(session: aiohttp.ClientSession, url: str, query: dict) -> list[dict]:
    async with session.get(url, params=query) as response:
        response.raise_for_status()
        return await response.json()


def _local_top(table, n: int, key_name: str, windows: dict, quads: dict | None, window: str):
    """This worker's top n overall, or in its newest window (?window=1h|1d) with the bounds on
    every row and, for places, the window's events by quad class."""
    if window == OVERALL:
        return [{key_name: key, **public(value)} for key, value in top(table, n)]
    rows = []
    for key, value, window_range in top_in_window(windows[window].table, n):
        row = {key_name: key, **public(value), "window": window_bounds(window_range)}
        if quads is not None:
            row["quad_classes"] = in_window(quads[window].table, key, window_range)
        rows.append(row)
    return rows


def _one(view, table, key: str, key_name: str):
    value = table.get(key)
    if not value:
        return view.error(404, f"no counts for {key_name} {key}")
    return view.json({key_name: key, **public(value)})
