"""`streams sink` as a subprocess the tests start, kill and wait for, and how many rows it wrote."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from worker_process import ROOT

from streams.loadtest.workers import settings_env
from streams.settings import Settings
from streams.sink.store import open_store


class SinkProcess:
    def __init__(self, settings: Settings, url: str, log_path: Path):
        self.env = {**settings_env(settings), "STREAMS_SINK_BATCH_SIZE": "100"}
        self.url = url
        self.log_path = log_path

    def start(self, *extra: str) -> subprocess.Popen:
        with self.log_path.open("ab") as log:
            return subprocess.Popen([sys.executable, "-m", "streams.cli", "sink", "--db", self.url,
                                     *extra], cwd=ROOT, env=self.env, stdout=log,
                                    stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text: str, process: subprocess.Popen, timeout: float = 45) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no {text!r} from the sink:\n{self.log()[-3000:]}")
            time.sleep(0.05)


def rows_now(url: str) -> int:
    with open_store(url) as store:
        return store.count("events") + store.count("entities")


def wait_for_rows(url: str, threshold: int, timeout: float = 30) -> None:
    """Until the PostgreSQL database holds `threshold` event and entity rows (one connection,
    polled as fast as it answers)."""
    deadline = time.monotonic() + timeout
    with open_store(url) as store:
        while store.count("events") + store.count("entities") < threshold:
            if time.monotonic() > deadline:
                pytest.fail(f"fewer than {threshold} rows after {timeout:.0f} s")
