"""A short `streams loadtest` on the real broker: the seed 20 times, one worker.

Only figures that must hold exactly are asserted; timings are not (the machine is shared).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def loadtest(kafka_bootstrap, tmp_path_factory):
    out = tmp_path_factory.mktemp("loadtest")
    done = subprocess.run(
        [sys.executable, "-m", "streams.cli", "loadtest", "--corpus", "seeds", "--repeat", "20",
         "--fresh-ids", "--workers", "1", "--out", str(out), "--timeout", "120", "--quiet"],
        cwd=ROOT, env={**os.environ, "KAFKA_BOOTSTRAP": kafka_bootstrap},
        capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    [report_path] = out.glob("*/report.json")
    return json.loads(report_path.read_text()), report_path.parent, done.stdout


def test_every_article_sent_is_complete(loadtest):
    report, _, _ = loadtest
    summary = report["summary"]
    assert summary["articles_sent"] == summary["articles_completed"] == 20
    assert summary["articles_unfinished"] == summary["articles_dead_lettered"] == 0
    assert summary["send_errors"] == 0
    assert sum(report["series"]["sent"]) == sum(report["series"]["completed"]) == 20
    assert summary["events"] == sum(report["series"]["events"]) > 0


def test_latencies_are_positive_and_percentiles_ordered(loadtest):
    report, _, _ = loadtest
    latency = report["summary"]["latency_s"]
    assert len(report["latencies"]) == latency["count"] == 20
    assert all(value > 0 for value in report["latencies"])
    assert 0 < latency["min"] <= latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"]


def test_workers_were_sampled_and_stopped(loadtest):
    report, _, _ = loadtest
    assert report["samples"], "no per-second samples"
    assert "worker-1" in report["processes"]
    assert report["processes"]["worker-1"]["rss_mb_max"] > 0
    for pid in report["worker_pids"].values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_the_plot_is_a_png_and_the_table_is_printed(loadtest):
    _, run_dir, stdout = loadtest
    png = run_dir / "loadtest.png"
    assert png.read_bytes()[:8] == PNG_SIGNATURE
    assert "articles complete" in stdout and "latency p50 / p95 / p99" in stdout
