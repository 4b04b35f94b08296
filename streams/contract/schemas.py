"""The published JSON Schemas (draft 2020-12) of the topic values: load them, check messages.

The files are package data, `streams/contract/json_schemas/<topic>.v1.json`, one per contract topic; the
AsyncAPI document `docs/asyncapi.yaml` points at the same files. Topic names are the contract
names (`events`, not `<STREAMS_TOPIC_PREFIX>events`).

jsonschema is imported only when `validate` is called, so importing this module costs nothing
where it is not installed.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from streams.contract.topics import CONTRACT_TOPICS

VERSION = 1
SCHEMA_FILES = {topic: f"{topic}.v{VERSION}.json" for topic in CONTRACT_TOPICS}

__all__ = ["CONTRACT_TOPICS", "SCHEMA_FILES", "schema_for", "validate"]


@functools.cache
def schema_for(topic: str) -> dict[str, Any]:
    """The JSON Schema of a topic's message value. Cached and shared: do not mutate it."""
    try:
        filename = SCHEMA_FILES[topic]
    except KeyError:
        known = ", ".join(CONTRACT_TOPICS)
        raise KeyError(f"no schema for topic {topic!r}; contract topics: {known}") from None
    text = resources.files("streams.contract").joinpath("json_schemas", filename).read_text(encoding="utf-8")
    return json.loads(text)


def validate(topic: str, message: dict[str, Any]) -> None:
    """Check a decoded message value against its topic's schema.

    Raises `jsonschema.ValidationError` (the most relevant error) when it does not conform.
    """
    _validator(topic).validate(message)


@functools.cache
def _validator(topic: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema_for(topic))
