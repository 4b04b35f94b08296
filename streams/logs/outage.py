"""A broker outage as two lines: one when the connection errors start, one when it is back.

While a broker is down, aiokafka logs every failed connect, metadata request and fetch: about a
thousand lines a second. The first connection error is logged ("broker unreachable: ..."), the
rest are counted; a reminder comes every INTERVAL while it lasts. Whoever can tell the broker
answers again calls `recovered()` (a delivered send, an answered metadata request), which logs
"broker answering again after 15.2 s (12,345 connection errors held back)". For SETTLE seconds
after that, the leader elections of a returning broker do not start a new outage.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from streams.logs.repeats import decided, from_library, rewrite

INTERVAL = 60.0  # seconds between two reminders of one outage
SETTLE = 10.0  # seconds after a recovery in which connection errors are only counted

CONNECTION_ERROR = re.compile(
    r"Unable connect|Unable to (update|request) metadata|Connect call failed|NodeNotReady"
    r"|KafkaConnectionError|Connection at \S+ closed|LeaderNotAvailable|NotLeaderForPartition"
    r"|coordinator dead|coordinator \(node \S+\) is either not started|CoordinatorNotAvailable"
    r"|RequestTimedOut|KafkaTimeoutError")

log = logging.getLogger("streams.logs")


class OutageFilter(logging.Filter):
    def __init__(self, interval: float = INTERVAL, settle: float = SETTLE,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.interval, self.settle, self.clock = interval, settle, clock
        self.since: float | None = None  # when the current outage started
        self.noted = 0.0  # when its last line was logged
        self.held = 0  # connection errors dropped in the current outage
        self.recovered_at: float | None = None

    @property
    def active(self) -> bool:
        return self.since is not None

    def filter(self, record: logging.LogRecord) -> bool:
        return decided(record, "outage", lambda: self.decide(record))

    def decide(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or not from_library(record):
            return True
        message = record.getMessage()
        if not CONNECTION_ERROR.search(message):
            return True
        now = self.clock()
        if self.since is None:
            if self.recovered_at is not None and now - self.recovered_at < self.settle:
                return False  # leaders moving back after the broker returned
            self.since, self.noted, self.held = now, now, 0
            rewrite(record, f"broker unreachable: {message} (further connection errors are "
                            "counted, not logged, until it answers again)")
            return True
        if now - self.noted >= self.interval:
            self.noted = now
            rewrite(record, f"broker still unreachable after {now - self.since:.0f} s "
                            f"({self.held:,} connection errors held back): {message}")
            return True
        self.held += 1
        return False

    def recovered(self) -> None:
        """The broker answered: end the outage with one line (nothing when there is none)."""
        if self.since is None:
            return
        now = self.clock()
        since, held = self.since, self.held
        self.since, self.held, self.recovered_at = None, 0, now
        log.warning("broker answering again after %.1f s (%s connection errors held back)",
                    now - since, f"{held:,}")
