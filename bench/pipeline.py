"""Benchmarks of the pipeline, each with the ratios measured in the same run.

    python bench/pipeline.py all          # a..f below, one table (what docs/performance.md shows)
    python bench/pipeline.py extract      # a. in-process extraction (extract_many in batches)
    python bench/pipeline.py pipeline [--workers 1 2] [--batch-sizes 1 16]
    python bench/pipeline.py transport    # d. raw aiokafka produce/consume vs the replay producer
    python bench/pipeline.py latency --rate N
    python bench/pipeline.py cluster      # f. the three-node cluster against the single broker

a. extraction in process, articles/s: the pipeline's limit (the batch path, STREAMS_BATCH_SIZE);
   beside it, NER-only (tokenizer + ner, same texts and batches): extraction / NER-only CPU
   (target <= 1.25, bench/ner_floor.py);
b. the full pipeline (`streams loadtest`), 1 worker, flat out: ratio to a (target >= 0.85);
c. 2 workers: ratio to b (the broker and both workers share the machine's cores);
d. raw produce and consume of the same documents: the transport's limit; the replay producer
   must reach >= 0.5 of the raw produce rate;
e. latency at half of b's throughput: p99 < 1 s;
f. what replication costs: b and e, 1 worker, on the three-node cluster of `ops/cluster` (3
   copies, min.insync.replicas 2, the worker on host w1) and on the single broker (1 copy), one
   after the other; cluster / single. The latency is taken at half of the slower side's
   throughput. `all` runs f where the cluster can be made (root, iproute2), else says why not. A
   cluster that was up is used and left up; else it is brought up and taken down after. The
   CLUSTER_* variables pass through to ops/cluster (a second cluster: CLUSTER_PREFIX, CLUSTER_NET).

The corpus defaults to ../shared/eval/articles_geovirus.jsonl when it is there (read, never
copied), sent in enough copies (fresh ids) for MIN_ARTICLES articles, else seeds/ 100 times.
The machine is shared: `all` measures a three times, around b and c, and uses the median.
Results go to var/bench/<timestamp>/bench.json.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson  # noqa: E402
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition  # noqa: E402
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # noqa: E402

from bench.ner_floor import cost_ratio, floor_rows, median_ratio, ner_only, timed  # noqa: E402
from streams.loadtest.runner import LoadConfig, run  # noqa: E402
from streams.loadtest.stats import format_table  # noqa: E402
from streams.loadtest.workers import cluster, ensure_broker, why_no_cluster  # noqa: E402
from streams.settings import Settings  # noqa: E402
from streams.tools.corpus import read_articles  # noqa: E402
from streams.tools.replay import LINGER_MS, copies, replay  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "eval" / "articles_geovirus.jsonl"
# messages per transport run: at tens of thousands a second 5,000 lasted about 0.2 s, and runs
# of the same code gave replay / raw from 0.46 to 0.86; 20,000 last about a second
TRANSPORT_MESSAGES = 20_000
# A real corpus is sent in enough copies for the pipeline runs to last: over the 229 GeoVirus
# articles alone b lasts about 12 s, and the pipeline's fill (the first batch extracted before
# any article completes), its drain (the last batch's messages) and its warm-up took about 15 %
# off b; over 4 copies (about 45 s) b is the sustained rate that a measures.
MIN_ARTICLES = 900


def corpus_articles(corpus: str, repeat: int) -> list[dict]:
    return list(copies(list(read_articles(corpus)), repeat, fresh_ids=True))


def bench_extract(articles: list[dict], batch_size: int) -> dict:
    """a: extract_many over the corpus in batches, after loading the model; then NER-only over
    the same articles and batches, back to back, for extraction / NER-only CPU."""
    from streams.extraction.nlp import load_nlp
    from streams.extraction.pipeline import default_extractor, extract_many

    default_extractor()
    extract_many(articles[:2])
    seconds, cpu = timed(lambda: [extract_many(articles[i:i + batch_size])
                                  for i in range(0, len(articles), batch_size)])
    ner_seconds, ner_cpu = timed(ner_only(load_nlp(), articles, batch_size))
    return {"articles": len(articles), "seconds": seconds, "articles_per_s": len(articles) / seconds,
            "cpu_ms_per_article": 1000 * cpu / len(articles), "batch_size": batch_size,
            "cpu_s": cpu, "ner_seconds": ner_seconds, "ner_cpu_s": ner_cpu,
            "over_ner_cpu": cost_ratio(cpu, ner_cpu)}


def bench_pipeline(settings: Settings, corpus: str, repeat: int, workers: int, out: Path,
                   rate: float | None = None, duration: float | None = None,
                   worker_host: str | None = None) -> dict:
    """b, c, e, f: one `streams loadtest` run; the headline figures."""
    config = LoadConfig(corpus=corpus, repeat=repeat, workers=workers, rate=rate,
                        duration=duration, out=str(out), plot=True, worker_host=worker_host)
    report = asyncio.run(run(config, settings))
    s = report["summary"]
    return {"workers": workers, "batch_size": settings.batch_size, "rate": rate,
            "bootstrap": settings.bootstrap, "replication_factor": settings.replication_factor,
            "min_insync_replicas": settings.min_insync_replicas, "worker_host": worker_host,
            "articles": s["articles_completed"], "articles_per_s": s["articles_per_s"],
            "events_per_s": s["events_per_s"], "latency_s": s["latency_s"],
            "lag_max": report["lag"]["max"], "processes": report["processes"],
            "worker_cpu_ms_per_article": s.get("worker_cpu_ms_per_article"),
            "finished": s["finished"], "report": report["report"], "plot": report.get("plot")}


async def bench_transport(settings: Settings, articles: list[dict], rounds: int = 3) -> dict:
    """d: raw aiokafka produce (pre-serialised values) and consume, vs `replay()`; medians."""
    articles = list(copies(articles, TRANSPORT_MESSAGES // len(articles) + 1,
                           fresh_ids=True))[:TRANSPORT_MESSAGES]
    values = [orjson.dumps(a) for a in articles]
    run_id = uuid.uuid4().hex[:8]
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **settings.security)
    await admin.start()
    topics: list[str] = []
    compressions: list[str | None] = [None, "gzip"]
    from aiokafka.codec import has_lz4

    if has_lz4():  # aiokafka's lz4 needs the `cramjam` package (not a dependency)
        compressions.append("lz4")
    figures: dict[str, list[float]] = {}

    async def new_topic(name: str) -> str:
        topic = f"bench-{run_id}-{name}"
        await admin.create_topics([NewTopic(topic, settings.partitions, 1)])
        topics.append(topic)
        return topic

    try:
        # Every topic first, each with one message in: leaders elected before any clock starts.
        plan = [(round_, kind, compression) for round_ in range(rounds)
                for kind in ("raw", "replay") for compression in compressions]
        for round_, kind, compression in plan:
            await new_topic(f"{kind}-{compression or 'none'}-{round_}-articles")
        await raw_produce(settings, topics, [b"{}"], None)
        for round_, kind, compression in plan:
            label = compression or "none"
            topic = f"bench-{run_id}-{kind}-{label}-{round_}-articles"
            if kind == "raw":
                figures.setdefault(f"raw_produce_{label}", []).append(
                    await raw_produce(settings, [topic], values, compression))
                if compression is None:
                    figures.setdefault("raw_consume", []).append(
                        await raw_consume(settings, topic, len(values) + 1))
            else:
                prefixed = replace(settings, topic_prefix=topic.removesuffix("articles"))
                report = await replay(articles, prefixed, compression=compression)
                figures.setdefault(f"replay_{label}", []).append(report.rate)
    finally:
        await admin.delete_topics(topics)
        await admin.close()
    result = {name: statistics.median(rates) for name, rates in figures.items()}
    result["messages"] = len(values)
    result["bytes_per_message"] = sum(map(len, values)) / len(values)
    return result


async def raw_produce(settings: Settings, topics: list[str], values: list[bytes],
                      compression: str | None) -> float:
    """Send every value to every topic as fast as aiokafka takes them; messages/s."""
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap, linger_ms=LINGER_MS,
                                compression_type=compression, max_batch_size=256 * 1024,
                                **settings.security)
    await producer.start()
    try:
        started = time.perf_counter()
        futures = [await producer.send(topic, value, key=str(i).encode())
                   for topic in topics for i, value in enumerate(values)]
        await producer.flush()
        await asyncio.gather(*futures)
        return len(futures) / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def raw_consume(settings: Settings, topic: str, expected: int) -> float:
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap, enable_auto_commit=False,
                                auto_offset_reset="earliest", **settings.security)
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, p) for p in range(settings.partitions)])
        count, started = 0, time.perf_counter()
        while count < expected:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                count += len(records)
        return count / (time.perf_counter() - started)
    finally:
        await consumer.stop()


def bench_replication(settings: Settings, corpus: str, repeat: int, out: Path,
                      latency_duration: float) -> dict:
    """f: single broker (1 copy) and three-node cluster (3 copies, 2 in sync), 1 worker each:
    flat out, then at half of the slower side's throughput."""
    single = replace(settings, replication_factor=1, min_insync_replicas=1)
    with cluster() as bootstrap:
        replicated = replace(settings, bootstrap=bootstrap, replication_factor=3,
                             min_insync_replicas=2)
        sides = {"single": (single, None), "cluster": (replicated, "w1")}
        flat = {name: bench_pipeline(s, corpus, repeat, 1, out, worker_host=host)
                for name, (s, host) in sides.items()}
        rate = min(f["articles_per_s"] or 0 for f in flat.values()) / 2
        paced = {name: bench_pipeline(s, corpus, repeat, 1, out, rate=rate,
                                      duration=latency_duration, worker_host=host)
                 for name, (s, host) in sides.items()} if rate else {}
    p99 = {name: f["latency_s"]["p99"] for name, f in paced.items()}
    return {"flat_out": flat, "latency": paced, "rate": rate, "bootstrap": bootstrap,
            "ratios": {"throughput_cluster_over_single": ratio(
                           flat["cluster"]["articles_per_s"], flat["single"]["articles_per_s"]),
                       "p99_cluster_over_single": ratio(p99.get("cluster"), p99.get("single"))}}


