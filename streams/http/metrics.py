"""Prometheus-style counters of one worker process, served as text at `GET /metrics`.

Hand-written (no client library), in the text exposition format 0.0.4: counters, one histogram
(processing latency) and a consumer-lag gauge read from the consumer at scrape time. They live
in memory, so they count what this process has done since it started; a scrape of each worker
and a sum gives the cluster. Conservation holds per process:

    articles_in = articles_processed + articles_dead_lettered (all reasons) + articles_duplicate

A message of a derived topic (entities, events, events-by-subject, alerts) that its agents
cannot read or process is dead-lettered too, and counted in messages_dead_lettered by topic and
reason (streams/contract/checked.py).
"""

from __future__ import annotations

import re
from collections import defaultdict

import faust

from streams.contract.articles import REASONS

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

ARTICLES_IN = "streams_articles_in_total"
ARTICLES_PROCESSED = "streams_articles_processed_total"
ARTICLES_DEAD_LETTERED = "streams_articles_dead_lettered_total"
ARTICLES_DUPLICATE = "streams_articles_duplicate_total"
ENTITIES_OUT = "streams_entities_out_total"
EVENTS_OUT = "streams_events_out_total"
MENTIONS_COUNTED = "streams_mentions_counted_total"
MENTIONS_DUPLICATE = "streams_mentions_duplicate_total"
MESSAGES_DEAD_LETTERED = "streams_messages_dead_lettered_total"

HELP = {
    ARTICLES_IN: "Messages read from the articles topic.",
    ARTICLES_PROCESSED: "Articles extracted, with their entities and events sent.",
    ARTICLES_DEAD_LETTERED: "Articles sent to articles.dlq, by reason code.",
    ARTICLES_DUPLICATE: "Articles skipped: their id was seen within STREAMS_DEDUPE_TTL.",
    ENTITIES_OUT: "Messages sent to the entities topic.",
    EVENTS_OUT: "Messages sent to the events topic.",
    MENTIONS_COUNTED: "Entities messages counted into actor_counts or location_counts.",
    MENTIONS_DUPLICATE: "Entities messages not counted: already counted (redelivered or re-emitted).",
    MESSAGES_DEAD_LETTERED: "Messages of the derived topics sent to articles.dlq, by topic and reason.",
}
PROCESSING_SECONDS = "streams_processing_seconds"
PROCESSING_HELP = ("Seconds from an article's arrival on Kafka to its entities and events sent.")
PROCESSING_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONSUMER_LAG = "streams_consumer_lag"
CONSUMER_LAG_HELP = "Messages not yet committed by this worker, per assigned partition."

# Label values known in advance are exposed at zero, so a rate over them is defined from the start.
KNOWN_LABELS = {ARTICLES_DEAD_LETTERED: [{"reason": reason} for reason in REASONS]}

Labels = tuple[tuple[str, str], ...]


