"""Read-only HTTP views on the worker's web server, all JSON."""

from __future__ import annotations

import faust

from streams.contract.topics import Topics
from streams.runtime.tables import Tables, in_window, top, top_in_window, window_bounds

DEFAULT_TOP = 20
MAX_TOP = 1000
OVERALL = "overall"  # ?window=: overall (the default), or a COUNT_WINDOWS name (1h, 1d)


def register_views(app: faust.App, topics: Topics, tables: Tables) -> None:
    @app.page("/health")
    async def health(self, request):
        return self.json({"status": "ok", "app": app.conf.id})

    @app.page("/actors/top")
    async def actors_top(self, request):
        return _top(self, request, tables.actor_counts, "code", tables.actor_windows)

    @app.page("/locations/top")
    async def locations_top(self, request):
        return _top(self, request, tables.location_counts, "geonameid", tables.location_windows,
                    tables.location_quads)

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


def _top(view, request, table, key_name: str, windows: dict, quads: dict | None = None):
    """Top n overall, or in the newest window (?window=1h|1d) with its bounds on every row and,
    for places, the window's events by quad class."""
    try:
        n = int(request.query.get("n", DEFAULT_TOP))
    except ValueError:
        return view.error(400, "n must be a whole number")
    if not 1 <= n <= MAX_TOP:
        return view.error(400, f"n must be between 1 and {MAX_TOP}")
    window = request.query.get("window", OVERALL)
    if window == OVERALL:
        return view.json([{key_name: key, **value} for key, value in top(table, n)])
    if window not in windows:
        return view.error(400, f"window must be one of {', '.join([OVERALL, *windows])}")
    rows = []
    for key, value, window_range in top_in_window(windows[window].table, n):
        row = {key_name: key, **value, "window": window_bounds(window_range)}
        if quads is not None:
            row["quad_classes"] = in_window(quads[window].table, key, window_range)
        rows.append(row)
    return view.json(rows)


def _one(view, table, key: str, key_name: str):
    value = table.get(key)
    if not value:
        return view.error(404, f"no counts for {key_name} {key}")
    return view.json({key_name: key, **value})
