"""A `streams worker` in a subprocess, and settings unique to one test run: what the
integration fixtures (conftest.py) and the cluster tests start."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from streams.loadtest.workers import free_port, settings_env
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def stream_settings(bootstrap: str, tmp: Path) -> Settings:
    """Settings with topics, consumer group and state unique to this run."""
    run = uuid.uuid4().hex[:10]
    return replace(Settings(), bootstrap=bootstrap, app_id=f"it-{run}", topic_prefix=f"it-{run}-",
                   data_dir=str(tmp / "state"), web_port=free_port())


class Worker:
    """A `streams worker` subprocess with its own log file; with `host`, it runs on that host of
    `ops/cluster` (its network namespace), and the pid is still the worker's own."""

    def __init__(self, settings: Settings, log_path: Path, host: str | None = None,
                 env: dict[str, str] | None = None):
        self.settings = settings
        self.env = env or {}  # beyond the settings: e.g. KAFKA_SASL_* (not in Settings.to_env)
        self.log_path = log_path
        self.host = host
        self.process: subprocess.Popen | None = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 120.0) -> None:
        """Start it and return once it serves (`/health/live`); the tests wait for what they
        need beyond that (partitions assigned, lag zero) themselves."""
        with self.log_path.open("ab") as log:
            on_host = [str(ROOT / "ops" / "cluster"), "exec", self.host, "--"] if self.host else []
            self.process = subprocess.Popen(
                [*on_host, sys.executable, "-m", "streams.cli", "worker", "-l", "info"],
                cwd=ROOT, env={**settings_env(self.settings), **self.env}, stdout=log,
                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                urllib.request.urlopen(f"{self.settings.web_url}/health/live", timeout=1).read()
                return
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"the worker did not answer in {timeout:.0f}s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final commit, no flush (what a crash does)."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def log_lines(self, *levels: str, last: int = 20) -> list[str]:
        """The last lines of its log at these levels (e.g. "WARNING"): for a failure message."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [line for line in text.splitlines()
                if any(f"[{level}]" in line for level in levels)][-last:]

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
