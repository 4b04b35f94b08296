"""`streams worker` subprocesses for a load test: own settings, own log, stopped by their pid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes `streams worker` use these settings."""
    return {**os.environ, **settings.to_env()}


class WorkerProcess:
    """One worker. Each gets its own web port (for /health) and its own table state folder."""

    def __init__(self, settings: Settings, index: int, run_dir: Path):
        self.name = f"worker-{index}"
        self.settings = replace(settings, web_port=free_port(),
                                data_dir=str(run_dir / f"{self.name}-state"))
        self.log_path = run_dir / f"{self.name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "streams.cli", "worker", "-l", "info"],
                cwd=ROOT, env=settings_env(self.settings), stdout=log, stderr=subprocess.STDOUT)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.settings.web_url}/health", timeout=1) as answer:
                answer.read()
            return True
        except OSError:
            return False

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}:\n{self.log_tail()}")
            if self.healthy():
                return
            time.sleep(0.3)
        raise TimeoutError(f"{self.name} did not answer in {timeout:.0f}s; see {self.log_path}")

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM this worker's own pid, SIGKILL it if it does not stop in time."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def broker_answers(bootstrap: str) -> bool:
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


def ensure_broker(bootstrap: str) -> None:
    """Use the broker that answers, or start the project's own (`ops/kafka start`)."""
    if broker_answers(bootstrap):
        return
    started = subprocess.run([str(ROOT / "ops" / "kafka"), "start"], capture_output=True,
                             text=True)
    if started.returncode != 0 or not broker_answers(bootstrap):
        raise RuntimeError(f"no Kafka broker at {bootstrap} and `ops/kafka start` failed:\n"
                           f"{started.stdout}{started.stderr}")


def broker_pid() -> int | None:
    """The pid of the broker `ops/kafka` runs, if it is this checkout's (for CPU/RSS samples)."""
    try:
        pid = int((ROOT / "var" / "kafka" / "kafka.pid").read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None
