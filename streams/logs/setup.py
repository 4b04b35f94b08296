"""Putting the formatter and the filters on handlers: the worker's (Faust configures its own,
streams/runtime/worker_logs.py) and the commands' (`configure_command`)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import IO

from streams.logs.json_format import JsonFormatter
from streams.logs.outage import OutageFilter
from streams.logs.refusals import RefusalFilter
from streams.logs.repeats import RepeatFilter

COMMAND_FORMAT = "%(asctime)s %(message)s"  # the commands' text lines: short, for a terminal
COMMAND_DATEFMT = "%H:%M:%S"


def install(handlers: Iterable[logging.Handler], log_format: str,
            filters: Iterable[logging.Filter]) -> None:
    """Each handler gets the filters and, with log_format "json", the JSON formatter; with
    "text" it keeps its formatter."""
    filters = list(filters)
    for handler in handlers:
        if log_format == "json":
            handler.setFormatter(JsonFormatter())
        for one in filters:
            handler.addFilter(one)


def configure_command(log_format: str, level: int = logging.INFO,
                      stream: IO[str] | None = None) -> OutageFilter:
    """Logging for a command (replay, sink, export): one handler on stderr, the libraries at
    WARNING, their repeats and outages quieted. Returns the outage filter, for the command to
    say when the broker answers again."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(COMMAND_FORMAT, COMMAND_DATEFMT))
    outage = OutageFilter()
    install([handler], log_format, [outage, RepeatFilter(), RefusalFilter()])
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiokafka").setLevel(max(level, logging.WARNING))
    return outage
