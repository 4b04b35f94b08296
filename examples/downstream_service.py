#!/usr/bin/env python3
"""A minimal downstream service: plain aiokafka, no Faust, no code from the `streams` package.

It reads the pipeline's public topics `alerts` and `events` in a consumer group of its own and
prints one line per message. Everything it relies on is the published contract: topic names
(with an optional prefix), UTF-8 string keys and plain JSON values (docs/asyncapi.yaml).

    KAFKA_BOOTSTRAP=127.0.0.1:9092 python examples/downstream_service.py
    python examples/downstream_service.py --max 20 --timeout 60 --from-beginning

Environment: KAFKA_BOOTSTRAP (127.0.0.1:9092), STREAMS_TOPIC_PREFIX (empty),
DOWNSTREAM_GROUP_ID (news-downstream-example).

`run()` is the whole service as one awaitable, bounded by a message count, a time limit or a
predicate, so a test (or another program) can run it and look at what it received.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from aiokafka import AIOKafkaConsumer

TOPICS = ("alerts", "events")  # contract names; the prefix is added in front


@dataclass(frozen=True)
class Received:
    topic: str  # the contract name: "alerts" or "events"
    key: str | None
    value: dict[str, Any]


def who(actor: dict | None) -> str:
    return (actor or {}).get("code") or (actor or {}).get("text") or "?"


def describe(message: Received) -> str:
    """One line for a person."""
    value = message.value
    if message.topic == "events":
        target = f" -> {who(value.get('target'))}" if value.get("target") else ""
        place = (value.get("location") or {}).get("name")
        where = f" at {place}" if place else ""
        return (f"event {value.get('event_id')}: {who(value.get('source'))} "
                f"{value.get('cameo_code')} ({value.get('plover_event') or '-'}){target}{where}")
    subject = (value.get("subject") or {}).get("name") or "?"
    return (f"alert {value.get('id')}: [{value.get('severity')}] {value.get('rule')} on {subject} "
            f"observed={value.get('observed')} baseline={value.get('baseline')}")


async def run(*, bootstrap: str | None = None, prefix: str | None = None,
              group_id: str | None = None, from_beginning: bool = False,
              max_messages: int | None = None, timeout: float | None = None,
              until: Callable[[list[Received]], bool] | None = None,
              out: TextIO | None = None) -> list[Received]:
    """Consume `alerts` and `events`, print a line each, and return what was received.

    Stops after `max_messages`, after `timeout` seconds, or as soon as `until(received)` is true,
    whichever comes first; with none of them it runs until cancelled. Offsets are committed, so
    a restarted service in the same group carries on where it stopped.
    """
    bootstrap = bootstrap or os.environ.get("KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    prefix = os.environ.get("STREAMS_TOPIC_PREFIX", "") if prefix is None else prefix
    group_id = group_id or os.environ.get("DOWNSTREAM_GROUP_ID", "news-downstream-example")
    out = out or sys.stdout
    names = {f"{prefix}{topic}": topic for topic in TOPICS}
    consumer = AIOKafkaConsumer(
        *names,
        bootstrap_servers=bootstrap,
        group_id=group_id,
        auto_offset_reset="earliest" if from_beginning else "latest",
        isolation_level="read_committed",  # never see messages of an aborted transaction
        enable_auto_commit=True,
    )
    received: list[Received] = []
    deadline = None if timeout is None else time.monotonic() + timeout

    def done() -> bool:
        return ((max_messages is not None and len(received) >= max_messages)
                or (until is not None and until(received))
                or (deadline is not None and time.monotonic() >= deadline))

    await consumer.start()
    try:
        while not done():
            left = 0.5 if deadline is None else deadline - time.monotonic()
            batches = await consumer.getmany(timeout_ms=max(1, min(500, int(1000 * left))))
            for record in (r for records in batches.values() for r in records):
                try:
                    value = json.loads(record.value)
                except (TypeError, ValueError):
                    print(f"skipped a value that is not JSON at {record.topic}@{record.offset}",
                          file=sys.stderr)
                    continue
                key = record.key.decode("utf-8", errors="replace") if record.key else None
                message = Received(names[record.topic], key, value)
                received.append(message)
                print(describe(message), file=out, flush=True)
                if done():
                    break
    finally:
        await consumer.stop()  # commits what was consumed (auto-commit) and leaves the group
    return received


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the pipeline's alerts and events.")
    parser.add_argument("--max", type=int, default=None, help="stop after N messages")
    parser.add_argument("--timeout", type=float, default=None, help="stop after S seconds")
    parser.add_argument("--from-beginning", action="store_true",
                        help="a new group starts at the oldest message (default: new ones only)")
    args = parser.parse_args(argv)
    try:
        asyncio.run(run(max_messages=args.max, timeout=args.timeout,
                        from_beginning=args.from_beginning))
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
