"""STREAMS_LOG_FORMAT=json: every line parses, with the fields a log shipper reads."""

from __future__ import annotations

import io
import json
import logging
from types import SimpleNamespace

import pytest

from streams.logs.json_format import JsonFormatter, where
from streams.settings import Settings


def logged(*calls) -> list[dict]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("test.json_format")
    logger.handlers[:], logger.propagate, logger.level = [handler], False, logging.DEBUG
    for call in calls:
        call(logger)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_record_is_one_json_object_with_time_level_logger_message():
    [entry] = logged(lambda log: log.info("sent %d articles", 3))
    assert set(entry) == {"time", "level", "logger", "message"}
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "INFO", "test.json_format", "sent 3 articles")
    assert entry["time"].endswith("+00:00") and "T" in entry["time"]


def test_the_message_fields_from_extra_are_kept_and_absent_ones_left_out():
    message = SimpleNamespace(topic="articles", partition=2, offset=41)
    entries = logged(
        lambda log: log.warning("dead-lettered", extra=where(message, article_id="a1")),
        lambda log: log.warning("no article", extra=where(topic="events")))
    assert {k: entries[0][k] for k in ("article_id", "topic", "partition", "offset")} == {
        "article_id": "a1", "topic": "articles", "partition": 2, "offset": 41}
    assert entries[1]["topic"] == "events" and "offset" not in entries[1]


def test_a_multi_line_message_and_a_traceback_stay_on_one_line():
    def fail(log):
        try:
            raise ValueError("bad\nvalue")
        except ValueError:
            log.exception("table:\n| a | b |")

    stream_entries = logged(fail)
    assert len(stream_entries) == 1
    assert stream_entries[0]["message"] == "table:\n| a | b |"
    assert "ValueError: bad" in stream_entries[0]["exception"]


def test_a_value_json_cannot_hold_is_written_as_text():
    [entry] = logged(lambda log: log.info("x", extra={"topic": b"raw", "offset": object()}))
    assert entry["topic"] == "b'raw'" and entry["offset"].startswith("<object")


def test_the_setting_takes_text_or_json_and_refuses_anything_else(monkeypatch):
    assert Settings.from_env().log_format == "text"
    monkeypatch.setenv("STREAMS_LOG_FORMAT", "json")
    assert Settings.from_env().log_format == "json"
    monkeypatch.setenv("STREAMS_LOG_FORMAT", "yaml")
    with pytest.raises(ValueError, match="STREAMS_LOG_FORMAT='yaml' is not one of text, json"):
        Settings.from_env()
