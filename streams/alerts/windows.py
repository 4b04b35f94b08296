"""Window maths for alert rules (pure; time is always passed in, so tests inject their clock).

Windows are tumbling and aligned to the Unix epoch: a window of `size` seconds holds the event
times `start <= t < start + size` with `start` a multiple of `size`. Times are Unix seconds (UTC).

Event time is the article's `published_at` when it has a readable one, else the time the article
reached Kafka (its message timestamp, carried over to its entity and event messages). A
`published_at` later than that ingestion time is a clock or time-zone error: it is clamped to the
ingestion time, so a window can never be opened in the future.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

Clock = Callable[[], float]  # seconds since the epoch; `time.time` outside tests

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")


def system_clock() -> float:
    return time.time()


def parse_duration(value: object, *, allow_zero: bool = False) -> int:
    """Whole seconds from `90`, `"90s"`, `"15m"`, `"1h"`, `"1d"` or `"2w"`; ValueError if not."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as 90s, 15m, 1h or 1d, got {value!r}")
    if isinstance(value, int):
        seconds = value
    else:
        match = _DURATION.match(value) if isinstance(value, str) else None
        if not match:
            raise ValueError(f"expected a duration such as 90s, 15m, 1h or 1d, got {value!r}")
        seconds = int(match.group(1)) * UNITS[match.group(2)]
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise ValueError(f"a duration must be {'at least 0' if allow_zero else 'positive'}, "
                         f"got {value!r}")
    return seconds


@dataclass(frozen=True, order=True)
class Window:
    start: int
    size: int

    @property
    def end(self) -> int:
        """The first second after the window (exclusive)."""
        return self.start + self.size

    def bounds(self) -> dict[str, str]:
        """`{"start", "end"}` as RFC 3339 UTC, the form alerts carry."""
        return {"start": rfc3339(self.start), "end": rfc3339(self.end)}


def window_of(timestamp: float, size: int) -> Window:
    """The tumbling window of `size` seconds that holds `timestamp`."""
    return Window(int(math.floor(timestamp / size)) * size, size)


def trailing(window: Window, n: int) -> list[Window]:
    """The `n` windows right before `window`, oldest first."""
    return [Window(window.start - i * window.size, window.size) for i in range(n, 0, -1)]


def closes_at(window: Window, last_seen: float, grace: float) -> float:
    """The wall-clock time at which a window is final.

    A live window closes `grace` seconds after its end. A window of old news (a replay) ended
    long ago, so it closes `grace` seconds after the last event that went into it: the
    replay has then moved on. An event arriving after that reopens the window (see tracker).
    """
    return max(window.end, last_seen) + grace


def event_time(published_at: str | None, ingested: float) -> float:
    """An article's event time: `published_at` when readable and not after `ingested`."""
    published = parse_timestamp(published_at)
    if published is None:
        return ingested
    return min(published, ingested)


def parse_timestamp(text: str | None) -> float | None:
    """ISO 8601 / RFC 3339 (`2016-09-04T00:00:00Z`, a date alone) or RFC 2822 (RSS); naive
    times are UTC. None when missing or unreadable."""
    if not text or not text.strip():
        return None
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def rfc3339(timestamp: float) -> str:
    """`2016-09-04T00:00:00Z`; fractions of a second only when there are some; four-digit years
    (strftime's %Y is not padded before year 1000)."""
    return datetime.fromtimestamp(timestamp, UTC).isoformat().replace("+00:00", "Z")
