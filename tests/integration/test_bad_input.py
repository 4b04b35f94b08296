"""Bad input through a real worker: every kind in tests/bad_inputs.py, then one good article.

Each kind is dead-lettered with its reason and the original bytes, or processed (after being
re-keyed by its id, for the kinds whose key is not their id), as the corpus says; the worker
stays up and processes the good article sent last; and the worker's /metrics prove
conservation: articles in = processed + dead-lettered + duplicates + re-keyed, exactly (a
re-keyed article is read twice: the message sent, then its copy).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
import urllib.request
from collections import Counter

import pytest
from bad_inputs import DEAD_LETTER, PROCESSED, bad_inputs, good_article
from probes import metrics, read_all, send_raw, wait_until

from streams.contract.articles import parse_article
from streams.contract.messages import DLQ_MAX_KEY_BYTES, DLQ_MAX_ORIGINAL_BYTES, coded_entities
from streams.contract.schemas import validate
from streams.contract.topics import DEAD_LETTERS
from streams.extraction.pipeline import extract
from streams.http import metrics as m
from streams.tools.results import collect

pytestmark = pytest.mark.integration


def b64(data: bytes | None) -> str | None:
    return base64.b64encode(data[:DLQ_MAX_KEY_BYTES]).decode("ascii") if data is not None else None


def kept_headers(headers) -> tuple[list, list | None]:
    """What a dead letter holds for `headers`: [[name as text, value]], and the bytes of each
    name that is not UTF-8 (None when every name is)."""
    names = [name if isinstance(name, bytes) else name.encode("utf-8") for name, _ in headers]
    raw = [None if name.decode("utf-8", "replace").encode("utf-8") == name else b64(name)
           for name in names]
    return ([[name.decode("utf-8", "replace"), b64(value)] for name, (_, value)
             in zip(names, headers, strict=True)], raw if any(raw) else None)


@pytest.fixture(scope="module")
def run(fresh_settings, new_worker):
    settings = fresh_settings("bad-input")
    worker = new_worker(settings, "bad-input")
    worker.start()
    cases = bad_inputs(settings.topic_prefix)
    good_key, good_value, good_doc = good_article(settings.topic_prefix)
    started = time.monotonic()
    asyncio.run(send_raw(settings, [(case.key, case.value, None, case.headers) for case in cases]
                         + [(good_key, good_value)]))
    sent = len(cases) + 1
    read = sent + sum(case.rekeyed for case in cases)  # each copy is read too

    def all_accounted_for():
        samples = metrics(settings)
        out = sum(m.total(samples, name) for name in (
            m.ARTICLES_PROCESSED, m.ARTICLES_DEAD_LETTERED, m.ARTICLES_DUPLICATE,
            m.ARTICLES_REKEYED))
        return samples if m.total(samples, m.ARTICLES_IN) == read == out else None

    samples = wait_until(all_accounted_for, f"{read} articles accounted for", timeout=180)
    seconds = time.monotonic() - started
    print(f"\n{sent} messages ({len(cases)} bad-input kinds + 1 good) accounted for in "
          f"{seconds:.1f}s")
    good = asyncio.run(collect(settings, [good_doc["id"]], timeout=60))
    dead_letters = asyncio.run(read_all(settings, DEAD_LETTERS))
    return {"settings": settings, "worker": worker, "cases": cases, "sent": sent,
            "samples": samples, "good_doc": good_doc, "good": good,
            "dead_letters": dead_letters}


def test_the_corpus_has_at_least_thirty_kinds(run):
    assert len(run["cases"]) >= 30


def test_conservation_holds_exactly_over_http(run):
    samples, cases = run["samples"], run["cases"]
    dead = Counter(case.reason for case in cases if case.outcome == DEAD_LETTER)
    processed = sum(case.outcome == PROCESSED for case in cases) + 1  # + the good article
    rekeyed = sum(case.rekeyed for case in cases)
    assert rekeyed == 8  # no key, an empty, other or huge key, keys that are not UTF-8
    assert m.total(samples, m.ARTICLES_IN) == run["sent"] + rekeyed == len(cases) + 1 + rekeyed
    assert m.total(samples, m.ARTICLES_PROCESSED) == processed
    assert m.total(samples, m.ARTICLES_REKEYED) == rekeyed
    assert m.total(samples, m.ARTICLES_DUPLICATE) == 0
    assert m.total(samples, m.ARTICLES_DEAD_LETTERED) == sum(dead.values())
    for reason, count in dead.items():
        assert m.total(samples, m.ARTICLES_DEAD_LETTERED, reason=reason) == count, reason
    assert m.total(samples, m.ARTICLES_IN) == (
        m.total(samples, m.ARTICLES_PROCESSED) + m.total(samples, m.ARTICLES_DEAD_LETTERED)
        + m.total(samples, m.ARTICLES_DUPLICATE) + m.total(samples, m.ARTICLES_REKEYED))


def test_each_dead_letter_carries_its_reason_a_message_and_the_original_bytes(run):
    by_origin = {(record["key"], record["original_sha256"]): record
                 for record in run["dead_letters"]}
    expected = [case for case in run["cases"] if case.outcome == DEAD_LETTER]
    assert len(run["dead_letters"]) == len(expected)
    for case in expected:
        value = case.value or b""
        record = by_origin[(b64(case.key), hashlib.sha256(value).hexdigest())]
        assert (record["reason"], record["_key"]) == (case.reason, case.reason.encode()), case.name
        assert record["message"], case.name
        assert record["original_size"] == len(value)
        assert record["topic"] == run["settings"].topic("articles")
        assert record["key_size"] == (len(case.key) if case.key is not None else None), case.name
        assert record["key_truncated"] == (case.name == "huge_key_bad_json"), case.name
        if case.key is not None:
            assert record["key_sha256"] == hashlib.sha256(case.key).hexdigest(), case.name
        assert (record["headers"], record["headers_raw_names"]) == kept_headers(case.headers), (
            case.name)
        assert not record["headers_truncated"], case.name
        original = base64.b64decode(record["original"])
        if len(value) <= DLQ_MAX_ORIGINAL_BYTES:
            assert original == value and not record["original_truncated"], case.name
        else:  # 5 MB and 1 MB values: a prefix, with the size and hash of the whole
            assert case.name in ("body_5mb", "unkeyed_at_the_limit"), case.name
            assert record["original_truncated"], case.name
            assert original == value[:DLQ_MAX_ORIGINAL_BYTES]


def test_the_kinds_meant_to_be_processed_are_and_their_mentions_come_out(run):
    dead = {(record["key"], record["original_sha256"]) for record in run["dead_letters"]}
    processed = [case for case in run["cases"] if case.outcome == PROCESSED]
    assert not dead & {(b64(case.key), hashlib.sha256(case.value).hexdigest())
                       for case in processed}
    expected = {}
    for case in processed:
        article = parse_article(case.value, run["settings"].max_article_bytes)
        expected[article["id"]] = len(coded_entities(extract(article)))
    with_mentions = [article_id for article_id, count in expected.items() if count]
    assert len(with_mentions) >= 6  # the English ones name Aleppo and the rebels
    results = asyncio.run(collect(run["settings"], with_mentions, timeout=60))
    assert {a: len(results.entities[a]) for a in with_mentions} == {
        a: expected[a] for a in with_mentions}


def test_the_worker_is_alive_and_processed_the_good_article_sent_last(run):
    assert run["worker"].alive
    settings, doc = run["settings"], run["good_doc"]
    with urllib.request.urlopen(f"{settings.web_url}/health", timeout=5) as response:
        assert response.status == 200
    offline = coded_entities(extract(parse_article(
        good_article(settings.topic_prefix)[1], settings.max_article_bytes)))
    assert len(run["good"].entities[doc["id"]]) == len(offline) > 0


def test_every_dead_letter_read_from_the_broker_matches_its_published_schema(run):
    for record in run["dead_letters"]:
        validate("articles.dlq", {k: v for k, v in record.items() if k != "_key"})


def test_metrics_time_every_processed_article_and_show_the_lag_going_to_zero(run):
    settings = run["settings"]
    samples = metrics(settings)
    processed = m.total(samples, m.ARTICLES_PROCESSED)
    expected = sum(case.outcome == PROCESSED for case in run["cases"]) + 1  # + the good article
    assert samples[(f"{m.PROCESSING_SECONDS}_count", ())] == processed == expected == 26
    assert samples[(f"{m.PROCESSING_SECONDS}_bucket", (("le", "+Inf"),))] == processed

    def articles_lag(samples) -> float:
        return m.total(samples, m.CONSUMER_LAG, topic=settings.topic("articles"))

    def lag_reported_and_zero():
        samples = metrics(settings)
        reported = any(name == m.CONSUMER_LAG for name, _ in samples)
        return samples if reported and articles_lag(samples) == 0 else None

    samples = wait_until(lag_reported_and_zero, "the articles lag at 0", timeout=60)
    partitions = {labels for name, labels in samples if name == m.CONSUMER_LAG
                  and ("topic", settings.topic("articles")) in labels}
    assert len(partitions) == settings.partitions  # one worker holds every partition


def test_the_lag_covers_only_the_topics_the_agents_consume_and_ends_at_zero(run):
    settings = run["settings"]
    agent_topics = {settings.topic(name) for name in ("articles", "entities", "events", "alerts")}
    agent_topics |= {f"{settings.app_id}-events-by-subject", f"{settings.app_id}-events-by-record"}

    def lags() -> dict:
        return {labels: value for (name, labels), value in metrics(settings).items()
                if name == m.CONSUMER_LAG}

    def every_lag_zero():
        current = lags()
        return current if current and not any(current.values()) else None

    caught_up = wait_until(every_lag_zero, "every consumer lag at 0", timeout=60)
    assert {dict(labels)["topic"] for labels in caught_up} == agent_topics  # no changelog
