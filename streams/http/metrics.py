"""The worker's Prometheus metrics, kept with `prometheus_client` and served at `GET /metrics`.

Counters, one histogram (processing latency), a consumer-lag gauge read from the consumer at
scrape time, and the library's process, platform and GC collectors (CPU, RSS, open files,
Python version). Every `Metrics` has its own `CollectorRegistry`, never the library's global
one, so a test can make as many as it likes in one process. They live in memory, so they count
what this process has done since it started; a scrape of each worker and a sum gives the
cluster. Conservation holds per process:

    articles_in = articles_processed + articles_dead_lettered (all reasons) + articles_duplicate
                  + articles_rekeyed

(an article sent without its id as key is read twice: once re-keyed, once as the copy).

A message of a derived topic (entities, events, events-by-subject, alerts) that its agents
cannot read or process is dead-lettered too, and counted in messages_dead_lettered by topic and
reason (streams/contract/checked.py). docs/metrics.md lists every series.
"""

from __future__ import annotations

import faust
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.parser import text_string_to_metric_families

from streams.contract.articles import REASONS
from streams.runtime.storage import rocksdb_usage, usage_total

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

ARTICLES_IN = "streams_articles_in_total"
ARTICLES_PROCESSED = "streams_articles_processed_total"
ARTICLES_DEAD_LETTERED = "streams_articles_dead_lettered_total"
ARTICLES_DUPLICATE = "streams_articles_duplicate_total"
ARTICLES_REKEYED = "streams_articles_rekeyed_total"
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
    ARTICLES_REKEYED: "Articles whose message key was not their id, sent again to articles "
                      "keyed by id (the copy is read and counted once more).",
    ENTITIES_OUT: "Messages sent to the entities topic.",
    EVENTS_OUT: "Messages sent to the events topic.",
    MENTIONS_COUNTED: "Entities messages counted into actor_counts or location_counts.",
    MENTIONS_DUPLICATE: "Entities messages not counted: already counted (redelivered or re-emitted).",
    MESSAGES_DEAD_LETTERED: "Messages of the derived topics sent to articles.dlq, by topic and reason.",
}
LABELS = {ARTICLES_DEAD_LETTERED: ("reason",), MESSAGES_DEAD_LETTERED: ("topic", "reason")}
PROCESSING_SECONDS = "streams_processing_seconds"
PROCESSING_HELP = "Seconds from an article's arrival on Kafka to its entities and events sent."
PROCESSING_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONSUMER_LAG = "streams_consumer_lag"
CONSUMER_LAG_HELP = ("Messages of a topic the agents consume not yet committed by this worker, "
                     "per assigned partition (changelogs are not reported).")
ROCKSDB_BYTES = "streams_rocksdb_bytes"
ROCKSDB_HELP = ("RocksDB memory and disk of this worker's tables, by kind: memtables, "
                "table_readers (SST indexes and filters outside the cache), block_cache (shared "
                "by every table, counted once), sst_files (disk).")
ROCKSDB_KINDS = ("memtables", "table_readers", "block_cache", "sst_files")

# Label values known in advance are exposed at zero, so a rate over them is defined from the start.
KNOWN_LABELS = {ARTICLES_DEAD_LETTERED: [{"reason": reason} for reason in REASONS]}

Labels = tuple[tuple[str, str], ...]


