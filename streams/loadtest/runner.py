"""Run a load test: broker, unique topics, N workers, warm-up, replay, wait, report, clean up."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from streams.contract.topics import ARTICLES, DEAD_LETTERS, ENTITIES, EVENTS, partitions_for
from streams.loadtest import stats
from streams.loadtest.probes import LagProbe, ProcessSampler
from streams.loadtest.report import build_report, table
from streams.loadtest.workers import WorkerProcess, broker_pid, ensure_broker
from streams.settings import Settings
from streams.tools.corpus import read_articles
from streams.tools.replay import COMPRESSION, copies, iso_utc, make_producer, replay


@dataclass
class LoadConfig:
    corpus: str = "seeds"
    rate: float | None = None  # articles/s; None = flat out
    repeat: int = 1
    duration: float | None = None  # loop the corpus this long instead of `repeat` times
    workers: int = 1
    timeout: float = 300.0  # for the last results after the replay, and for start-up
    out: str = "var/loadtest"
    keep_topics: bool = False
    plot: bool = True
    progress: bool = False
    compression: str | None = COMPRESSION
    worker_host: str | None = None  # an `ops/cluster` worker host (w1, w2) to run the workers on


class OutputMonitor:
    """Reads `entities`, `events` and the dead letters from the start, feeding a Tracker."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.kinds = {settings.topic(ENTITIES): "entities", settings.topic(EVENTS): "events",
                      settings.topic(DEAD_LETTERS): "dlq"}
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.bootstrap, enable_auto_commit=False,
            auto_offset_reset="earliest", isolation_level="read_committed", fetch_max_wait_ms=50,
            **settings.security)
        self.tracker = stats.Tracker()
        self.last_message = time.monotonic()
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        await self.consumer.start()
        # The run created these topics itself, so it knows their partitions (no metadata wait).
        names = {self.settings.topic(name): name for name in (ENTITIES, EVENTS, DEAD_LETTERS)}
        self.consumer.assign([TopicPartition(topic, p) for topic, name in names.items()
                              for p in range(partitions_for(name, self.settings))])
        self.task = asyncio.create_task(self.run())

    async def run(self) -> None:
        while True:
            batches = await self.consumer.getmany(timeout_ms=200)
            received = time.time()  # record timestamps are not ours: the worker may set them
            for partition, records in batches.items():
                kind = self.kinds[partition.topic]
                for record in records:
                    self.last_message = time.monotonic()
                    message = orjson.loads(record.value)
                    if kind == "dlq":
                        self.tracker.dead_lettered(_original_id(message))
                    else:
                        self.tracker.output(kind, message, received)

    def quiet_for(self) -> float:
        return time.monotonic() - self.last_message

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.consumer.stop()


def _original_id(dead_letter: dict[str, Any]) -> str | None:
    import base64

    try:
        return orjson.loads(base64.b64decode(dead_letter.get("original") or "")).get("id")
    except (ValueError, AttributeError):
        return None


async def drained(monitor: OutputMonitor, probe: LagProbe, deadline: float,
                  quiet: float = 3.0) -> bool:
    """Wait until every article is complete, or the group has committed everything and the
    outputs have been quiet for `quiet` s (then the rest produced nothing). False on timeout."""
    while monitor.tracker.open:
        if time.monotonic() > deadline:
            return False
        if monitor.quiet_for() >= quiet and await probe.sample() == 0:
            monitor.tracker.settle()
            break
        await asyncio.sleep(0.25)
    return True


async def warm_up(settings: Settings, article: dict[str, Any], monitor: OutputMonitor,
                  probe: LagProbe, deadline: float) -> None:
    """One article per partition of `articles`, so every worker has loaded its model and owns
    its partitions before anything is measured."""
    producer = make_producer(settings)
    await producer.start()
    try:
        for partition in probe.partitions:
            copy = {**article, "id": f"warmup~{partition.partition}", "sent_at": iso_utc(time.time())}
            monitor.tracker.sent(copy["id"], time.time())
            await producer.send_and_wait(settings.topic(ARTICLES), orjson.dumps(copy),
                                         key=copy["id"].encode(), partition=partition.partition)
    finally:
        await producer.stop()
    if not await drained(monitor, probe, deadline):
        raise TimeoutError("the warm-up articles were not processed in time")
    monitor.tracker = stats.Tracker()


