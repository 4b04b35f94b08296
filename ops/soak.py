"""Soak test: does a worker's memory stay flat under a steady load? (run it with `ops/soak`)

One worker on a unique topic set and consumer group; the corpus (seeds/ by default) replayed
in a loop with a fresh id per copy at --rate articles/s for --minutes. The worker's RSS, with
its extraction process (/proc/<pid>/status), and counters (/metrics) are sampled every --every
seconds. After --warmup minutes (model loaded, tables and buffers at their working size) the
first sample is the baseline; the run passes when no later sample is more than --limit percent
above it. Prints one line per sample and a summary; exits 1 on too much growth, a dead worker,
or a backlog. The run's topics are deleted at the end (--keep-topics leaves them).

    ops/soak                       # the 20-minute soak
    ops/soak --minutes 3 --every 15 --warmup 1   # a short one
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import sys
import time
import urllib.request
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.http import metrics as m  # noqa: E402
from streams.http.access import bearer_headers  # noqa: E402
from streams.loadtest.probes import ProcessSampler  # noqa: E402
from streams.loadtest.workers import WorkerProcess, ensure_broker  # noqa: E402
from streams.settings import Settings  # noqa: E402
from streams.tools.admin import create_topics  # noqa: E402
from streams.tools.corpus import read_articles  # noqa: E402
from streams.tools.replay import copies, replay  # noqa: E402

MEMORY = ("memtables", "table_readers", "block_cache")  # the kinds of streams_rocksdb_bytes in RSS


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ops/soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20.0, help="how long to send (20)")
    parser.add_argument("--rate", type=float, default=2.0,
                        help="articles per second (2: what one worker sustains on 2 shared cores "
                             "with the seed article)")
    parser.add_argument("--every", type=float, default=60.0, help="seconds between samples (60)")
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="minutes before the baseline sample (5)")
    parser.add_argument("--limit", type=float, default=10.0,
                        help="largest allowed RSS growth after warm-up, percent (10)")
    parser.add_argument("--corpus", default="seeds", help="articles to loop over (seeds)")
    parser.add_argument("--out", default="var/soak", help="run folder parent (var/soak)")
    parser.add_argument("--keep-topics", action="store_true", help="leave the run's topics")
    parser.add_argument("--web-port", type=int, default=0,
                        help="the worker's web port (0: a free one)")
    return parser.parse_args(argv)


def rss_growth(samples: list[tuple[float, float]], warmup_s: float) -> tuple[float, float, float]:
    """(baseline MB, end MB, growth %) from (seconds, RSS MB) samples: the median of the first
    three samples after the warm-up against the median of the last three (RSS swings with
    each NLP batch; a median of three looks through one odd sample)."""
    after = [rss for t, rss in samples if t >= warmup_s]
    if len(after) < 4:
        raise ValueError("fewer than 4 samples after the warm-up: run longer or sample more often")
    k = min(3, len(after) // 2)
    baseline, end = statistics.median(after[:k]), statistics.median(after[-k:])
    return baseline, end, 100.0 * (end - baseline) / baseline


def rss_slope(samples: list[tuple[float, float]], warmup_s: float,
              processed: list[float] | None = None) -> float:
    """MB per hour: the least-squares slope of the (seconds, RSS MB) samples after the warm-up;
    with `processed` (articles done at each sample), MB per 1,000 articles instead. Unlike
    `rss_growth`, it uses every sample, so one odd sample moves it little."""
    after = [i for i, (t, _) in enumerate(samples) if t >= warmup_s]
    if len(after) < 2:
        raise ValueError("fewer than 2 samples after the warm-up")
    xs = [processed[i] / 1000 if processed else samples[i][0] / 3600 for i in after]
    return statistics.linear_regression(xs, [samples[i][1] for i in after]).slope


def read_metrics(settings: Settings) -> dict | None:
    """The worker's counters; None when it did not answer in time (a busy machine: the next
    sample tries again, the RSS sample is taken anyway)."""
    request = urllib.request.Request(f"{settings.web_url}/metrics",
                                     headers=bearer_headers(settings.web_token))
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return m.parse(response.read().decode("utf-8"))
    except OSError:
        return None


async def delete_topics(settings: Settings) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **settings.security)
    await admin.start()
    try:
        ours = [t for t in await admin.list_topics()
                if t.startswith(settings.topic_prefix) or t.startswith(f"{settings.app_id}-")]
        if ours:
            await admin.delete_topics(ours)
        return len(ours)
    finally:
        await admin.close()


async def soak(args: argparse.Namespace) -> int:
    # SIGTERM as Ctrl-C: the run stops its worker and deletes its topics (below, `finally`)
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    stamp = datetime.now(UTC).strftime("%Y%m%dt%H%M%Sz")
    run = f"soak-{stamp}-{uuid.uuid4().hex[:6]}"
    run_dir = ROOT / args.out / run
    run_dir.mkdir(parents=True)
    base = Settings.from_env()
    ensure_broker(base.bootstrap)
    settings = replace(base, app_id=run, topic_prefix=f"{run}-", data_dir=str(run_dir / "state"))
    await create_topics(settings)
    worker = WorkerProcess(settings, 1, run_dir)
    if args.web_port:
        worker.settings = replace(worker.settings, web_port=args.web_port)
    settings = worker.settings  # its own web port
    worker.start()
    worker.wait_healthy(180)
    articles = list(read_articles(args.corpus))
    duration = args.minutes * 60
    print(f"soak {run}: {args.rate:g} articles/s for {args.minutes:g} min, corpus "
          f"{args.corpus} ({len(articles)} articles, fresh ids), worker pid {worker.pid}, "
          f"samples every {args.every:g}s, warm-up {args.warmup:g} min, limit {args.limit:g}%")
    print(f"{'t (s)':>7} {'RSS MB':>8} {'worker':>8} {'rocksdb':>8} {'memtab':>7} {'processed':>10} "
          f"{'per s':>7} {'dead':>5} {'dup':>5}")
    # RSS: the worker with its extraction process; worker: its own; rocksdb: the part of it its
    # tables' RocksDB memory takes (memtables, cache, indexes: bounded, docs/performance.md),
    # memtab the memtables among it (the part that fills slowly)
    sender = asyncio.create_task(replay(copies(articles, loop=True, fresh_ids=True), settings,
                                        rate=args.rate, duration=duration))
    started = time.monotonic()
    samples: list[tuple[float, float]] = []
    own_samples: list[tuple[float, float]] = []  # the worker alone, less its RocksDB memory
    sampler = ProcessSampler({})
    done: list[float] = []  # articles processed at each sample
    last_processed, last_t = 0.0, 0.0
    counters: dict = {}
    failed = None
    try:
        while True:
            t = time.monotonic() - started
            reading = sampler.read(worker.pid)  # with its extraction process
            if worker.process.poll() is not None or reading is None or reading[1] is None:
                failed = f"the worker exited ({worker.process.returncode}); see {worker.log_path}"
                break
            rss = reading[1] / 2**20
            own = sampler.read_one(worker.pid)
            own_rss = (own[1] or 0) / 2**20 if own else 0.0
            counters = await asyncio.to_thread(read_metrics, settings) or counters
            processed = m.total(counters, m.ARTICLES_PROCESSED)
            rate = (processed - last_processed) / (t - last_t) if t > last_t else 0.0
            last_processed, last_t = processed, t
            rocksdb = sum(m.total(counters, m.ROCKSDB_BYTES, kind=kind) for kind in MEMORY) / 2**20
            memtables = m.total(counters, m.ROCKSDB_BYTES, kind="memtables") / 2**20
            samples.append((t, rss))
            own_samples.append((t, own_rss - rocksdb))
            done.append(processed)
            print(f"{t:7.0f} {rss:8.1f} {own_rss:8.1f} {rocksdb:8.1f} {memtables:7.1f} "
                  f"{processed:10.0f} {rate:7.1f} "
                  f"{m.total(counters, m.ARTICLES_DEAD_LETTERED):5.0f} "
                  f"{m.total(counters, m.ARTICLES_DUPLICATE):5.0f}", flush=True)
            if t >= duration:
                break
            await asyncio.sleep(min(args.every, max(0.0, duration - t)) or args.every)
        report = await sender
    finally:
        if not sender.done():
            sender.cancel()
        worker.stop()
        if not args.keep_topics:
            await delete_topics(settings)
    if failed:
        print(f"FAIL: {failed}")
        return 1
    baseline, end, growth = rss_growth(samples, args.warmup * 60)
    peak = max(rss for t, rss in samples if t >= args.warmup * 60)
    slope = rss_slope(samples, args.warmup * 60)
    per_article = rss_slope(samples, args.warmup * 60, done)
    backlog = report.sent - last_processed
    print(f"sent {report.sent} articles ({report.rate:.1f}/s, {report.errors} errors); processed "
          f"{last_processed:.0f} (backlog {backlog:.0f}); RSS after warm-up {baseline:.1f} MB, at "
          f"the end {end:.1f} MB: growth {growth:+.1f}% (limit {args.limit:g}%); peak "
          f"{peak:.1f} MB; first sample {samples[0][1]:.1f} MB; slope after warm-up "
          f"{slope:+.1f} MB/h, {per_article:+.2f} MB per 1,000 articles (least squares); the "
          f"worker alone less its RocksDB memory {rss_slope(own_samples, args.warmup * 60):+.1f} MB/h")
    # A backlog of more than two sampling intervals means the worker did not keep up: the
    # memory figures would then measure a queue, not a steady state.
    kept_up = backlog <= 2 * args.rate * args.every
    if not kept_up:
        print(f"the worker did not keep up with {args.rate:g}/s: lower --rate")
    verdict = growth < args.limit and report.errors == 0 and kept_up
    print("PASS" if verdict else "FAIL", f"(log and state in {run_dir.relative_to(ROOT)})")
    return 0 if verdict else 1


def main(argv=None) -> int:
    try:
        return asyncio.run(soak(parse_args(argv)))
    except (asyncio.CancelledError, KeyboardInterrupt):
        print("stopped before the end: no verdict", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