class Metrics:
    """The process's counters and latency histogram, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._counters = {
            name: Counter(name, help_text, LABELS.get(name, ()), registry=self.registry)
            for name, help_text in HELP.items()}
        for name, known in KNOWN_LABELS.items():
            for labels in known:
                self._counters[name].labels(**labels)
        self._latency = Histogram(PROCESSING_SECONDS, PROCESSING_HELP, buckets=PROCESSING_BUCKETS,
                                  registry=self.registry)
        ProcessCollector(registry=self.registry)  # CPU seconds, RSS, open files (Linux /proc)
        PlatformCollector(registry=self.registry)  # python_info
        GCCollector(registry=self.registry)  # collections per generation

    def inc(self, name: str, amount: float = 1, **labels: str) -> None:
        if name not in self._counters:
            raise KeyError(f"unknown metric {name}")
        if amount < 0:
            raise ValueError("counters only go up")
        counter = self._counters[name]
        (counter.labels(**labels) if labels else counter).inc(amount)

    def value(self, name: str, **labels: str) -> float:
        """One series, or the sum over all label values when no labels are given."""
        wanted = set(labels.items())
        return sum(sample.value for family in self._counters[name].collect()
                   for sample in family.samples
                   if sample.name == name and wanted <= set(sample.labels.items()))

    def observe_processing(self, seconds: float) -> None:
        """One article's processing latency, into the histogram."""
        self._latency.observe(max(seconds, 0.0))

    def render(self, lag: dict[tuple[str, int], int] | None = None,
               rocksdb: dict[str, int] | None = None) -> str:
        """The text format 0.0.4; `lag` is {(topic, partition): messages behind} for the gauge,
        `rocksdb` the tables' RocksDB bytes by kind (streams.runtime.storage.usage_total)."""
        return generate_latest(_ScrapeGauges(self.registry, lag or {}, rocksdb or {})).decode("utf-8")


class _ScrapeGauges:
    """The registry's families and the gauges read at scrape time (what `generate_latest` reads)."""

    def __init__(self, registry: CollectorRegistry, lag: dict[tuple[str, int], int],
                 rocksdb: dict[str, int]):
        self.registry, self.lag, self.rocksdb = registry, lag, rocksdb

    def collect(self):
        yield from self.registry.collect()
        gauge = GaugeMetricFamily(CONSUMER_LAG, CONSUMER_LAG_HELP, labels=("topic", "partition"))
        for (topic, partition), behind in sorted(self.lag.items()):
            gauge.add_metric((topic, str(partition)), behind)
        yield gauge
        if self.rocksdb:  # a worker with memory:// tables has none
            rocksdb = GaugeMetricFamily(ROCKSDB_BYTES, ROCKSDB_HELP, labels=("kind",))
            for kind in ROCKSDB_KINDS:
                rocksdb.add_metric((kind,), self.rocksdb.get(kind, 0))
            yield rocksdb


def parse(text: str) -> dict[tuple[str, Labels], float]:
    """Read the text format back with the library's parser: {(sample name, labels): value}
    (for tests and ops/soak)."""
    return {(sample.name, _labels(sample.labels)): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def total(samples: dict[tuple[str, Labels], float], name: str, **labels: str) -> float:
    """The sum of the samples of `name` whose labels include `labels`."""
    wanted = set(_labels(labels))
    return sum(value for (sample, sample_labels), value in samples.items()
               if sample == name and wanted <= set(sample_labels))


def _labels(labels: dict[str, str]) -> Labels:
    return tuple(sorted((key, str(value)) for key, value in labels.items()))


METRICS = Metrics()  # this process's counters: the agents count into it, /metrics reads it


def consumer_lag(assigned, highwater, committed, topics=None) -> dict[tuple[str, int], int]:
    """{(topic, partition): highwater - committed offset} for the assigned partitions of
    `topics` (all when None) whose end is known (pure)."""
    return {(tp.topic, tp.partition): max(0, highwater(tp) - (committed.get(tp) or 0))
            for tp in assigned
            if (topics is None or tp.topic in topics) and highwater(tp) is not None}


def agent_topics(app: faust.App) -> set[str]:
    """The topics the app's agents read: what a lag alert is about. Changelogs are left out:
    the worker reads them into its tables but never commits them, so their "lag" never ends."""
    names: set[str] = set()
    for agent in app.agents.values():
        names.update(getattr(agent.channel, "topics", ()) or ())
    return names


def _worker_lag(app: faust.App) -> dict[tuple[str, int], int]:
    consumer = app.consumer
    # Faust keeps the last committed offset per partition; it has no public accessor for it.
    return consumer_lag(consumer.assignment(), consumer.highwater, consumer._committed_offset,
                        agent_topics(app))


def register_metrics_view(app: faust.App, metrics: Metrics = METRICS) -> None:
    @app.page("/metrics")
    async def metrics_view(self, request):
        text = metrics.render(lag=_worker_lag(app), rocksdb=usage_total(rocksdb_usage(app)))
        # aiohttp refuses a charset in content_type=, so the full header goes in headers=.
        return self.bytes(text.encode("utf-8"), headers={"Content-Type": CONTENT_TYPE})
