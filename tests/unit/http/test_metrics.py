"""The hand-written Prometheus text exposition of the worker's counters."""

from __future__ import annotations

import pytest

from streams.contract.articles import REASONS
from streams.http import metrics as m


def test_counters_start_at_zero_with_every_known_reason():
    samples = m.parse(m.Metrics().render())
    assert samples[(m.ARTICLES_IN, ())] == 0
    for reason in REASONS:
        assert samples[(m.ARTICLES_DEAD_LETTERED, (("reason", reason),))] == 0
    histogram = {f"{m.PROCESSING_SECONDS}_{part}" for part in ("bucket", "sum", "count")}
    assert {name for name, _ in samples} == set(m.HELP) | histogram


def test_render_is_the_text_exposition_format():
    metrics = m.Metrics()
    metrics.inc(m.ARTICLES_IN, 3)
    metrics.inc(m.ARTICLES_DEAD_LETTERED, reason="invalid_json")
    text = metrics.render()
    assert text.endswith("\n")
    assert "# HELP streams_articles_in_total Messages read from the articles topic.\n" in text
    assert "# TYPE streams_articles_in_total counter\nstreams_articles_in_total 3\n" in text
    assert 'streams_articles_dead_lettered_total{reason="invalid_json"} 1\n' in text


def test_values_sum_over_labels_and_parse_back():
    metrics = m.Metrics()
    metrics.inc(m.ARTICLES_DEAD_LETTERED, reason="too_large")
    metrics.inc(m.ARTICLES_DEAD_LETTERED, 2, reason="empty_body")
    metrics.inc(m.ENTITIES_OUT, 2.5)
    assert metrics.value(m.ARTICLES_DEAD_LETTERED) == 3
    assert metrics.value(m.ARTICLES_DEAD_LETTERED, reason="empty_body") == 2
    samples = m.parse(metrics.render())
    assert m.total(samples, m.ARTICLES_DEAD_LETTERED) == 3
    assert m.total(samples, m.ARTICLES_DEAD_LETTERED, reason="too_large") == 1
    assert samples[(m.ENTITIES_OUT, ())] == 2.5


def test_label_values_are_escaped():
    metrics = m.Metrics()
    metrics.inc(m.ARTICLES_DEAD_LETTERED, reason='odd "quoted"\\ \nvalue')
    text = metrics.render()
    assert 'reason="odd \\"quoted\\"\\\\ \\nvalue"' in text
    assert m.total(m.parse(text), m.ARTICLES_DEAD_LETTERED, reason='odd "quoted"\\ \nvalue') == 1


def test_counters_only_go_up_and_names_are_declared():
    metrics = m.Metrics()
    with pytest.raises(ValueError):
        metrics.inc(m.ARTICLES_IN, -1)
    with pytest.raises(KeyError):
        metrics.inc("streams_made_up_total")


def test_the_processing_histogram_is_cumulative_with_sum_and_count():
    from streams.http.metrics import PROCESSING_SECONDS, Metrics, parse

    metrics = Metrics()
    for seconds in (0.02, 0.3, 0.3, 7.0, 120.0):
        metrics.observe_processing(seconds)
    samples = parse(metrics.render())

    def bucket(le: str) -> float:
        return samples[(f"{PROCESSING_SECONDS}_bucket", (("le", le),))]

    assert [bucket(le) for le in ("0.05", "0.25", "0.5", "5.0", "10.0", "60.0", "+Inf")] == [
        1, 1, 3, 3, 4, 4, 5]
    assert samples[(f"{PROCESSING_SECONDS}_count", ())] == 5
    assert samples[(f"{PROCESSING_SECONDS}_sum", ())] == 127.62


def test_consumer_lag_is_highwater_minus_committed_per_assigned_partition():
    from collections import namedtuple

    from streams.http.metrics import CONSUMER_LAG, Metrics, consumer_lag, parse

    TP = namedtuple("TP", "topic partition")
    assigned = [TP("articles", 0), TP("articles", 1), TP("entities", 0)]
    highwaters = {assigned[0]: 10, assigned[1]: 7, assigned[2]: 3}
    lag = consumer_lag(assigned, highwaters.get, {assigned[0]: 4, assigned[2]: 3})
    assert lag == {("articles", 0): 6, ("articles", 1): 7, ("entities", 0): 0}
    samples = parse(Metrics().render(lag=lag))
    assert samples[(CONSUMER_LAG, (("partition", "1"), ("topic", "articles")))] == 7
