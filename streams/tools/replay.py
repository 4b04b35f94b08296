"""`streams replay`: send article documents to the `articles` topic, keyed by id.

Also a load generator: `copies()` repeats a corpus (optionally endlessly, optionally with a fresh
id per copy), `replay()` paces it with a token bucket (`streams.tools.pacing`), stamps every article
with `sent_at` just before it is handed to the producer, and reports what went out and how fast,
and the ids of the articles whose send finally failed (`write_ids`; `only_ids` resends them).
"""

from __future__ import annotations

import asyncio
import shlex
import sys
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from streams.contract.topics import ARTICLES
from streams.kafka_refusals import DENIALS
from streams.settings import Settings
from streams.tools.pacing import TokenBucket, default_burst

# Measured with `bench/pipeline.py transport` (see docs/performance.md): on a local broker
# compression costs producer CPU and buys nothing; gzip only pays on a slow network link.
COMPRESSION: str | None = None
LINGER_MS = 5


@dataclass
class ReplayReport:
    sent: int  # handed to the producer
    seconds: float  # from the first send until the broker had acknowledged everything
    errors: int = 0  # sends the broker refused or that failed
    first_error: str | None = None
    interrupted: bool = False
    unsent: list[str] = field(default_factory=list)  # ids of the articles whose send failed

    @property
    def delivered(self) -> int:
        return self.sent - self.errors

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def summary(self, topic: str) -> str:
        text = (f"sent {self.sent} articles to {topic} in {self.seconds:.2f}s "
                f"({self.rate:.1f}/s)")
        if self.errors:
            text += f"; {self.errors} send errors (first: {self.first_error})"
        if self.interrupted:
            text += "; interrupted"
        return text


def make_producer(settings: Settings, compression: str | None = COMPRESSION,
                  send_timeout: float | None = None) -> AIOKafkaProducer:
    # Batching trades a few milliseconds of latency for far fewer requests. An article counts as
    # sent once every in-sync replica has it (acks=all, at least min.insync.replicas of them), and
    # idempotence keeps a retried batch from landing twice or out of order. send_timeout: how
    # long an article may wait for the broker before it counts as not sent (aiokafka's 40 s).
    timeout = {"request_timeout_ms": int(send_timeout * 1000)} if send_timeout else {}
    return AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap,
        acks="all",
        enable_idempotence=True,
        linger_ms=LINGER_MS,
        compression_type=compression,
        max_batch_size=256 * 1024,
        max_request_size=8 * 1024 * 1024,
        **timeout,
        **settings.security,
    )


def iso_utc(timestamp: float) -> str:
    """Epoch seconds as ISO 8601 UTC with microseconds: `2024-05-01T12:00:00.123456Z`."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso_utc(text: str) -> float:
    """The inverse of `iso_utc` (accepts `Z` or an explicit offset)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def fresh_id(article_id: str, copy: int) -> str:
    """The id of copy number `copy` of an article: deterministic, so reruns are comparable."""
    return f"{article_id}~{copy}"


def copies(articles: Sequence[dict[str, Any]], repeat: int = 1, *, loop: bool = False,
           fresh_ids: bool = False) -> Iterator[dict[str, Any]]:
    """The corpus `repeat` times over (forever with `loop`); with `fresh_ids` each copy of an
    article gets the id `{id}~{copy}`, copy numbers counting on across loops."""
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, got {repeat}")
    copy = 0
    while articles:
        for _ in range(repeat):
            for article in articles:
                yield {**article, "id": fresh_id(str(article.get("id", "")), copy)} if fresh_ids \
                    else article
            copy += 1
        if not loop:
            return


def only_ids(articles: Iterable[dict[str, Any]], ids: Collection[str]) -> Iterator[dict[str, Any]]:
    """The articles whose id is in `ids` (after `copies`, so fresh ids match), each id once: a
    resend of what one run could not send."""
    wanted = set(ids)
    for article in articles:
        article_id = str(article.get("id", ""))
        if article_id in wanted:
            wanted.discard(article_id)
            yield article
            if not wanted:
                return


