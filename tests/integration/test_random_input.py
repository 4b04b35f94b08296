"""Random keys, values and headers through a real worker: every message is accounted for.

Hypothesis draws batches of messages (keys that are ids, other text or any bytes; values that
are articles, JSON of any shape, any bytes or tombstones; any headers, with names of any bytes
too), derandomized so a run is repeatable; each batch goes to `articles` at once. What the
worker must do with each message is worked out here with the same pure functions
(parse_article, keyed_by_id, first id wins), and the worker's /metrics must match it exactly:
read = processed + dead-lettered + duplicates + re-keyed, by reason (a message not keyed by its
article's id is re-keyed, and its copy read too). The lag returns to zero and the worker
stays up. Then stray messages on the derived topics (entities, events, events-by-subject,
alerts) are dead-lettered, counted by topic and reason, and the worker still processes the
article sent after them.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import urllib.request
from collections import Counter

import orjson
import pytest
from bad_inputs import STORY
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from probes import lag, metrics, read_all, send_raw, wait_until

from streams.contract.articles import InvalidArticle, keyed_by_id, parse_article
from streams.contract.topics import ALERTS, ARTICLES, DEAD_LETTERS, ENTITIES, EVENTS
from streams.http import metrics as m

pytestmark = pytest.mark.integration

IDS = [f"a{n}" for n in range(12)]  # few ids, so a batch repeats some: duplicates
BODIES = [STORY, "Rebels withdrew from Aleppo.", "", "!!!", "Talks in Geneva.\u0000", "42"]
# integers orjson can write (64 bits); JSON itself has no limit, but orjson.dumps raises
JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**63, 2**64 - 1)
                    | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


@st.composite
def message(draw, prefix: str):
    article_id = prefix + draw(st.sampled_from(IDS))
    key = draw(st.sampled_from(["id", "id", "id", "none", "text", "bytes"]))
    key = {"id": article_id.encode(), "none": None,
           "text": draw(st.text(max_size=12)).encode(), "bytes": draw(st.binary(max_size=12))}[key]
    kind = draw(st.sampled_from(["article", "article", "article", "json", "bytes", "tombstone"]))
    if kind == "article":
        doc = {"id": article_id, "body": draw(st.sampled_from(BODIES) | st.text(max_size=40))}
        doc.update(draw(st.dictionaries(st.sampled_from(["title", "source", "published_at", "x"]),
                                        JSON, max_size=2)))
        value = orjson.dumps(doc)
        if draw(st.integers(0, 9)) == 0:  # now and then, cut it short
            value = value[:draw(st.integers(0, len(value)))]
    elif kind == "json":
        value = orjson.dumps(draw(JSON))
    elif kind == "bytes":
        value = draw(st.binary(max_size=64))
    else:
        value = None
    if key is None and value is None:
        key = b""  # aiokafka sends no message without a key and a value
    # names are text or any bytes (Kafka says UTF-8; the broker stores what it is sent)
    headers = draw(st.lists(st.tuples(st.text(max_size=8) | st.binary(max_size=8),
                                      st.none() | st.binary(max_size=16)), max_size=4))
    return key, value, None, headers


def outcomes(key: bytes | None, value: bytes | None, seen: set[str], max_bytes: int) -> list[str]:
    """What the worker must do: "processed", "duplicate" or the dead-letter reason; "rekeyed"
    first for an article not keyed by its id (then its copy is processed or a duplicate; which
    one of an id's messages comes first does not change how many of each there are)."""
    try:
        article = parse_article(value, max_bytes)
    except InvalidArticle as exc:
        return [exc.reason]
    rekeyed = [] if keyed_by_id(article, key) else ["rekeyed"]
    if article["id"] in seen:
        return [*rekeyed, "duplicate"]
    seen.add(article["id"])
    return [*rekeyed, "processed"]


def not_utf8(name: str | bytes) -> bool:
    try:
        name.decode("utf-8") if isinstance(name, bytes) else name.encode("utf-8")
    except UnicodeError:
        return True
    return False


def counts(samples) -> Counter:
    found = Counter({"processed": m.total(samples, m.ARTICLES_PROCESSED),
                     "duplicate": m.total(samples, m.ARTICLES_DUPLICATE),
                     "rekeyed": m.total(samples, m.ARTICLES_REKEYED)})
    for (name, labels), value in samples.items():
        if name == m.ARTICLES_DEAD_LETTERED and value:
            found[dict(labels)["reason"]] += value
    return +found


@pytest.fixture(scope="module")
def worker(fresh_settings, new_worker):
    settings = fresh_settings("random-input")
    process = new_worker(settings, "random-input")
    process.start()
    return settings, process, Counter(), itertools.count(), Counter()


BATCHES = 3


@settings(max_examples=BATCHES, derandomize=True, database=None, deadline=None,
          phases=[Phase.generate], suppress_health_check=list(HealthCheck), print_blob=True)
@given(data=st.data())
def test_every_random_message_is_processed_dead_lettered_or_a_duplicate(worker, data):
    settings_, process, expected, batch_number, names = worker
    prefix = f"{settings_.topic_prefix}b{next(batch_number)}-"
    batch = data.draw(st.lists(message(prefix), min_size=60, max_size=70), label="batch")
    twice = orjson.dumps({"id": f"{prefix}twice", "body": STORY})  # a duplicate in every batch
    batch += [(f"{prefix}twice".encode(), twice, None, [])] * 2
    seen: set[str] = set()
    expected.update(what for key, value, _, _ in batch
                    for what in outcomes(key, value, seen, settings_.max_article_bytes))
    names.update(not_utf8(name) for _, _, _, headers in batch for name, _ in headers)
    read = sum(expected.values())  # the messages sent and the copies of the re-keyed ones
    asyncio.run(send_raw(settings_, batch))

    def accounted_for():
        samples = metrics(settings_)
        return samples if m.total(samples, m.ARTICLES_IN) == read == sum(
            counts(samples).values()) else None

    samples = wait_until(accounted_for, f"{read} messages accounted for", timeout=120)
    assert counts(samples) == expected  # exactly, by outcome and reason
    wait_until(lambda: asyncio.run(lag(settings_, topics=(ARTICLES, ENTITIES, EVENTS))) == 0,
               "a lag of zero", timeout=60, interval=0.5)
    dead = sum(n for what, n in expected.items() if what not in ("processed", "duplicate",
                                                                   "rekeyed"))
    assert len(asyncio.run(read_all(settings_, DEAD_LETTERS))) == dead
    assert process.alive


def test_the_batches_covered_every_outcome(worker):
    _, _, expected, batch_number, names = worker
    assert next(batch_number) == BATCHES
    assert names[True] >= 10  # header names that are not UTF-8, each once fatal to the worker
    assert {"processed", "duplicate", "rekeyed", "empty_message", "invalid_json", "not_an_object",
            "missing_field"} <= set(expected)


STRAYS = [  # (topic, key, value, headers, reason)
    (ENTITIES, b"\x00\xff\xfe", b"{}", [], "invalid_key"),
    (ENTITIES, b"SYR", None, [], "empty_message"),
    (ENTITIES, b"SYR", b'{"kind": "actor"}', [("streams-origin", b"1:2")], "invalid_record"),
    (ENTITIES, b"SYR", b"\xff\xfe", [], "invalid_record"),
    (EVENTS, None, b"{}", [], "invalid_key"),
    (EVENTS, b"e:0", b"[1, 2, 3]", [("x", b"\xff")], "invalid_record"),
    (ENTITIES, b"SYR", b"[]", [(b"streams-origin\xff", b"1:2")], "invalid_record"),
    ("events-by-subject", b"SYR", b'{"subject": {"kind": "actor", "code": 5}, "event": {}, '
                                  b'"event_time": 1}', [], "invalid_record"),
    ("events-by-subject", b"\xc3\x28", b'{"tick": 1.0}', [], "invalid_key"),
    (ALERTS, b"rule:SYR", b"null", [], "invalid_record"),
]


def test_stray_messages_on_the_derived_topics_are_dead_lettered_and_the_worker_goes_on(worker):
    settings_, process, *_ = worker
    before = len(asyncio.run(read_all(settings_, DEAD_LETTERS)))
    for topic, key, value, headers, _ in STRAYS:
        name = f"{settings_.app_id}-{topic}" if topic == "events-by-subject" else topic
        asyncio.run(send_raw(settings_, [(key, value, None, headers)], topic=name))
    expected = Counter((topic, reason) for topic, *_, reason in STRAYS)

    def refused():
        samples = metrics(settings_)
        found = Counter()
        for topic, reason in expected:
            name = (f"{settings_.app_id}-{topic}" if topic == "events-by-subject"
                    else settings_.topic(topic))
            found[(topic, reason)] = m.total(samples, m.MESSAGES_DEAD_LETTERED, topic=name,
                                             reason=reason)
        return found if found == expected else None

    wait_until(refused, "the stray messages dead-lettered", timeout=60)
    # the counter moves when a dead letter is handed to the producer, which may still be
    # lingering over its batch (STREAMS_PRODUCER_LINGER): wait for the records themselves
    def landed():
        new = asyncio.run(read_all(settings_, DEAD_LETTERS))[before:]
        return new if len(new) >= len(STRAYS) else None

    records = wait_until(landed, "the stray messages on the dead-letter topic", timeout=30)
    assert sorted(r["reason"] for r in records) == sorted(reason for *_, reason in STRAYS)
    assert [(r["headers"], r["headers_raw_names"]) for r in records if r["headers_raw_names"]] == [
        ([["streams-origin\ufffd", base64.b64encode(b"1:2").decode()]],
         [base64.b64encode(b"streams-origin\xff").decode()])]
    processed = m.total(metrics(settings_), m.ARTICLES_PROCESSED)
    doc = {"id": f"{settings_.topic_prefix}after-strays", "title": "", "body": STORY}
    asyncio.run(send_raw(settings_, [(doc["id"].encode(), orjson.dumps(doc))]))
    wait_until(lambda: m.total(metrics(settings_), m.ARTICLES_PROCESSED) == processed + 1,
               "the article after the strays processed", timeout=60)
    wait_until(lambda: asyncio.run(lag(settings_, topics=(ARTICLES, ENTITIES, EVENTS))) == 0,
               "a lag of zero", timeout=60, interval=0.5)
    assert process.alive
    with urllib.request.urlopen(f"{settings_.web_url}/health", timeout=5) as response:
        assert response.status == 200
