"""The load test's report: the JSON document (figures, per-second series, samples) and the table."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from streams.loadtest import stats
from streams.settings import Settings
from streams.tools.replay import ReplayReport, iso_utc


def build_report(config, settings: Settings, tracker: stats.Tracker, sent: ReplayReport,
                 samples: list[dict[str, Any]], t0: float, finished: bool,
                 workers) -> dict[str, Any]:
    """config: a LoadConfig; workers: the WorkerProcess list (names, pids, logs)."""
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
        used = [s["processes"][name]["cpu_seconds"] for s in samples if name in s["processes"]]
        processes[name] = {"cpu_percent_mean": sum(cpu) / len(cpu) if cpu else None,
                           "cpu_percent_max": max(cpu, default=None),
                           "cpu_seconds": used[-1] - used[0] if used else None,
                           "rss_mb_max": max(rss, default=None)}
    worker_cpu = [processes[w.name]["cpu_seconds"] for w in workers if w.name in processes]
    if worker_cpu and summary["articles_completed"]:
        # CPU the workers spent per article: comparable across runs on a busy machine.
        summary["worker_cpu_ms_per_article"] = (
            1000 * sum(c or 0 for c in worker_cpu) / summary["articles_completed"])
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
        "worker_pids": {w.name: w.pid for w in workers},
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
        ("worker CPU per article (ms)", s.get("worker_cpu_ms_per_article")),
    ]
    for name, proc in report["processes"].items():
        cpu, rss = proc["cpu_percent_mean"], proc["rss_mb_max"]
        rows.append((f"{name} CPU mean % / RSS max MB",
                     f"{'-' if cpu is None else f'{cpu:.0f}'} / {'-' if rss is None else f'{rss:.0f}'}"))
    rows += [("report", report.get("report")), ("plot", report.get("plot"))]
    return stats.format_table(rows)
