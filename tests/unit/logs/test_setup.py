"""The formatter and filters reach the handlers: the worker's (Faust's, set up by its worker
class) and a command's."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import faust

from streams.http.health import BrokerProbe
from streams.logs.json_format import JsonFormatter
from streams.logs.outage import OutageFilter
from streams.logs.repeats import RepeatFilter
from streams.logs.setup import install
from streams.runtime.worker_logs import install_worker_logs, worker_class


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


async def test_the_worker_ends_an_outage_once_the_broker_answers_a_metadata_request(caplog):
    answers = [ConnectionError("refused"), None]
    asked = []

    async def request_metadata():
        asked.append(1)
        answer = answers.pop(0)
        if answer is not None:
            raise answer

    timers = []
    app = SimpleNamespace(conf=SimpleNamespace(),
                          timer=lambda interval, name: lambda fn: timers.append(fn) or fn)
    outage = install_worker_logs(app, "text", BrokerProbe(request_metadata, ttl=0.0))
    [watch] = timers
    assert issubclass(app.conf.Worker, faust.Worker)
    await watch()
    assert asked == []  # no outage: the broker is not asked
    outage.filter(logging.LogRecord("aiokafka", logging.ERROR, __file__, 1,
                                    "Unable connect to node with id 1", None, None))
    await watch()  # refused: the outage goes on
    assert outage.active and asked == [1]
    with caplog.at_level(logging.WARNING, logger="streams.logs"):
        await watch()
    assert not outage.active and asked == [1, 1]
    assert caplog.records[0].getMessage().startswith("broker answering again after")
