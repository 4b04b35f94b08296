"""The logs under load and through a broker outage.

- A real worker with STREAMS_LOG_FORMAT=json at `-l info`: every line of its log is one JSON
  object, and a 200-article replay adds at most a handful of warnings (Faust's "producer buffer
  full" and friends are rate-limited, streams/logs/repeats.py). Short articles, so the test
  stays near a minute; 200 copies of the seed take about five on a loaded 2-core machine.
- `streams replay` through a stop of its broker (a private one, `second_broker`): a line when
  the broker goes, one when it is back, not aiokafka's thousands; the articles it could not send
  are named in a file, and `--only-ids` resends them, so the topic ends with every id.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import replace

import orjson
import pytest
from probes import SHORT_BODY, read_all, settled, wait_until
from worker_process import ROOT

from streams.contract.topics import ARTICLES
from streams.loadtest.workers import settings_env
from streams.tools.replay import read_ids, replay

pytestmark = pytest.mark.integration

REPLAYED = 200
MOST_WARNINGS = 5  # lines at WARNING or above the worker may log for those 200 articles
OUTAGE = 15.0  # seconds the broker is away (at least: starting it again takes its own time)
BIG_BODY = SHORT_BODY * 500
MOST_STDERR_LINES = 3  # the outage's first line, a reminder if it outlasts 60 s, its last line


def ready(settings) -> bool:
    try:
        with urllib.request.urlopen(f"{settings.web_url}/health/ready", timeout=5) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False


def log_entries(text: str) -> list[dict]:
    return [orjson.loads(line) for line in text.splitlines()]  # raises on a line that is not JSON


def test_a_replay_through_a_json_worker_logs_one_object_a_line_and_few_warnings(
        fresh_settings, new_worker):
    settings = fresh_settings("logs", log_format="json")
    worker = new_worker(settings, "logs")
    worker.start()
    wait_until(lambda: ready(settings), "/health/ready at 200", timeout=120, interval=0.5)
    before = len(worker.log_path.read_bytes())
    articles = [{"id": f"{settings.topic_prefix}logs-{n}", "title": "", "body": SHORT_BODY}
                for n in range(REPLAYED)]
    report = asyncio.run(replay(articles, settings))
    assert report.sent == REPLAYED and report.errors == 0
    settled(settings, timeout=240)
    time.sleep(2)  # the last commit's log lines

    every = log_entries(worker.log_path.read_text())
    assert every and all({"time", "level", "logger", "message"} <= set(e) for e in every)
    during = log_entries(worker.log_path.read_bytes()[before:].decode())
    warnings = [e for e in during if e["level"] in ("WARNING", "ERROR", "CRITICAL")]
    print(f"\n{len(every)} JSON lines in the worker's log; {len(during)} while {REPLAYED} "
          f"articles were processed, {len(warnings)} of them warnings:\n"
          + "\n".join(f"  {e['level']} {e['logger']}: {e['message'][:160]}" for e in warnings))
    assert len(warnings) <= MOST_WARNINGS


def test_a_replay_through_a_broker_outage_says_so_in_two_lines_and_resends_what_failed(
        second_broker, fresh_settings, tmp_path):
    settings = fresh_settings("outage", bootstrap=second_broker.bootstrap)
    corpus = tmp_path / "articles.jsonl"
    ids = [f"{settings.topic_prefix}outage-{n}" for n in range(REPLAYED)]
    # ~50 kB each: a partition's batch (256 kB) fills in a few, so sends wait on the outage and
    # some give up after --send-timeout; small ones would all wait in their batches.
    corpus.write_bytes(b"".join(orjson.dumps({"id": i, "title": "", "body": BIG_BODY}) + b"\n"
                                for i in ids))
    unsent = tmp_path / "unsent.txt"
    env = settings_env(replace(settings, log_format="text"))

    def streams_replay(*extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "replay", str(corpus), "--rate", "20",
             "--quiet", "--send-timeout", "3", *extra],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    started = time.monotonic()
    running = streams_replay("--unsent", str(unsent))
    time.sleep(3)  # a few dozen sent, most still to go at 20/s
    stopping = time.monotonic()
    second_broker.stop()
    time.sleep(max(0.0, OUTAGE - (time.monotonic() - stopping)))
    second_broker.start()
    back = time.monotonic()
    out, err = running.communicate(timeout=180)
    lines = err.splitlines()
    print(f"\nbroker away {back - stopping:.1f}s; replay took {time.monotonic() - started:.1f}s; "
          f"stdout: {out.strip()}\nstderr ({len(lines)} lines):\n{err}")

    assert running.returncode == 1
    not_sent = read_ids(unsent)
    assert 0 < len(not_sent) < REPLAYED and set(not_sent) <= set(ids)
    assert f"; {len(not_sent)} send errors (first: " in out
    assert f"the ids not sent are in {unsent}, to resend: streams replay {corpus} --only-ids" in out
    assert len(lines) <= MOST_STDERR_LINES
    assert "broker unreachable: " in lines[0]
    assert "broker answering again after" in lines[-1]

    resent = streams_replay("--only-ids", str(unsent))
    out, err = resent.communicate(timeout=120)
    assert resent.returncode == 0, err
    assert out.startswith(f"sent {len(not_sent)} articles to {settings.topic(ARTICLES)}")
    on_topic = {m["id"] for m in asyncio.run(read_all(settings, ARTICLES))}
    assert on_topic == set(ids)