def read_ids(path: str | Path) -> list[str]:
    """The ids in a file written by `write_ids`: one a line, blank lines ignored."""
    return [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def write_ids(ids: Iterable[str], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{article_id}\n" for article_id in ids), encoding="utf-8")
    return path


def unsent_path(now: float | None = None) -> Path:
    """Where a replay writes the ids it could not send unless told: var/replay-unsent-<UTC>.txt."""
    stamp = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    return Path("var") / f"replay-unsent-{stamp:%Y%m%dT%H%M%SZ}.txt"


async def answered(producer: AIOKafkaProducer, then: Callable[[], None],
                   timeout: float = 5.0) -> None:
    """then() if the broker answers a metadata request within `timeout` seconds."""
    try:
        await asyncio.wait_for(producer.client.fetch_all_metadata(), timeout)
    except Exception:  # still away (or a timeout): nothing to say
        return
    then()


def resend_command(path: str, ids_file: str | Path, repeat: int = 1, fresh_ids: bool = False) -> str:
    """The command that resends the ids in `ids_file`: the same corpus, copies and ids."""
    words = ["streams", "replay", shlex.quote(path)]
    words += ["--repeat", str(repeat)] if repeat != 1 else []
    words += ["--fresh-ids"] if fresh_ids else []
    return " ".join([*words, "--only-ids", shlex.quote(str(ids_file))])


async def replay(
    articles: Iterable[dict[str, Any]],
    settings: Settings,
    *,
    rate: float | None = None,
    duration: float | None = None,
    progress: bool = False,
    total: int | None = None,
    on_sent: Callable[[str, float], None] | None = None,
    on_broker_answer: Callable[[], None] | None = None,
    compression: str | None = COMPRESSION,
    send_timeout: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ReplayReport:
    """Send each article keyed by its id and wait until the broker has them all.

    rate: articles per second (token bucket); None sends as fast as the producer takes them.
    duration: stop sending after this many seconds. on_sent(id, epoch_seconds) is called for
    every article handed to the producer, with the time written into its `sent_at`;
    on_broker_answer() for every one the broker acknowledged and, when some failed, once more if
    the broker answers a metadata request at the end (to end an outage's log lines: right after
    a broker returns, batches kept through the outage can all fail for want of a leader).
    An article whose send fails (after aiokafka's retries, within send_timeout) is counted and
    its id kept in `report.unsent`.
    """
    from tqdm import tqdm

    topic = settings.topic(ARTICLES)
    producer = make_producer(settings, compression, send_timeout)
    try:
        await producer.start()
    except BaseException:  # closed, so the failure is all that is reported (no "Unclosed")
        await producer.stop()
        raise
    report = ReplayReport(sent=0, seconds=0.0)
    pending: set[asyncio.Future] = set()
    denied: list[BaseException] = []  # a missing ACL: the rest would be refused alike

    def delivered(future: asyncio.Future, article_id: str) -> None:
        pending.discard(future)
        if future.cancelled():
            failed(asyncio.CancelledError(), article_id)
        elif future.exception() is not None:
            failed(future.exception(), article_id)
        elif on_broker_answer is not None:
            on_broker_answer()

    def failed(exc: BaseException, article_id: str) -> None:
        if isinstance(exc, DENIALS):
            denied.append(exc)
        report.errors += 1
        report.unsent.append(article_id)
        report.first_error = report.first_error or f"{type(exc).__name__}: {exc}"

    bucket = TokenBucket(rate, default_burst(rate), clock) if rate else None
    bar = tqdm(total=total, unit="art", file=sys.stderr, disable=not progress, mininterval=0.5,
               dynamic_ncols=True)
    started = clock()
    deadline = started + duration if duration else None
    try:
        try:
            for article in articles:
                if denied or deadline is not None and clock() >= deadline:
                    break
                if bucket is not None:
                    wait = bucket.delay()
                    if wait > 0:
                        await asyncio.sleep(wait)
                article_id = str(article.get("id", ""))
                sent_at = time.time()
                value = orjson.dumps({**article, "sent_at": iso_utc(sent_at)})
                try:
                    future = await producer.send(topic, value, key=article_id.encode("utf-8"))
                except Exception as exc:  # e.g. a message over the size limit: count it, go on
                    failed(exc, article_id)
                    continue
                pending.add(future)
                future.add_done_callback(lambda done, article_id=article_id:
                                         delivered(done, article_id))
                report.sent += 1
                if on_sent is not None:
                    on_sent(article_id, sent_at)
                bar.update(1)
        except asyncio.CancelledError:  # Ctrl-C: stop sending, deliver what is on its way
            report.interrupted = True
        await producer.flush()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        report.seconds = clock() - started
        if report.unsent and on_broker_answer is not None:
            await answered(producer, on_broker_answer)
        if denied:
            raise denied[0]
    finally:
        bar.close()
        await producer.stop()
    return report
