"""The load test's picture: rate, latency, lag and worker CPU over time (matplotlib, `bench` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot_report(report: dict[str, Any], path: Path, dpi: int = 80) -> Path:
    """Four stacked panels sharing the time axis (seconds since the first article was sent)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = report["series"]
    seconds = list(range(len(series["sent"])))
    fig, axes = plt.subplots(4, 1, figsize=(8, 8), sharex=True)
    rate, latency, lag, cpu = axes

    rate.plot(seconds, series["sent"], label="articles sent/s", color="tab:gray")
    rate.plot(seconds, series["completed"], label="articles complete/s", color="tab:blue")
    rate.plot(seconds, series["events"], label="events/s", color="tab:green", alpha=0.7)
    rate.set_ylabel("per second")
    rate.legend(loc="upper right", fontsize="small")

    plotted = False
    for key, color in (("latency_p50", "tab:blue"), ("latency_p95", "tab:orange"),
                       ("latency_p99", "tab:red")):
        points = [(t, v) for t, v in zip(seconds, series[key], strict=False) if v is not None]
        if points:
            latency.plot(*zip(*points, strict=True), ".-", label=key.replace("latency_", ""),
                         color=color, markersize=3)
            plotted = True
    latency.set_ylabel("latency (s)")
    if plotted:
        latency.legend(loc="upper right", fontsize="small")

    samples = report["samples"]
    times = [s["t"] for s in samples]
    lag.plot(times, [s["lag"] for s in samples], color="tab:purple")
    lag.set_ylabel("lag (articles)")

    names = sorted({name for s in samples for name in s["processes"]})
    for name in names:
        points = [(s["t"], s["processes"][name]["cpu_percent"]) for s in samples
                  if name in s["processes"] and s["processes"][name]["cpu_percent"] is not None]
        if points:
            cpu.plot(*zip(*points, strict=True), label=name)
    cpu.set_ylabel("CPU %")
    cpu.set_xlabel("seconds since the first article was sent")
    if names:
        cpu.legend(loc="upper right", fontsize="small")

    config = report["config"]
    rate_text = f"{config['rate']:.1f} articles/s" if config["rate"] else "flat out"
    fig.suptitle(f"streams loadtest: {config['corpus_name']}, {config['workers']} worker(s), "
                 f"rate {rate_text}", fontsize="medium")
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
