"""STREAMS_LOG_FORMAT=json: one JSON object per line, for a log shipper to read without parsing
text: time, level, logger, message, and the article id, topic, partition and offset when the
record was logged with them (`extra=where(...)`)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson

FIELDS = ("article_id", "topic", "partition", "offset")  # what `extra=` may carry


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: an odd value in `extra` (bytes, a TopicPartition) still gives a line
        return orjson.dumps(entry, default=str).decode("utf-8")


def where(message: Any = None, article_id: str | None = None, **fields: Any) -> dict[str, Any]:
    """`extra=` for a log call about a Kafka message (anything with topic, partition and offset,
    e.g. a Faust message) and/or an article."""
    extra = dict(fields)
    if message is not None:
        extra.update(topic=message.topic, partition=message.partition, offset=message.offset)
    if article_id is not None:
        extra["article_id"] = article_id
    return extra
