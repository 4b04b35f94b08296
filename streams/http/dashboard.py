"""Read-only HTTP views for the dashboard: recent events and alerts, the page and its assets.

`GET /events/recent?n=50` and `GET /alerts/recent?n=50` answer from the in-memory buffers
(`streams.runtime.recent`, filled from the topics by `streams.runtime.recent_reader`), newest
first, with optional `*_label` fields
(`streams.labels`). `GET /dashboard` serves the page; its script, style
sheet and offline basemap come from package data in `streams/http/assets/`, so nothing is fetched from
anywhere but this worker.
"""

from __future__ import annotations

from importlib import resources

import faust

from streams.labels import with_alert_labels, with_event_labels
from streams.runtime.recent import Recent, RecentMessages

DEFAULT_RECENT = 50
ASSETS = {  # the only files served: a fixed list, so no path from a request reaches the disk
    "dashboard.js": "text/javascript",
    "dashboard.css": "text/css",
    "world.json": "application/json",
}


def asset(name: str) -> str:
    """A file of `streams/http/assets/` (UTF-8 text; the responses say charset=utf-8)."""
    return resources.files("streams.http").joinpath("assets", name).read_text(encoding="utf-8")


def register_dashboard_views(app: faust.App, recent: Recent) -> None:
    @app.page("/events/recent")
    async def events_recent(self, request):
        return _recent(self, request, recent.events, with_event_labels)

    @app.page("/alerts/recent")
    async def alerts_recent(self, request):
        return _recent(self, request, recent.alerts, with_alert_labels)

    @app.page("/dashboard")
    async def dashboard(self, request):
        return self.html(asset("dashboard.html"))

    @app.page("/dashboard/{name}")
    async def dashboard_asset(self, request, name):
        if name not in ASSETS:
            return self.error(404, f"no dashboard asset {name}")
        return self.text(asset(name), content_type=ASSETS[name])


def _recent(view, request, buffer: RecentMessages, labelled):
    try:
        n = int(request.query.get("n", DEFAULT_RECENT))
    except ValueError:
        return view.error(400, "n must be a whole number")
    if not 1 <= n <= buffer.keep:
        return view.error(400, f"n must be between 1 and {buffer.keep}")
    return view.json([labelled(message) for message in buffer.latest(n)])
