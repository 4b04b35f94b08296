"""What the reliability tests observe on the broker and the worker: counters, lag, members.

Plain functions (the fixtures are in conftest.py): the worker's /metrics, raw sends, the
consumer group's committed offsets against the end of each topic, its members and their
partitions, every message of a topic read with `read_committed`, and stale table writes.
"""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.protocol.group import MemberAssignment
from record_batches import header_names, python_builder

from streams.alerts.windows import rfc3339
from streams.contract.messages import entity_messages
from streams.contract.topics import ARTICLES, DAILY, ENTITIES, partitions_for
from streams.extraction.pipeline import extract
from streams.http import metrics as m
from streams.http.access import bearer_headers
from streams.runtime.dedupe import parse_origin
from streams.runtime.generation_table import GENERATION
from streams.settings import Settings

# Two sentences naming Aleppo and the rebels: cheap to extract, so thousands run in a test.
SHORT_BODY = ("Syrian government forces attacked rebels in Aleppo on Sunday. "
              "The rebels withdrew from Aleppo.")


def expected_counts(article: dict, copies: int) -> dict[tuple[str, str], dict[str, int]]:
    """(kind, key) -> {"mentions", "articles"} after `copies` copies of `article` (fresh ids),
    from the extractor run here, offline."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for mention in entity_messages(article, extract(article)):
        count = counts.setdefault((mention.kind, mention.key), {"mentions": 0, "articles": 0})
        count["mentions"] += copies
        count["articles"] += copies if mention.first_in_article else 0
    return counts


def served_counts(settings: Settings, window: str = "overall"
                  ) -> dict[tuple[str, str], dict[str, int]]:
    """Every count the worker at settings.web_url serves, in the shape of `expected_counts`;
    with `window` ("1h", "1d") those of its newest window of that size."""
    query = f"?n=1000&window={window}"
    rows = {("actor", row["code"]): row for row in get_json(settings, f"/actors/top{query}")}
    rows.update({("location", str(row["geonameid"])): row
                 for row in get_json(settings, f"/locations/top{query}")})
    return {key: {"mentions": row["mentions"], "articles": row["articles"]}
            for key, row in rows.items()}


def differences(expected: dict, served: dict) -> dict:
    """Each key whose counts differ: (expected, served), None where one side has none."""
    return {key: (expected.get(key), served.get(key)) for key in expected.keys() | served.keys()
            if expected.get(key) != served.get(key)}


def metrics(settings: Settings) -> dict:
    """The worker's /metrics, parsed: {(name, labels): value}."""
    with urllib.request.urlopen(web_request(settings, "/metrics"), timeout=5) as response:
        assert response.headers["Content-Type"] == m.CONTENT_TYPE
        return m.parse(response.read().decode("utf-8"))


def web_request(settings: Settings, path: str) -> urllib.request.Request:
    """A GET of the worker's `path`, with its bearer token when it has one (cluster workers)."""
    return urllib.request.Request(f"{settings.web_url}{path}",
                                  headers=bearer_headers(settings.web_token))


def get_json(settings: Settings, path: str) -> Any:
    with urllib.request.urlopen(web_request(settings, path), timeout=5) as response:
        return orjson.loads(response.read())


def location(settings: Settings, geonameid: int | str) -> dict | None:
    """The running count of a place, or None while it has none (404)."""
    try:
        return get_json(settings, f"/locations/{geonameid}")
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 500, 503):  # no counts yet, or a just-started worker's routing
            return None
        raise


