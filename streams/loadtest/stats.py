"""The load test's maths, pure (lists in, lists out): completion, latency, percentiles, series.

When is an article done? Every message on `entities` and `events` carries `article_mentions` and
`article_events`, the totals for its article. An article is *complete* when all of both have
been seen; its latency runs from its `sent_at` to the moment the load test read the last of
them back from Kafka (end to end, as a downstream consumer sees it; the records' own timestamps
are the worker's business). An article that yields neither an entity nor an event leaves no
trace downstream: it is counted as *silent* once the workers' consumer group has committed past
every article sent (lag 0) and the output topics have gone quiet, and it has no latency.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100), interpolating linearly between ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(values: Sequence[float]) -> dict[str, float | int | None]:
    """count, min, mean, p50, p95, p99, max of some values (None for an empty list)."""
    return {
        "count": len(values),
        "min": min(values) if values else None,
        "mean": sum(values) / len(values) if values else None,
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values) if values else None,
    }


def per_second(times: Iterable[float], start: float, seconds: int) -> list[int]:
    """How many of `times` fall in each whole second after `start` (0..seconds-1)."""
    counts = [0] * max(seconds, 0)
    for t in times:
        index = math.floor(t - start)
        if 0 <= index < len(counts):
            counts[index] += 1
    return counts


def latency_per_second(completions: Iterable[tuple[float, float]], start: float, seconds: int,
                       q: float) -> list[float | None]:
    """The q-th percentile of the latencies of the articles completed in each second."""
    buckets: list[list[float]] = [[] for _ in range(max(seconds, 0))]
    for done_at, latency in completions:
        index = math.floor(done_at - start)
        if 0 <= index < len(buckets):
            buckets[index].append(latency)
    return [percentile(bucket, q) for bucket in buckets]


@dataclass
class ArticleState:
    sent_at: float
    mentions_expected: int | None = None
    events_expected: int | None = None
    mentions: int = 0
    events: int = 0
    last_output: float = 0.0
    done_at: float | None = None
    outcome: str | None = None  # "complete" | "silent" | "dead_lettered"

    @property
    def latency(self) -> float | None:
        return self.done_at - self.sent_at if self.done_at is not None else None


class Tracker:
    """Follows each sent article until all its entity and event messages are in."""

    def __init__(self) -> None:
        self.articles: dict[str, ArticleState] = {}
        self.event_times: list[float] = []
        self.unknown = 0  # output for ids that were never sent (another run's, or warm-up)

    def sent(self, article_id: str, at: float) -> None:
        self.articles[article_id] = ArticleState(sent_at=at)

    def output(self, kind: str, message: dict[str, Any], timestamp: float) -> bool:
        """One `entities` or `events` message, read at `timestamp`; True if it completes its
        article."""
        state = self.articles.get(message.get("article_id"))
        if state is None:
            self.unknown += 1
            return False
        if kind == "events":
            state.events += 1
            self.event_times.append(timestamp)
        else:
            state.mentions += 1
        state.mentions_expected = message.get("article_mentions", 0)
        state.events_expected = message.get("article_events", 0)
        state.last_output = max(state.last_output, timestamp)
        if state.outcome is None and state.mentions >= state.mentions_expected \
                and state.events >= state.events_expected:
            state.outcome, state.done_at = "complete", state.last_output
            return True
        return False

    def dead_lettered(self, article_id: str) -> None:
        state = self.articles.get(article_id)
        if state is not None and state.outcome is None:
            state.outcome = "dead_lettered"

    def settle(self) -> None:
        """After the stream has drained: articles that never produced anything are silent."""
        for state in self.articles.values():
            if state.outcome is None and state.mentions_expected is None:
                state.outcome = "silent"

    def count(self, outcome: str | None) -> int:
        return sum(1 for state in self.articles.values() if state.outcome == outcome)

    @property
    def open(self) -> int:
        return self.count(None)

    def completions(self) -> list[tuple[float, float]]:
        """(done_at, latency) of every complete article, in completion order."""
        done = [(s.done_at, s.latency) for s in self.articles.values() if s.outcome == "complete"]
        return sorted(done)

    def latencies(self) -> list[float]:
        return [latency for _, latency in self.completions()]


def throughput(count: int, start: float | None, end: float | None) -> float | None:
    """count / (end - start), None when the window is empty."""
    if start is None or end is None or end <= start:
        return None
    return count / (end - start)


def summary(tracker: Tracker, replay_seconds: float, sent: int) -> dict[str, Any]:
    """The headline figures of a run."""
    sent_times = [s.sent_at for s in tracker.articles.values()]
    completions = tracker.completions()
    first_sent = min(sent_times, default=None)
    last_done = completions[-1][0] if completions else None
    return {
        "articles_sent": sent,
        "articles_completed": len(completions),
        "articles_silent": tracker.count("silent"),
        "articles_dead_lettered": tracker.count("dead_lettered"),
        "articles_unfinished": tracker.open,
        "events": len(tracker.event_times),
        "send_rate": sent / replay_seconds if replay_seconds else None,
        # From the first article sent to the last one complete: what the pipeline sustained.
        "articles_per_s": throughput(len(completions), first_sent, last_done),
        "events_per_s": throughput(len(tracker.event_times), first_sent, last_done),
        "elapsed_s": (last_done - first_sent) if completions else None,
        "latency_s": summarize([latency for _, latency in completions]),
    }


def format_table(rows: Sequence[tuple[str, Any]]) -> str:
    """Two aligned columns; floats to 3 significant decimals."""
    def show(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
        return str(value)

    width = max((len(name) for name, _ in rows), default=0)
    return "\n".join(f"{name:<{width}}  {show(value)}" for name, value in rows)
