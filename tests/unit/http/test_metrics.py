"""The worker's Prometheus metrics, read back with prometheus_client's own parser."""

from __future__ import annotations

from collections import namedtuple
from types import SimpleNamespace

import pytest
from prometheus_client.parser import text_string_to_metric_families

from streams.contract.articles import REASONS
from streams.http import metrics as m

TP = namedtuple("TP", "topic partition")


def families(text: str) -> dict:
    """{family name: family} as the library's parser reads the exposition."""
    return {family.name: family for family in text_string_to_metric_families(text)}


def samples_of(family) -> dict:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for sample in family.samples}


def test_counters_start_at_zero_with_every_known_reason():
    parsed = families(m.Metrics().render())
    assert samples_of(parsed["streams_articles_in"]) == {(m.ARTICLES_IN, ()): 0}
    dead = samples_of(parsed["streams_articles_dead_lettered"])
    assert {labels: value for (name, labels), value in dead.items() if name.endswith("_total")} == {
        (("reason", reason),): 0 for reason in REASONS}
    for name in m.HELP:
        assert parsed[name.removesuffix("_total")].type == "counter"
    assert parsed[m.PROCESSING_SECONDS].type == "histogram"
    assert parsed[m.CONSUMER_LAG].type == "gauge"


def test_exact_values_after_known_increments():
    metrics = m.Metrics()
    metrics.inc(m.ARTICLES_IN, 3)
    metrics.inc(m.ARTICLES_DEAD_LETTERED, reason="invalid_json")
    metrics.inc(m.ARTICLES_DEAD_LETTERED, 2, reason="empty_body")
    metrics.inc(m.ENTITIES_OUT, 2.5)
    metrics.inc(m.MESSAGES_DEAD_LETTERED, topic="entities", reason="invalid_record")
    parsed = families(metrics.render())
    assert samples_of(parsed["streams_articles_in"])[(m.ARTICLES_IN, ())] == 3
    dead = samples_of(parsed["streams_articles_dead_lettered"])
    assert dead[(m.ARTICLES_DEAD_LETTERED, (("reason", "invalid_json"),))] == 1
    assert dead[(m.ARTICLES_DEAD_LETTERED, (("reason", "empty_body"),))] == 2
    assert dead[(m.ARTICLES_DEAD_LETTERED, (("reason", "too_large"),))] == 0
    assert samples_of(parsed["streams_entities_out"])[(m.ENTITIES_OUT, ())] == 2.5
    assert samples_of(parsed["streams_messages_dead_lettered"])[
        (m.MESSAGES_DEAD_LETTERED, (("reason", "invalid_record"), ("topic", "entities")))] == 1
    assert metrics.value(m.ARTICLES_DEAD_LETTERED) == 3
    assert metrics.value(m.ARTICLES_DEAD_LETTERED, reason="empty_body") == 2


def test_parse_and_total_read_the_exposition_back():
    metrics = m.Metrics()
    metrics.inc(m.ARTICLES_DEAD_LETTERED, reason="too_large")
    metrics.inc(m.ARTICLES_DEAD_LETTERED, 2, reason="empty_body")
    samples = m.parse(metrics.render())
    assert m.total(samples, m.ARTICLES_DEAD_LETTERED) == 3
    assert m.total(samples, m.ARTICLES_DEAD_LETTERED, reason="too_large") == 1


def test_label_values_are_escaped():
    metrics = m.Metrics()
    odd = 'odd "quoted"\\ \nvalue'
    metrics.inc(m.ARTICLES_DEAD_LETTERED, reason=odd)
    text = metrics.render()
    assert 'reason="odd \\"quoted\\"\\\\ \\nvalue"' in text
    assert m.total(m.parse(text), m.ARTICLES_DEAD_LETTERED, reason=odd) == 1


def test_counters_only_go_up_and_names_are_declared():
    metrics = m.Metrics()
    with pytest.raises(ValueError):
        metrics.inc(m.ARTICLES_IN, -1)
    with pytest.raises(KeyError):
        metrics.inc("streams_made_up_total")