def wait_until(check: Callable[[], Any], what: str, timeout: float = 120.0,
               interval: float = 0.2) -> Any:
    """Poll `check()` until it returns something truthy, or fail saying what never happened."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (OSError, urllib.error.URLError) as exc:  # a worker restarting
            last = exc
        except KafkaError as exc:  # e.g. no group coordinator yet on a broker just started
            if not exc.retriable:
                raise
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"after {timeout:.0f}s still waiting for {what} (last: {last!r})")


def raw_producer(settings: Settings, compression: str | None) -> AIOKafkaProducer:
    """A producer like any client's, not idempotent: aiokafka's idempotent sender asserts that
    a batch was built by its own builder, and `send_raw_header_names` swaps in another."""
    return AIOKafkaProducer(bootstrap_servers=settings.bootstrap, compression_type=compression,
                            max_batch_size=256 * 1024, max_request_size=8 * 1024 * 1024,
                            **settings.security)


async def send_raw(settings: Settings, messages: Iterable[tuple], compression: str | None = "gzip",
                   topic: str = ARTICLES) -> None:
    """Send (key, value), (key, value, timestamp in seconds) or (key, value, timestamp or None,
    headers) as they are, in order, to `topic` (a contract name; `articles` by default), or to
    the exact topic named when it holds the app id; wait for every ack.

    gzip, as a real producer would use it: the 5 MB case is 5 MB for the worker, but a few
    kilobytes on the wire, under the broker's 1 MB default message limit."""
    name = topic if topic.startswith(settings.app_id) else settings.topic(topic)
    producer = raw_producer(settings, compression)
    await producer.start()
    try:
        for key, value, *rest in messages:
            timestamp = rest[0] if rest else None
            headers = list(rest[1]) if len(rest) > 1 else None
            timestamp_ms = int(timestamp * 1000) if timestamp is not None else None
            if headers and any(isinstance(header, bytes) for header, _ in headers):
                await send_raw_header_names(producer, name, key, value, timestamp_ms, headers,
                                            compression)
            else:
                await producer.send_and_wait(name, value, key=key, timestamp_ms=timestamp_ms,
                                             headers=headers or None)
    finally:
        await producer.stop()


async def send_raw_header_names(producer: AIOKafkaProducer, topic: str, key: bytes | None,
                                value: bytes | None, timestamp_ms: int | None,
                                headers: list[tuple[str | bytes, bytes | None]],
                                compression: str | None = None) -> None:
    """Send one message whose header names may be any bytes (the Kafka protocol carries them as
    bytes; the broker stores them as they are), in a batch of its own, to the partition the
    default partitioner picks for its key; wait for the ack."""
    batch = producer.create_batch()
    batch._builder = python_builder(compression)  # the builder that writes name.encode()
    assert batch.append(timestamp=timestamp_ms, key=key, value=value,
                        headers=header_names(headers)) is not None
    partitions = sorted(await producer.partitions_for(topic))
    partition = DefaultPartitioner()(key, partitions, partitions)
    await (await producer.send_batch(batch, topic, partition=partition))


