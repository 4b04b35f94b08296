"""The Faust and aiokafka warnings that repeat under normal load, rate-limited.

A busy worker logs "producer buffer full" and "producer flush took" every few hundred
milliseconds, a loaded machine "Thread keepalive is not responding" and "Task timed out!": each
says one thing, once. The first of a kind is logged; the rest are counted and the next one
logged after INTERVAL carries the count: "... (and 1,234 more like it in the last 60 s)".
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

INTERVAL = 60.0  # seconds between two lines of one kind
LIBRARIES = ("aiokafka", "faust", "mode")  # the loggers (and their children) this filter reads

# kind -> what its message contains
REPEATING = {
    "producer buffer full": re.compile(r"producer buffer full"),
    "producer flush took": re.compile(r"producer flush took"),
    "thread keepalive": re.compile(r"Thread keepalive is not responding"),
    "task timed out": re.compile(r"Task timed out!|Please make sure it's hanging"),
    "timer drift": re.compile(r"woke up too late"),
    "heartbeat failed": re.compile(r"Heartbeat failed|Heartbeat session expired"),
    "produce retried": re.compile(r"Got error produce response"),
    "fetch failed": re.compile(r"Failed fetch messages"),
    "coordinator": re.compile(r"[Cc]oordinator"),
    "rebalance sensor": re.compile(r"Missing sensor state for rebalance"),
    "timer overlapping": re.compile(r"Timer \S+ is overlapping"),
}


def from_library(record: logging.LogRecord) -> bool:
    return record.name.split(".", 1)[0] in LIBRARIES


def rewrite(record: logging.LogRecord, message: str) -> None:
    """Replace what the record will print (every handler sees the same text). The arguments
    become an empty tuple, not None: mode's formatter wraps a non-tuple into one, and
    `message % (None,)` failed with "not all arguments converted" on every summary line."""
    record.msg, record.args = message, ()


def decided(record: logging.LogRecord, name: str, decide: Callable[[], bool]) -> bool:
    """One decision per record and filter, however many handlers carry the filter: a record
    must be counted once, not once per handler."""
    mark = f"_streams_{name}"
    if not hasattr(record, mark):
        setattr(record, mark, decide())
    return getattr(record, mark)


@dataclass
class Kind:
    since: float  # when its last line was logged
    held: int = 0  # records dropped since


class RepeatFilter(logging.Filter):
    def __init__(self, interval: float = INTERVAL, clock: Callable[[], float] = time.monotonic,
                 kinds: dict[str, re.Pattern] | None = None):
        super().__init__()
        self.interval, self.clock = interval, clock
        self.kinds = REPEATING if kinds is None else kinds
        self.seen: dict[str, Kind] = {}

    def kind_of(self, record: logging.LogRecord) -> str | None:
        if not from_library(record):
            return None
        message = record.getMessage()
        return next((kind for kind, pattern in self.kinds.items() if pattern.search(message)),
                    None)

    def filter(self, record: logging.LogRecord) -> bool:
        return decided(record, "repeats", lambda: self.decide(record))

    def decide(self, record: logging.LogRecord) -> bool:
        kind = self.kind_of(record)
        if kind is None:
            return True
        now = self.clock()
        seen = self.seen.get(kind)
        if seen is not None and now - seen.since < self.interval:
            seen.held += 1
            return False
        if seen is not None and seen.held:
            rewrite(record, f"{record.getMessage()} (and {seen.held:,} more like it in the last "
                            f"{now - seen.since:.0f} s)")
        self.seen[kind] = Kind(since=now)
        return True
