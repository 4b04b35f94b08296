"""Run a load test: broker, unique topics, N workers, warm-up, replay, wait, report, clean up."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from streams.corpus import read_articles
from streams.loadtest import stats
from streams.loadtest.probes import LagProbe, ProcessSampler
from streams.loadtest.workers import WorkerProcess, broker_pid, ensure_broker
from streams.producer import COMPRESSION, copies, iso_utc, make_producer, replay
from streams.settings import Settings
from streams.topics import ARTICLES, DEAD_LETTERS, ENTITIES, EVENTS


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
        await self.consumer._client.force_metadata_update()
        self.consumer.assign([TopicPartition(topic, p) for topic in self.kinds
                              for p in sorted(self.consumer.partitions_for_topic(topic) or ())])
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
    from streams.admin import create_topics

    articles = list(read_articles(config.corpus))
    if not articles:
        raise ValueError(f"no articles in {config.corpus}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_id = f"lt-{stamp.lower()}-{uuid.uuid4().hex[:6]}"
    run_dir = Path(config.out) / stamp
    run_dir.mkdir(parents=True, exist_ok=True)
    settings = replace(settings, app_id=run_id, topic_prefix=f"{run_id}-",
                       data_dir=str(run_dir / "state"))
    ensure_broker(settings.bootstrap)
    await create_topics(settings)
    deadline = time.monotonic() + config.timeout
    workers = [WorkerProcess(settings, i + 1, run_dir) for i in range(config.workers)]
    monitor = OutputMonitor(settings)
    probe = LagProbe(settings.bootstrap, settings.app_id, settings.topic(ARTICLES),
                     settings.security)
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
        if (broker := broker_pid()) is not None:
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
        finished = await drained(monitor, probe, time.monotonic() + config.timeout)
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


def build_report(config: LoadConfig, settings: Settings, tracker: stats.Tracker, sent,
                 samples: list[dict[str, Any]], t0: float, finished: bool,
                 workers: list[WorkerProcess]) -> dict[str, Any]:
    summary = stats.summary(tracker, sent.seconds, sent.sent)
    summary.update(send_errors=sent.errors, first_send_error=sent.first_error,
                   finished=finished)
    completions = tracker.completions()
    end = max([t0] + [done for done, _ in completions] + [s.sent_at for s in
                                                          tracker.articles.values()])
    seconds = int(end - t0) + 1
    series = {
        "sent": stats.per_second((s.sent_at for s in tracker.articles.values()), t0, seconds),
        "completed": stats.per_second((done for done, _ in completions), t0, seconds),
        "events": stats.per_second(tracker.event_times, t0, seconds),
        **{f"latency_p{q}": stats.latency_per_second(completions, t0, seconds, q)
           for q in (50, 95, 99)},
    }
    lags = [s["lag"] for s in samples if s["lag"] is not None]
    processes: dict[str, dict[str, float | None]] = {}
    for name in sorted({n for s in samples for n in s["processes"]}):
        cpu = [s["processes"][name]["cpu_percent"] for s in samples
               if name in s["processes"] and s["processes"][name]["cpu_percent"] is not None]
        rss = [s["processes"][name]["rss_mb"] for s in samples
               if name in s["processes"] and s["processes"][name]["rss_mb"] is not None]
        processes[name] = {"cpu_percent_mean": sum(cpu) / len(cpu) if cpu else None,
                           "cpu_percent_max": max(cpu, default=None),
                           "rss_mb_max": max(rss, default=None)}
    return {
        "config": {**asdict(config), "corpus_name": Path(config.corpus).name,
                   "batch_size": settings.batch_size, "batch_within": settings.batch_within,
                   "partitions": settings.partitions, "app_id": settings.app_id},
        "started_at": iso_utc(t0),
        "summary": summary,
        "lag": {"max": max(lags, default=None), "final": lags[-1] if lags else None},
        "processes": processes,
        "series": series,
        "samples": samples,
        "latencies": [round(latency, 6) for _, latency in completions],
        "worker_logs": [str(w.log_path) for w in workers],
    }


def table(report: dict[str, Any]) -> str:
    s, c, latency = report["summary"], report["config"], report["summary"]["latency_s"]
    rows = [
        ("corpus", c["corpus_name"]), ("workers", c["workers"]),
        ("rate asked (articles/s)", c["rate"] or "flat out"),
        ("articles sent", s["articles_sent"]), ("articles complete", s["articles_completed"]),
        ("articles silent / dead-lettered / unfinished",
         f"{s['articles_silent']} / {s['articles_dead_lettered']} / {s['articles_unfinished']}"),
        ("send errors", s["send_errors"]), ("events", s["events"]),
        ("send rate (articles/s)", s["send_rate"]), ("throughput (articles/s)", s["articles_per_s"]),
        ("throughput (events/s)", s["events_per_s"]),
        ("latency p50 / p95 / p99 / max (s)", " / ".join(
            "-" if latency[k] is None else f"{latency[k]:.3f}" for k in ("p50", "p95", "p99", "max"))),
        ("lag max (articles)", report["lag"]["max"]),
    ]
    for name, proc in report["processes"].items():
        cpu, rss = proc["cpu_percent_mean"], proc["rss_mb_max"]
        rows.append((f"{name} CPU mean % / RSS max MB",
                     f"{'-' if cpu is None else f'{cpu:.0f}'} / {'-' if rss is None else f'{rss:.0f}'}"))
    rows += [("report", report.get("report")), ("plot", report.get("plot"))]
    return stats.format_table(rows)


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