async def lag(settings: Settings, topics=(ARTICLES, ENTITIES)) -> int:
    """Messages in `topics` not yet committed by the app's consumer group (0: all done)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **settings.security)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap, **settings.security)
    await admin.start()
    await consumer.start()
    try:
        committed = await admin.list_consumer_group_offsets(settings.app_id)
        partitions = [TopicPartition(settings.topic(name), p) for name in topics
                      for p in range(settings.partitions)]
        ends = await consumer.end_offsets(partitions)
        return sum(end - (committed[tp].offset if tp in committed else 0)
                   for tp, end in ends.items())
    finally:
        await consumer.stop()
        await admin.close()


def settled(settings: Settings, timeout: float = 180.0) -> None:
    """Wait until the worker has processed and committed everything sent so far."""
    wait_until(lambda: asyncio.run(lag(settings)) == 0, "a lag of zero", timeout, interval=0.5)


async def group_assignment(settings: Settings) -> tuple[str, dict[str, set[tuple[str, int]]]]:
    """The app's consumer group, described by the broker: its state and, per member id, the
    (topic, partition)s assigned to it (the Kafka protocol assignment Faust's assignor made)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **settings.security)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([settings.app_id])
    finally:
        await admin.close()
    # DescribeGroups v2: (error, group, state, protocol type, protocol, members); a member is
    # (member id, client id, client host, metadata, assignment)
    _, _, state, _, _, members = response.groups[0]
    assigned = {}
    for member in members:
        assignment = MemberAssignment.decode(member[-1]) if member[-1] else None
        assigned[member[0]] = {(topic, p) for topic, parts in
                               (assignment.assignment if assignment else []) for p in parts}
    return state, assigned


def group_of(settings: Settings, members: int) -> dict | None:
    """The group's assignment once it is Stable with `members` members holding every partition
    of `articles` and `entities` once; None before."""
    state, assigned = asyncio.run(group_assignment(settings))
    if state == "Stable" and len(assigned) == members and every_partition_once(settings, assigned):
        return assigned
    return None


def every_partition_once(settings: Settings, assigned: dict, topics=(ARTICLES, ENTITIES)) -> bool:
    """Each partition of `topics` is held by exactly one member."""
    wanted = {(settings.topic(name), p) for name in topics for p in range(settings.partitions)}
    held = [tp for tps in assigned.values() for tp in tps if tp in wanted]
    return len(held) == len(wanted) and set(held) == wanted


async def read_all(settings: Settings, name: str, timeout: float = 60.0) -> list[dict]:
    """Every message of a contract topic, from the beginning to its current end, read_committed;
    `_timestamp` is the record's, in seconds."""
    return [{"_key": record.key, "_headers": dict(record.headers),
             "_timestamp": record.timestamp / 1000, **orjson.loads(record.value)}
            for record in await read_records(settings, settings.topic(name),
                                             partitions_for(name, settings), timeout)]


async def read_records(settings: Settings, topic: str, partitions: int,
                       timeout: float = 60.0) -> list:
    """Every record of a topic's partitions, from the beginning to its current end, in each
    partition's order, read_committed."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap, enable_auto_commit=False,
        isolation_level="read_committed", max_partition_fetch_bytes=8 * 2**20,
        **settings.security)
    await consumer.start()
    records: list = []
    deadline = time.monotonic() + timeout
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        while True:
            positions = [await consumer.position(tp) for tp in tps]
            if all(position >= ends[tp] for position, tp in zip(positions, tps, strict=True)):
                return records
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}: not at the end after {timeout:.0f}s")
            batches = await consumer.getmany(timeout_ms=500)
            for batch in batches.values():
                records.extend(batch)
    finally:
        await consumer.stop()


async def stale_table_writes(settings: Settings, table: str) -> int:
    """Records of a table's changelog written in an older consumer-group generation than a
    record of the same key before them: writes of a worker that had lost the partition, which
    recovery ignores (streams/runtime/generation_table.py)."""
    newest: dict[bytes, int] = {}
    stale = 0
    for record in await read_records(settings, f"{settings.app_id}-{table}-changelog",
                                     settings.partitions):
        generation = orjson.loads(record.value).get(GENERATION) if record.value else None
        if generation is None:
            newest.pop(record.key, None)
        elif generation < newest.get(record.key, generation):
            stale += 1
        else:
            newest[record.key] = generation
    return stale


def stale_count_writes(settings: Settings) -> int:
    """`stale_table_writes` over both count tables, what the failure tests report."""
    return sum(asyncio.run(stale_table_writes(settings, table))
               for table in ("actor_counts", "location_counts"))


def count_trace(settings: Settings, kind: str, key: str, path) -> None:
    """Writes to `path`, for one actor or place, what a lost count is traced with: its
    `entities` messages (partition, offset, origin, article, mention), then its overall count's
    changelog records and its ledger entries, each with the changelog offset, in log order."""
    entities = asyncio.run(read_records(settings, settings.topic(ENTITIES),
                                        partitions_for(ENTITIES, settings), timeout=120))
    lines = []
    for record in entities:
        mention = orjson.loads(record.value)
        if (mention.get("kind"), mention.get("key")) == (kind, key):
            lines.append(f"entities {record.partition}:{record.offset} origin="
                         f"{parse_origin(record.headers)} {mention['article_id']} "
                         f"{mention['field']}:{mention['start']}")
    table = "actor_counts" if kind == "actor" else "location_counts"
    for name, wanted in ((table, lambda k: orjson.loads(k) == key),
                         ("counted_mentions", lambda k: f"|{kind}|{key}" in k.decode())):
        for record in asyncio.run(read_records(
                settings, f"{settings.app_id}-{name}-changelog", settings.partitions, 120)):
            if record.key is not None and wanted(record.key):
                lines.append(f"{name} {record.partition}:{record.offset} "
                             f"{record.key.decode()} {record.value and record.value.decode()}")
    path.write_text("\n".join(lines) + "\n")


def mentions_on_topic(settings: Settings, id_prefix: str = "") -> dict[tuple[str, str], int]:
    """(kind, key) -> distinct mentions on `entities` of articles whose id starts with
    `id_prefix`: tells a mention lost before the count stage from one lost in it."""
    distinct = {(m["kind"], m["key"], m["article_id"], m["field"], m["start"])
                for m in asyncio.run(read_all(settings, ENTITIES, timeout=120))
                if m["article_id"].startswith(id_prefix)}
    return dict(Counter((kind, key) for kind, key, *_ in distinct))


def articles_without_mentions(settings: Settings, id_prefix: str = "") -> dict[int, str]:
    """Articles partition -> how many of its articles (ids starting with `id_prefix`) have no
    mention on `entities`, and the offsets of the first and last of them: a contiguous run in
    one partition points at a consumer that skipped offsets, scattered ones at lost sends."""
    records = asyncio.run(read_records(settings, settings.topic(ARTICLES),
                                       partitions_for(ARTICLES, settings), timeout=120))
    mentioned = {m["article_id"] for m in asyncio.run(read_all(settings, ENTITIES, timeout=120))}
    missing: dict[int, list[int]] = {}
    total: Counter = Counter()
    for record in records:
        article_id = orjson.loads(record.value).get("id", "")
        if isinstance(article_id, str) and article_id.startswith(id_prefix):
            total[record.partition] += 1
            if article_id not in mentioned:
                missing.setdefault(record.partition, []).append(record.offset)
    return {partition: (f"{len(offsets)} of {total[partition]} without a mention, offsets "
                        f"{min(offsets)} to {max(offsets)}")
            for partition, offsets in sorted(missing.items())}


SEND_ERROR_MARKS = ("_on_published error", "Got error produce response")


def send_errors(log_text: str) -> dict[str, int]:
    """How many lines of a worker log carry each mark of a failed or retried send."""
    lines = log_text.splitlines()
    return {mark: sum(mark in line for line in lines) for mark in SEND_ERROR_MARKS}


def daily_from_events(events: list[dict]) -> dict[str, dict]:
    """What `events.daily` must hold, computed here from the `events` messages (`read_all`,
    copies included) grouped by date, source code, target code and CAMEO code: each event id
    once, its articles and their outlets (none named: one), the span of their times (published_at
    when it is ISO 8601 or RFC 2822, else the message timestamp); `daily_summary`'s shape."""
    groups: dict[str, dict] = {}
    for event in events:
        try:
            published = datetime.fromisoformat(event["published_at"] or "")
        except ValueError:
            try:
                published = parsedate_to_datetime(event["published_at"] or "")
            except (TypeError, ValueError):
                published = None
        if published is None:
            at = event["_timestamp"]
        else:
            at = (published if published.tzinfo else published.replace(tzinfo=UTC)).timestamp()
        codes = [(actor or {}).get("code") or "-" for actor in (event["source"], event["target"])]
        day = datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d")
        group = groups.setdefault(f"{day}|{codes[0]}|{codes[1]}|{event['cameo_code']}",
                                  {"ids": set(), "articles": set(), "outlets": set(), "at": []})
        group["ids"].add(event["event_id"])
        group["articles"].add(event["article_id"])
        group["outlets"].add(event.get("article_source"))
        group["at"].append(at)
    return {rid: {"num_mentions": len(g["ids"]), "num_articles": len(g["articles"]),
                  "num_sources": len(g["outlets"]), "first_seen": rfc3339(min(g["at"])),
                  "last_seen": rfc3339(max(g["at"])),
                  "event_ids": sorted(g["ids"]) if len(g["ids"]) <= 50 else 50}
            for rid, g in groups.items()}


def daily_summary(records: dict[str, dict]) -> dict[str, dict]:
    """The `events.daily` records (record id -> record) in the shape of `daily_from_events`."""
    return {rid: {"num_mentions": r["num_mentions"], "num_articles": r["num_articles"],
                  "num_sources": r["num_sources"], "first_seen": r["first_seen"],
                  "last_seen": r["last_seen"],
                  "event_ids": sorted(r["event_ids"]) if r["num_mentions"] <= 50
                  else len(r["event_ids"])}
            for rid, r in records.items()}


def daily_records(settings: Settings) -> dict[str, dict]:
    """The newest `events.daily` record of each key (all of a key's are in one partition)."""
    return {message["_key"].decode(): message
            for message in asyncio.run(read_all(settings, DAILY))}


def daily_as_events_imply(settings: Settings, events: list[dict], timeout: float = 90.0
                          ) -> tuple[dict[str, dict], dict[str, dict]]:
    """(the `events.daily` records, what `events` implies in `daily_summary`'s shape), once the
    records' summary equals it (the daily agents follow the events a little behind) or after
    `timeout`: the caller asserts `daily_summary(records) == expected`."""
    expected = daily_from_events(events)
    deadline = time.monotonic() + timeout
    while daily_summary(served := daily_records(settings)) != expected:
        if time.monotonic() > deadline:
            break
        time.sleep(1.0)
    return served, expected
