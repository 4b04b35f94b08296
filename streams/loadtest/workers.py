"""`streams worker` subprocesses for a load test: own settings, own log, stopped by their pid;
on this machine or on a worker host of `ops/cluster`. And the broker or cluster they use."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
OPS_CLUSTER = ROOT / "ops" / "cluster"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes `streams worker` use these settings."""
    return {**os.environ, **settings.to_env()}


class WorkerProcess:
    """One worker. Each gets its own web port (for /health) and its own table state folder. With
    `host` (w1, w2) it runs on that worker host of `ops/cluster` and serves on its address."""

    def __init__(self, settings: Settings, index: int, run_dir: Path, host: str | None = None):
        self.name = f"worker-{index}"
        self.host = host
        self.settings = replace(settings, web_port=free_port(),
                                web_host=ops_cluster("address", host) if host else settings.web_host,
                                # absolute: the worker runs in the project's folder
                                data_dir=str(run_dir.resolve() / f"{self.name}-state"))
        self.log_path = run_dir / f"{self.name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def command(self) -> list[str]:
        """`streams worker`; on a host through `ops/cluster exec`, which execs it (`ip netns
        exec`): the pid is still the worker's own."""
        on_host = [str(OPS_CLUSTER), "exec", self.host, "--"] if self.host else []
        return [*on_host, sys.executable, "-m", "streams.cli", "worker", "-l", "info"]

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=settings_env(self.settings), stdout=log,
                stderr=subprocess.STDOUT)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.settings.web_url}/health/live", timeout=1) as answer:
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
    """Use the broker that answers, or start the project's own (`ops/kafka start`) on the port
    `bootstrap` names, so a run aimed at a broker of its own never starts one on the default
    port."""
    if broker_answers(bootstrap):
        return
    started = subprocess.run([str(ROOT / "ops" / "kafka"), "start"], capture_output=True,
                             text=True, env=kafka_ports_env(bootstrap))
    if started.returncode != 0 or not broker_answers(bootstrap):
        raise RuntimeError(f"no Kafka broker at {bootstrap} and `ops/kafka start` failed:\n"
                           f"{started.stdout}{started.stderr}")


def kafka_ports_env(bootstrap: str) -> dict[str, str]:
    """The environment for `ops/kafka`: KAFKA_PORT from the first bootstrap address and, unless
    set, the controller on the next port (ops/kafka's own defaults are 9092 and 9093)."""
    port = int(bootstrap.split(",")[0].rpartition(":")[2])
    env = {**os.environ, "KAFKA_PORT": str(port)}
    env.setdefault("KAFKA_CONTROLLER_PORT", str(port + 1))
    return env


def broker_pid() -> int | None:
    """The pid of the broker `ops/kafka` runs, if it is this checkout's (for CPU/RSS samples)."""
    try:
        pid = int((ROOT / "var" / "kafka" / "kafka.pid").read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def ops_cluster(*args: str, timeout: float = 240.0) -> str:
    """`ops/cluster ARGS`, its output. Its CLUSTER_* variables pass through from this
    environment, so a second cluster (CLUSTER_PREFIX, CLUSTER_NET) works as the default does."""
    done = subprocess.run([str(OPS_CLUSTER), *args], capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"ops/cluster {' '.join(args)} failed ({done.returncode}):\n"
                           f"{done.stdout}{done.stderr}")
    return done.stdout.strip()


def why_no_cluster() -> str | None:
    """Why `ops/cluster` cannot run here, or None."""
    if os.geteuid() != 0:
        return "ops/cluster needs root to create network namespaces"
    if shutil.which("ip") is None:
        return "ops/cluster needs iproute2 (the ip command)"
    return None


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """The bootstrap list of the `ops/cluster` cluster: the one that is up (left up), or one
    brought up here and taken down after. A cluster with a node down is someone else's test in
    progress: refused, never restarted (`ops/cluster up` would start it afresh)."""
    status = subprocess.run([str(OPS_CLUSTER), "status"], capture_output=True, text=True,
                            timeout=60)
    was_up = status.returncode == 0
    if not was_up and status.stdout.strip() != "cluster not up":
        raise RuntimeError(f"the cluster is up with a node down (in use?); not touching it:\n"
                           f"{status.stdout}{status.stderr}")
    if not was_up:
        ops_cluster("up")
    try:
        yield ops_cluster("bootstrap")
    finally:
        if not was_up:
            ops_cluster("down")
