"""The formatter and filters reach the handlers: the worker's (Faust's, set up by its worker
class) and a command's."""

from __future__ import annotations

import logging

import faust

from streams.logs.json_format import JsonFormatter
from streams.logs.outage import OutageFilter
from streams.logs.repeats import RepeatFilter
from streams.logs.setup import install
from streams.runtime.worker_logs import worker_class


def test_json_replaces_the_formatter_and_text_keeps_it():
    text, json = logging.StreamHandler(), logging.StreamHandler()
    kept = logging.Formatter("%(message)s")
    text.setFormatter(kept)
    filters = [OutageFilter(), RepeatFilter()]
    install([text], "text", filters)
    install([json], "json", filters)
    assert text.formatter is kept and isinstance(json.formatter, JsonFormatter)
    assert text.filters == filters and json.filters == filters


def test_the_worker_class_installs_them_on_the_root_handlers_faust_made(monkeypatch):
    filters = [RepeatFilter()]
    worker = worker_class("json", filters)
    handler = logging.StreamHandler()
    logger = logging.Logger("root-like")
    logger.addHandler(handler)
    # Faust's own hook (its terminal spinner) needs a started worker: left out here
    monkeypatch.setattr(faust.Worker, "on_setup_root_logger", lambda self, logger, level: None)
    worker.on_setup_root_logger(object.__new__(worker), logger, logging.INFO)
    assert isinstance(handler.formatter, JsonFormatter) and handler.filters == filters