async def sample_every_second(t0: float, probe: LagProbe, sampler: ProcessSampler,
                              monitor: OutputMonitor, samples: list[dict[str, Any]]) -> None:
    while True:
        try:
            lag: int | None = await probe.sample()
        except Exception:  # a coordinator moving mid-rebalance: keep sampling
            lag = None
        tracker = monitor.tracker
        samples.append({"t": round(time.time() - t0, 3), "lag": lag,
                        "sent": len(tracker.articles), "completed": tracker.count("complete"),
                        "processes": sampler.sample()})
        await asyncio.sleep(1.0 - (time.time() - t0) % 1.0)


async def delete_topics(settings: Settings) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **settings.security)
    await admin.start()
    try:
        ours = [t for t in await admin.list_topics() if t.startswith(settings.topic_prefix)]
        if ours:
            await admin.delete_topics(ours)
    finally:
        await admin.close()


async def run(config: LoadConfig, settings: Settings) -> dict[str, Any]:
    """The whole test; returns the report (also written to <out>/<timestamp>/report.json)."""
    from streams.tools.admin import create_topics

    articles = list(read_articles(config.corpus))
    if not articles:
        raise ValueError(f"no articles in {config.corpus}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_id = f"lt-{stamp.lower()}-{uuid.uuid4().hex[:6]}"
    run_dir = Path(config.out) / stamp
    run_dir.mkdir(parents=True, exist_ok=True)
    settings = replace(settings, app_id=run_id, topic_prefix=f"{run_id}-",
                       data_dir=str(run_dir / "state"))
    if config.worker_host and not settings.web_token:  # they serve beyond loopback: one token
        settings = replace(settings, web_token=secrets.token_urlsafe())
    ensure_broker(settings.bootstrap)
    await create_topics(settings)
    deadline = time.monotonic() + config.timeout
    workers = [WorkerProcess(settings, i + 1, run_dir, host=config.worker_host)
               for i in range(config.workers)]
    monitor = OutputMonitor(settings)
    probe = LagProbe(settings.bootstrap, settings.app_id, settings.topic(ARTICLES),
                     partitions_for(ARTICLES, settings), settings.security)
    samples: list[dict[str, Any]] = []
    sampler_task = None
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            await asyncio.to_thread(worker.wait_healthy, config.timeout)
        await monitor.start()
        await probe.start()
        await wait_for_group(probe, config.workers, deadline)
        await warm_up(settings, articles[0], monitor, probe, deadline)

        pids = {w.name: w.pid for w in workers}
        # The local broker's pid: not the cluster's, when the workers run on a cluster host.
        if config.worker_host is None and (broker := broker_pid()) is not None:
            pids["broker"] = broker
        sampler = ProcessSampler(pids)
        sampler.sample()
        t0 = time.time()
        sampler_task = asyncio.create_task(
            sample_every_second(t0, probe, sampler, monitor, samples))
        loop = config.duration is not None
        sent = await replay(
            copies(articles, config.repeat, loop=loop, fresh_ids=True), settings,
            rate=config.rate, duration=config.duration, progress=config.progress,
            total=None if loop else len(articles) * config.repeat,
            on_sent=monitor.tracker.sent, compression=config.compression)
        # Ctrl-C stops the replay (it reports `interrupted`): report what there is, do not wait.
        finished = not sent.interrupted and await drained(monitor, probe,
                                                          time.monotonic() + config.timeout)
        await asyncio.sleep(1.0)  # one more sample after the end
    finally:
        if sampler_task:
            sampler_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler_task
        for worker in workers:
            await asyncio.to_thread(worker.stop)
        await monitor.stop()
        await probe.stop()
        if not config.keep_topics:
            with contextlib.suppress(Exception):
                await delete_topics(settings)

    report = build_report(config, settings, monitor.tracker, sent, samples, t0, finished,
                          workers)
    (run_dir / "report.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    if config.plot:
        from streams.loadtest.plot import plot_report

        report["plot"] = str(plot_report(report, run_dir / "loadtest.png"))
    report["report"] = str(run_dir / "report.json")
    return report


async def wait_for_group(probe: LagProbe, members: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if await probe.members() == ("Stable", members):
                return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"the workers' consumer group did not settle with {members} members")


def main(args, settings: Settings) -> int:
    """`streams loadtest`."""
    import sys

    config = LoadConfig(corpus=args.corpus, rate=args.rate, repeat=args.repeat,
                        duration=args.duration, workers=args.workers, timeout=args.timeout,
                        out=args.out, keep_topics=args.keep_topics, plot=not args.no_plot,
                        progress=not args.quiet and sys.stderr.isatty())
    report = asyncio.run(run(config, settings))
    print(table(report))
    summary = report["summary"]
    return 0 if summary["finished"] and not summary["send_errors"] else 1
