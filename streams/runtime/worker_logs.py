"""The worker's logs: STREAMS_LOG_FORMAT and the quieting filters (streams/logs) on the handlers
Faust sets up, and the end of a broker outage noticed by asking the broker.

Faust configures logging itself when the worker starts (`-l`, `--logfile`) and then calls
`Worker.on_setup_root_logger` with the root logger: the supported place to change its handlers
(`app.conf.Worker` names the worker class).
"""

from __future__ import annotations

import logging

import faust

from streams.http.health import BrokerProbe, producer_metadata
from streams.logs.outage import OutageFilter
from streams.logs.repeats import RepeatFilter
from streams.logs.setup import install

WATCH_EVERY = 2.0  # seconds between asking a broker that went away whether it is back


def worker_class(log_format: str, filters: list[logging.Filter]) -> type[faust.Worker]:
    """A faust.Worker whose log handlers format and filter as the settings say."""

    class Worker(faust.Worker):
        def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
            super().on_setup_root_logger(logger, level)
            install(logger.handlers, log_format, filters)

    return Worker


def install_worker_logs(app: faust.App, log_format: str,
                        probe: BrokerProbe | None = None) -> OutageFilter:
    """Set the app's worker class and a timer that ends an outage once the broker answers."""
    outage = OutageFilter()
    app.conf.Worker = worker_class(log_format, [outage, RepeatFilter()])
    probe = probe or BrokerProbe(producer_metadata(app))

    @app.timer(WATCH_EVERY, name="broker_outage_watch")
    async def watch_outage() -> None:
        if outage.active and await probe.error() is None:
            outage.recovered()

    return outage
