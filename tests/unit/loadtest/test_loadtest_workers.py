"""Where the load test's workers run, and the cluster it brings up or leaves: `ops/cluster` is
replaced by a recorder, so no namespace, broker or worker is involved."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from streams.loadtest import workers
from streams.loadtest.workers import OPS_CLUSTER, WorkerProcess
from streams.settings import Settings


def test_a_worker_runs_here_by_default(tmp_path):
    worker = WorkerProcess(Settings(), 1, tmp_path)
    assert worker.command[:2] == [sys.executable, "-m"]
    assert worker.settings.web_host == "127.0.0.1"
    assert worker.settings.data_dir == str(tmp_path / "worker-1-state")


def test_a_relative_run_folder_is_made_absolute_for_the_worker(tmp_path, monkeypatch):
    # the worker runs in the project's folder, the load test wherever it was started
    monkeypatch.chdir(tmp_path)
    worker = WorkerProcess(Settings(), 1, Path("runs") / "r1")
    assert worker.settings.data_dir == str(tmp_path / "runs" / "r1" / "worker-1-state")


def test_a_worker_on_a_cluster_host_runs_through_ops_cluster_exec_and_serves_on_its_address(
        tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(workers, "ops_cluster", lambda *args: asked.append(args) or "10.0.0.21")
    worker = WorkerProcess(Settings(), 2, tmp_path, host="w1")
    assert asked == [("address", "w1")]
    assert worker.command[:4] == [str(OPS_CLUSTER), "exec", "w1", "--"]
    assert worker.command[4:] == WorkerProcess(Settings(), 1, tmp_path).command
    assert worker.settings.web_url.startswith("http://10.0.0.21:")
    assert worker.settings.data_dir == str(tmp_path / "worker-2-state")


class FakeCluster:
    """`ops/cluster status` answers `status`; every other command is recorded."""

    def __init__(self, monkeypatch, status: tuple[int, str]):
        self.calls: list[tuple[str, ...]] = []
        self.status = status
        monkeypatch.setattr(subprocess, "run", self.run)

    def run(self, command, **kwargs):
        args = tuple(command[1:])
        assert command[0] == str(OPS_CLUSTER)
        self.calls.append(args)
        returncode, stdout = self.status if args == ("status",) else (0, "")
        if args == ("bootstrap",):
            stdout = "10.0.0.11:9092,10.0.0.12:9092,10.0.0.13:9092\n"
        return SimpleNamespace(returncode=returncode, stdout=stdout, stderr="")


def test_a_cluster_that_was_not_up_is_brought_up_and_taken_down_after(monkeypatch):
    fake = FakeCluster(monkeypatch, (3, "cluster not up\n"))
    with workers.cluster() as bootstrap:
        assert bootstrap == "10.0.0.11:9092,10.0.0.12:9092,10.0.0.13:9092"
        assert fake.calls == [("status",), ("up",), ("bootstrap",)]
    assert fake.calls[-1] == ("down",)


def test_a_cluster_that_was_up_is_used_and_left_up(monkeypatch):
    fake = FakeCluster(monkeypatch, (0, "k1  node 1  running\n"))
    with workers.cluster():
        pass
    assert fake.calls == [("status",), ("bootstrap",)]


def test_a_cluster_taken_down_after_a_failed_measurement_too(monkeypatch):
    fake = FakeCluster(monkeypatch, (3, "cluster not up\n"))
    with pytest.raises(TimeoutError), workers.cluster():
        raise TimeoutError("the workers' consumer group did not settle")
    assert fake.calls[-1] == ("down",)


def test_a_cluster_with_a_node_down_is_someone_elses_and_left_alone(monkeypatch):
    fake = FakeCluster(monkeypatch, (3, "k1  node 1  stopped\nk2  node 2  running\n"))
    with pytest.raises(RuntimeError, match="node down"), workers.cluster():
        pass
    assert fake.calls == [("status",)]


def test_a_missing_broker_is_started_on_the_port_asked_for(monkeypatch):
    w = workers
    calls = []
    monkeypatch.delenv("KAFKA_CONTROLLER_PORT", raising=False)
    monkeypatch.setattr(w, "broker_answers", lambda bootstrap: bool(calls))
    monkeypatch.setattr(w.subprocess, "run", lambda args, **kw: calls.append((args, kw["env"]))
                        or SimpleNamespace(returncode=0, stdout="", stderr=""))
    w.ensure_broker("127.0.0.1:9292")
    (args, env), = calls
    assert args[-1] == "start"
    assert (env["KAFKA_PORT"], env["KAFKA_CONTROLLER_PORT"]) == ("9292", "9293")


def test_a_broker_that_answers_is_left_alone(monkeypatch):
    monkeypatch.setattr(workers, "broker_answers", lambda bootstrap: True)
    monkeypatch.setattr(workers.subprocess, "run", lambda *a, **kw: pytest.fail("ops/kafka was run"))
    workers.ensure_broker("127.0.0.1:9292")