class Metrics:
    """Monotonic counters keyed by name and labels."""

    def __init__(self) -> None:
        self._latency = [0] * len(PROCESSING_BUCKETS)  # observations per bucket (not cumulative)
        self._latency_sum = 0.0
        self._latency_count = 0
        self._values: dict[str, dict[Labels, float]] = defaultdict(dict)
        for name in HELP:
            for labels in KNOWN_LABELS.get(name, [{}]):
                self._values[name][_labels(labels)] = 0

    def inc(self, name: str, amount: float = 1, **labels: str) -> None:
        if name not in HELP:
            raise KeyError(f"unknown metric {name}")
        if amount < 0:
            raise ValueError("counters only go up")
        series = self._values[name]
        key = _labels(labels)
        series[key] = series.get(key, 0) + amount

    def value(self, name: str, **labels: str) -> float:
        """One series, or the sum over all label values when no labels are given."""
        series = self._values[name]
        if labels:
            return series.get(_labels(labels), 0)
        return sum(series.values())

    def observe_processing(self, seconds: float) -> None:
        """One article's processing latency, into the histogram."""
        for i, bound in enumerate(PROCESSING_BUCKETS):
            if seconds <= bound:
                self._latency[i] += 1
                break
        self._latency_sum += max(seconds, 0.0)
        self._latency_count += 1

    def render(self, lag: dict[tuple[str, int], int] | None = None) -> str:
        """The text format; `lag` is {(topic, partition): messages behind} for the gauge."""
        lines = []
        for name, help_text in HELP.items():
            lines.append(f"# HELP {name} {help_text}")
            lines.append(f"# TYPE {name} counter")
            for labels, value in sorted(self._values[name].items()):
                lines.append(f"{name}{_format_labels(labels)} {_format_value(value)}")
        lines.extend(self._render_latency())
        lines.append(f"# HELP {CONSUMER_LAG} {CONSUMER_LAG_HELP}")
        lines.append(f"# TYPE {CONSUMER_LAG} gauge")
        for (topic, partition), behind in sorted((lag or {}).items()):
            labels = _labels({"topic": topic, "partition": str(partition)})
            lines.append(f"{CONSUMER_LAG}{_format_labels(labels)} {behind}")
        return "\n".join(lines) + "\n"

    def _render_latency(self) -> list[str]:
        name, running = PROCESSING_SECONDS, 0
        lines = [f"# HELP {name} {PROCESSING_HELP}", f"# TYPE {name} histogram"]
        for bound, count in zip(PROCESSING_BUCKETS, self._latency, strict=True):
            running += count
            lines.append(f'{name}_bucket{{le="{bound}"}} {running}')
        lines.append(f'{name}_bucket{{le="+Inf"}} {self._latency_count}')
        lines.append(f"{name}_sum {_format_value(round(self._latency_sum, 6))}")
        lines.append(f"{name}_count {self._latency_count}")
        return lines


def _labels(labels: dict[str, str]) -> Labels:
    return tuple(sorted((key, str(value)) for key, value in labels.items()))


def _format_labels(labels: Labels) -> str:
    if not labels:
        return ""
    escaped = (value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
               for _, value in labels)
    return "{" + ",".join(f'{key}="{value}"' for (key, _), value in zip(labels, escaped, strict=True)) + "}"


def _format_value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")


def _unescape(match: re.Match) -> str:
    return "\n" if match.group(1) == "n" else match.group(1)


def parse(text: str) -> dict[tuple[str, Labels], float]:
    """Read the text format back: {(name, labels): value} (for tests and ops/soak)."""
    samples = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        if not match:
            raise ValueError(f"not a sample line: {line!r}")
        name, label_text, value = match.groups()
        labels = tuple(sorted((key, _ESCAPE.sub(_unescape, raw))
                              for key, raw in _LABEL.findall(label_text or "")))
        samples[(name, labels)] = float(value)
    return samples


def total(samples: dict[tuple[str, Labels], float], name: str, **labels: str) -> float:
    """The sum of the samples of `name` whose labels include `labels`."""
    wanted = set(_labels(labels))
    return sum(value for (sample, sample_labels), value in samples.items()
               if sample == name and wanted <= set(sample_labels))


METRICS = Metrics()  # this process's counters: the agents count into it, /metrics reads it


def consumer_lag(assigned, highwater, committed) -> dict[tuple[str, int], int]:
    """{(topic, partition): highwater - committed offset} for the assigned partitions (pure)."""
    return {(tp.topic, tp.partition): max(0, highwater(tp) - (committed.get(tp) or 0))
            for tp in assigned if highwater(tp) is not None}


def _worker_lag(app: faust.App) -> dict[tuple[str, int], int]:
    consumer = app.consumer
    # Faust keeps the last committed offset per partition; it has no public accessor for it.
    return consumer_lag(consumer.assignment(), consumer.highwater, consumer._committed_offset)


def register_metrics_view(app: faust.App, metrics: Metrics = METRICS) -> None:
    @app.page("/metrics")
    async def metrics_view(self, request):
        text = metrics.render(lag=_worker_lag(app))
        # aiohttp refuses a charset in content_type=, so the full header goes in headers=.
        return self.bytes(text.encode("utf-8"), headers={"Content-Type": CONTENT_TYPE})