def replication_rows(f: dict) -> list[tuple[str, object]]:
    flat, paced, ratios = f["flat_out"], f["latency"], f["ratios"]

    def p99(side: dict) -> str:
        value = side.get("latency_s", {}).get("p99")
        return "-" if value is None else f"{value:.3f}"

    return [
        ("f. replication, 1 worker: single broker (1 copy) / cluster (3, min.insync 2)", ""),
        ("   flat out (articles/s)", f"{flat['single']['articles_per_s'] or 0:.2f} / "
                                     f"{flat['cluster']['articles_per_s'] or 0:.2f}"),
        ("   cluster / single, throughput", ratios["throughput_cluster_over_single"]),
        (f"   latency p99 at {f['rate']:.2f} articles/s (s)",
         f"{p99(paced.get('single', {}))} / {p99(paced.get('cluster', {}))}"),
        ("   cluster / single, p99", ratios["p99_cluster_over_single"]),
    ]


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def print_rows(title: str, rows: list[tuple[str, object]]) -> None:
    print(f"\n{title}\n{format_table(rows)}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["all", "extract", "pipeline", "transport", "latency",
                                         "cluster"])
    parser.add_argument("--corpus", default=str(REAL) if REAL.exists() else str(ROOT / "seeds"))
    parser.add_argument("--repeat", type=int, default=None,
                        help=f"copies of the corpus (default: enough for {MIN_ARTICLES} articles "
                             "for a real corpus, 100 for seeds)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=None)
    parser.add_argument("--rate", type=float, default=None, help="for `latency` (articles/s)")
    parser.add_argument("--latency-duration", type=float, default=30.0)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    corpus_size = len(list(read_articles(args.corpus)))
    repeat = args.repeat or (math.ceil(MIN_ARTICLES / corpus_size) if corpus_size > 20 else 100)
    articles = corpus_articles(args.corpus, repeat)
    out = ROOT / "var" / "bench" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out.mkdir(parents=True, exist_ok=True)
    ensure_broker(settings.bootstrap)
    results: dict = {"corpus": Path(args.corpus).name, "articles": len(articles),
                     "batch_size": settings.batch_size}
    print(f"corpus {Path(args.corpus).name}: {len(articles)} articles; results in {out}")

    if args.what == "extract":
        results["extract"] = bench_extract(articles, settings.batch_size)
        print_rows("a. extraction in process", [
            ("articles/s", results["extract"]["articles_per_s"]),
            ("CPU per article (ms)", results["extract"]["cpu_ms_per_article"]),
            *floor_rows([results["extract"]])])
    elif args.what == "pipeline":
        results["pipeline"] = []
        for batch_size in args.batch_sizes or [settings.batch_size]:
            for workers in args.workers:
                figures = bench_pipeline(replace(settings, batch_size=batch_size), args.corpus,
                                         repeat, workers, out)
                results["pipeline"].append(figures)
                print_rows(f"pipeline, {workers} worker(s), batch {batch_size}", [
                    ("articles/s", figures["articles_per_s"]),
                    ("worker CPU per article (ms)", figures["worker_cpu_ms_per_article"]),
                    ("latency p50/p99 (s)",
                     f"{figures['latency_s']['p50']:.3f} / {figures['latency_s']['p99']:.3f}")])
    elif args.what == "transport":
        results["transport"] = asyncio.run(bench_transport(settings, articles))
        print_rows("d. transport (messages/s, medians of 3)", list(results["transport"].items()))
    elif args.what == "latency":
        if not args.rate:
            parser.error("latency needs --rate (half of the pipeline's flat-out throughput)")
        results["latency"] = bench_pipeline(settings, args.corpus, repeat, 1, out, rate=args.rate,
                                            duration=args.latency_duration)
        print_rows("e. latency", list(results["latency"]["latency_s"].items()))
    elif args.what == "cluster":
        if reason := why_no_cluster():
            parser.error(reason)
        results["replication"] = bench_replication(settings, args.corpus, repeat, out,
                                                   args.latency_duration)
        print_rows("f. what replication costs (one run)", replication_rows(results["replication"]))
    else:
        results.update(bench_all(settings, args, repeat, articles, out))
    (out / "bench.json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    return 0


def bench_all(settings: Settings, args, repeat: int, articles: list[dict], out: Path) -> dict:
    extract_runs = [bench_extract(articles, settings.batch_size)]
    one = bench_pipeline(settings, args.corpus, repeat, 1, out)
    extract_runs.append(bench_extract(articles, settings.batch_size))
    two = bench_pipeline(settings, args.corpus, repeat, 2, out)
    extract_runs.append(bench_extract(articles, settings.batch_size))
    transport = asyncio.run(bench_transport(settings, articles))
    half = (one["articles_per_s"] or 0) / 2
    latency = bench_pipeline(settings, args.corpus, repeat, 1, out, rate=half,
                             duration=args.latency_duration)
    extract = statistics.median(r["articles_per_s"] for r in extract_runs)
    extract_cpu = statistics.median(r["cpu_ms_per_article"] for r in extract_runs)
    cpu_ratio = ratio(extract_cpu, one["worker_cpu_ms_per_article"])
    replay_ratio = ratio(transport["replay_none"], transport["raw_produce_none"])
    p99 = latency["latency_s"]["p99"]
    rows = [
        ("a. extraction in process (articles/s, median of 3)", extract),
        ("   the 3 runs", " / ".join(f"{r['articles_per_s']:.2f}" for r in extract_runs)),
        *floor_rows(extract_runs),
        ("b. pipeline, 1 worker, flat out (articles/s)", one["articles_per_s"]),
        ("   b / a (target >= 0.85)", ratio(one["articles_per_s"], extract)),
        ("   CPU per article: a / b (ms)",
         f"{extract_cpu:.1f} / {one['worker_cpu_ms_per_article'] or 0:.1f} = {cpu_ratio or 0:.2f}"),
        ("   latency p50 / p99 flat out (s)",
         f"{one['latency_s']['p50']:.2f} / {one['latency_s']['p99']:.2f}"),
        ("c. pipeline, 2 workers (articles/s)", two["articles_per_s"]),
        ("   c / b", ratio(two["articles_per_s"], one["articles_per_s"])),
        ("d. raw produce, no compression (messages/s)", transport["raw_produce_none"]),
        ("   raw produce, gzip (messages/s)", transport["raw_produce_gzip"]),
        *[("   raw produce, lz4 (messages/s)", transport["raw_produce_lz4"])
          for _ in [0] if "raw_produce_lz4" in transport],
        ("   raw consume (messages/s)", transport["raw_consume"]),
        ("   replay producer (messages/s)", transport["replay_none"]),
        ("   replay / raw produce (target >= 0.5)", replay_ratio),
        ("e. latency at half of b (rate, articles/s)", half),
        ("   p50 / p95 / p99 (s) (target p99 < 1)", " / ".join(
            f"{latency['latency_s'][k]:.3f}" for k in ("p50", "p95", "p99"))),
    ]
    replication, skipped = None, why_no_cluster()
    if not skipped:
        try:
            replication = bench_replication(settings, args.corpus, repeat, out,
                                            args.latency_duration)
            rows += replication_rows(replication)
        except RuntimeError as error:  # no cluster could be made, or a worker failed on it
            skipped = str(error).splitlines()[0]
    print_rows("pipeline benchmarks (one run)", rows)
    if skipped:
        print(f"f. replication not measured: {skipped}")
    return {"replication": replication, "replication_skipped": skipped,
            "extract_runs": extract_runs, "extract_median": extract, "pipeline_1": one,
            "pipeline_2": two, "transport": transport, "latency": latency,
            "ratios": {"b_over_a": ratio(one["articles_per_s"], extract),
                       "extract_over_ner_cpu": median_ratio(
                           [(r["cpu_s"], r["ner_cpu_s"]) for r in extract_runs]),
                       "b_over_a_cpu": cpu_ratio,
                       "c_over_b": ratio(two["articles_per_s"], one["articles_per_s"]),
                       "replay_over_raw": replay_ratio},
            "targets": {"b_over_a_ge_0.85": (ratio(one["articles_per_s"], extract) or 0) >= 0.85,
                        "replay_over_raw_ge_0.5": (replay_ratio or 0) >= 0.5,
                        "latency_p99_lt_1s": p99 is not None and p99 < 1.0}}


if __name__ == "__main__":
    sys.exit(main())