def test_each_metrics_has_its_own_registry():
    first, second = m.Metrics(), m.Metrics()
    first.inc(m.ARTICLES_IN, 5)
    assert second.value(m.ARTICLES_IN) == 0
    assert m.total(m.parse(second.render()), m.ARTICLES_IN) == 0


def test_the_processing_histogram_is_cumulative_with_sum_and_count():
    metrics = m.Metrics()
    for seconds in (0.02, 0.3, 0.3, 7.0, 120.0, -0.5):  # a clock step back counts as 0 s
        metrics.observe_processing(seconds)
    samples = samples_of(families(metrics.render())[m.PROCESSING_SECONDS])

    def bucket(le: str) -> float:
        return samples[(f"{m.PROCESSING_SECONDS}_bucket", (("le", le),))]

    assert [bucket(le) for le in ("0.05", "0.25", "0.5", "5.0", "10.0", "60.0", "+Inf")] == [
        2, 2, 4, 4, 5, 5, 6]
    assert samples[(f"{m.PROCESSING_SECONDS}_count", ())] == 6
    assert samples[(f"{m.PROCESSING_SECONDS}_sum", ())] == pytest.approx(127.62)


def test_process_and_platform_metrics_are_exposed():
    parsed = families(m.Metrics().render())
    assert parsed["process_resident_memory_bytes"].samples[0].value > 0
    assert parsed["process_open_fds"].samples[0].value > 0
    assert parsed["process_cpu_seconds"].type == "counter"
    assert parsed["python_info"].samples[0].labels["implementation"] == "CPython"


def test_consumer_lag_is_highwater_minus_committed_per_assigned_partition():
    assigned = [TP("articles", 0), TP("articles", 1), TP("entities", 0)]
    highwaters = {assigned[0]: 10, assigned[1]: 7, assigned[2]: 3}
    lag = m.consumer_lag(assigned, highwaters.get, {assigned[0]: 4, assigned[2]: 3})
    assert lag == {("articles", 0): 6, ("articles", 1): 7, ("entities", 0): 0}
    samples = samples_of(families(m.Metrics().render(lag=lag))[m.CONSUMER_LAG])
    assert samples == {(m.CONSUMER_LAG, (("partition", "0"), ("topic", "articles"))): 6,
                       (m.CONSUMER_LAG, (("partition", "1"), ("topic", "articles"))): 7,
                       (m.CONSUMER_LAG, (("partition", "0"), ("topic", "entities"))): 0}


def test_the_lag_leaves_out_changelogs_and_is_zero_when_caught_up():
    articles, changelog = TP("articles", 0), TP("app-actor_counts-changelog", 0)
    app = SimpleNamespace(
        agents={"extract": SimpleNamespace(channel=SimpleNamespace(topics=("articles",)))},
        consumer=SimpleNamespace(assignment=lambda: {articles, changelog},
                                 highwater={articles: 42, changelog: 17}.get,
                                 _committed_offset={articles: 42}))
    assert m.agent_topics(app) == {"articles"}
    assert m._worker_lag(app) == {("articles", 0): 0}


def test_rocksdb_bytes_by_kind_when_the_tables_have_rocksdb():
    rocksdb = {"memtables": 5_000, "table_readers": 300, "block_cache": 2_000, "sst_files": 9_000,
               "keys": 77}
    samples = samples_of(families(m.Metrics().render(rocksdb=rocksdb))[m.ROCKSDB_BYTES])
    assert samples == {(m.ROCKSDB_BYTES, (("kind", "memtables"),)): 5_000,
                       (m.ROCKSDB_BYTES, (("kind", "table_readers"),)): 300,
                       (m.ROCKSDB_BYTES, (("kind", "block_cache"),)): 2_000,
                       (m.ROCKSDB_BYTES, (("kind", "sst_files"),)): 9_000}
    assert m.ROCKSDB_BYTES not in families(m.Metrics().render())  # memory:// tables: no gauge
