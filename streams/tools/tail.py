"""`streams tail TOPIC`: print a contract topic's messages as indented (coloured on a TTY) JSON.

A read-only look at a topic: the consumer joins no group and commits nothing, so it never
moves anyone's offsets, and it reads `read_committed` like every downstream consumer should.
`--pretty` prints one line per message with names beside the codes and local times instead.
`--filter` takes the small expression language of `streams.tools.filters` (never eval).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import textwrap
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from streams.contract.topics import CONTRACT_TOPICS
from streams.failures import UNKNOWN_TOPIC, USAGE, Failure
from streams.settings import Settings
from streams.tools.filters import Filter
from streams.tools.pretty import local_time, message_line

COLOURS = {"key": "\033[36m", "string": "\033[32m", "number": "\033[33m",
           "literal": "\033[35m", "header": "\033[1;34m"}
RESET = "\033[0m"
TOKEN = re.compile(r'(?P<string>"(?:[^"\\]|\\.)*")(?P<colon>\s*:)?'
                   r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<literal>true|false|null)")


@dataclass
class TailReport:
    read: int = 0  # messages consumed
    shown: int = 0  # messages that matched the filter and were printed


def use_colour(out: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return hasattr(out, "isatty") and out.isatty() and "NO_COLOR" not in os.environ


def colourise(text: str) -> str:
    """Colour the tokens of JSON text: keys, strings, numbers, true/false/null."""
    def paint(match: re.Match) -> str:
        if match.group("string") is not None:
            kind = "key" if match.group("colon") else "string"
            return f"{COLOURS[kind]}{match.group('string')}{RESET}{match.group('colon') or ''}"
        kind = "number" if match.group("number") is not None else "literal"
        return f"{COLOURS[kind]}{match.group(0)}{RESET}"

    return TOKEN.sub(paint, text)


def decode(raw: bytes | None) -> tuple[Any, bool]:
    """The message value as JSON, or as text when it is not JSON; the flag says which."""
    if raw is None:
        return None, True
    try:
        return orjson.loads(raw), True
    except orjson.JSONDecodeError:
        return raw.decode("utf-8", errors="replace"), False


def render(topic: str, partition: int, offset: int, key: bytes | None, timestamp_ms: int | None,
           value: Any, is_json: bool = True, *, colour: bool = False, compact: bool = False) -> str:
    """One message as text: a header line and the indented value, or one JSON line (compact)."""
    if compact:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    when = "-" if timestamp_ms is None else datetime.fromtimestamp(
        timestamp_ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    shown_key = "-" if key is None else key.decode("utf-8", errors="replace")
    header = f"--- {topic} partition={partition} offset={offset} key={shown_key} time={when}"
    body = json.dumps(value, ensure_ascii=False, indent=2) if is_json else f"(not JSON) {value}"
    if colour:
        return f"{COLOURS['header']}{header}{RESET}\n{colourise(body) if is_json else body}"
    return f"{header}\n{body}"


def render_pretty(topic: str, key: bytes | None, timestamp_ms: int | None, value: Any,
                  is_json: bool = True) -> str:
    """One message for people: local time, key, and a line with names beside the codes (events,
    events.daily, alerts, entities); other topics' values as indented JSON."""
    when = "-" if timestamp_ms is None else local_time(timestamp_ms / 1000)
    shown_key = "-" if key is None else key.decode("utf-8", errors="replace")
    line = message_line(topic, value) if is_json else None
    if line is None:
        line = json.dumps(value, ensure_ascii=False, indent=2) if is_json else f"(not JSON) {value}"
    return f"{when} {shown_key}\n{textwrap.indent(line, '  ')}"


def make_consumer(settings: Settings, from_beginning: bool,
                  group_id: str | None = None) -> AIOKafkaConsumer:
    """A read_committed consumer that commits only when told to. Without a group (the default)
    nothing is committed and no other consumer is rebalanced."""
    return AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
        isolation_level="read_committed",
        **settings.security,
    )


async def assigned(consumer: AIOKafkaConsumer, timeout: float = 30.0) -> list[TopicPartition]:
    """Wait until the subscription has its partitions, and fix where each one starts."""
    deadline = time.monotonic() + timeout
    while not consumer.assignment():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no partitions assigned after {timeout:.0f}s")
        await asyncio.sleep(0.05)
    partitions = sorted(consumer.assignment())
    for partition in partitions:  # resolve the start now, so nothing sent from here is missed
        await consumer.position(partition)
    return partitions


async def tail(settings: Settings, topic: str, *, where: Filter | None = None,
               from_beginning: bool = False, max_messages: int | None = None,
               timeout: float | None = None, compact: bool = False, pretty: bool = False,
               out: TextIO | None = None, err: TextIO | None = None) -> TailReport:
    """Print the messages of contract topic `topic` that match `where`.

    Stops after `max_messages` printed messages or `timeout` seconds, whichever comes first;
    with neither it runs until interrupted.
    """
    if topic not in CONTRACT_TOPICS:
        raise Failure(f"{topic!r} is not a contract topic", USAGE,
                      hint=f"name one of {', '.join(CONTRACT_TOPICS)}")
    out, err = out or sys.stdout, err or sys.stderr
    where, name, colour = where or Filter(), settings.topic(topic), use_colour(out)
    deadline = None if timeout is None else time.monotonic() + timeout
    report = TailReport()
    consumer = make_consumer(settings, from_beginning)
    try:
        await consumer.start()
        # Checked against the full topic list first: subscribing to a missing topic could make
        # a broker with auto.create.topics.enable create it.
        if name not in await consumer.topics():
            user = settings.security.get("sasl_plain_username")
            hidden = f", or {user} has no ACL to see it (streams acls)" if user else ""
            raise Failure(f"topic {name} does not exist on {settings.bootstrap}{hidden}",
                          UNKNOWN_TOPIC)  # a broker hides what one may not see
        consumer.subscribe([name])  # with no group, every partition is assigned to us
        partitions = await assigned(consumer)
        where_text = f" where {where}" if where.conditions else ""
        start = "the beginning" if from_beginning else "now"
        count = f"{len(partitions)} partition{'' if len(partitions) == 1 else 's'}"
        print(f"tailing {name} ({count}) from {start}{where_text}",
              file=err, flush=True)
        while max_messages is None or report.shown < max_messages:
            wait = 0.5 if deadline is None else min(0.5, deadline - time.monotonic())
            if wait <= 0:
                break
            batches = await consumer.getmany(timeout_ms=int(wait * 1000))
            for record in (record for records in batches.values() for record in records):
                report.read += 1
                value, is_json = decode(record.value)
                if where.conditions and not (is_json and where.matches(value)):
                    continue
                if pretty:
                    text = render_pretty(topic, record.key, record.timestamp, value, is_json)
                else:
                    text = render(name, record.partition, record.offset, record.key,
                                  record.timestamp, value, is_json, colour=colour, compact=compact)
                print(text, file=out, flush=True)
                report.shown += 1
                if report.shown == max_messages:
                    break
    finally:
        await consumer.stop()
    print(f"{report.shown} shown of {report.read} read", file=err, flush=True)
    return report
