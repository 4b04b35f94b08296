"""The cluster tests' fixtures: three Kafka nodes from `ops/cluster`, each on a host of its own
(a network namespace), and two workers of one app on two more hosts.

`ops/cluster` needs root for the namespaces. Where it cannot run, a user's clone reports these
tests as skipped with one loud line; with STREAMS_REQUIRE_CLUSTER=1 (CI sets it) that fails.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from dataclasses import dataclass, field, replace

import pytest
from failure_figures import FIGURES
from worker_process import Worker, stream_settings

from streams.loadtest.workers import cluster as running_cluster
from streams.loadtest.workers import ops_cluster, why_no_cluster
from streams.settings import Settings
from streams.tools.admin import create_topics

REQUIRE_VARIABLE = "STREAMS_REQUIRE_CLUSTER"
WORKER_HOSTS = ("w1", "w2")
WEB_PORT = 6066  # each host has its own ports: the same one on every worker host


def cluster_required() -> bool:
    return os.environ.get(REQUIRE_VARIABLE, "").strip().lower() in ("1", "true", "yes")


class Cluster:
    """The running cluster, driven through `ops/cluster` as an operator would."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap

    def address(self, host: str) -> str:
        return ops_cluster("address", host)

    def controller(self) -> str:
        return ops_cluster("controller", timeout=60)

    def kill(self, node: str) -> str:
        return ops_cluster("kill", node)

    def stop(self, node: str) -> str:
        return ops_cluster("stop", node)

    def start(self, node: str) -> str:
        return ops_cluster("start", node)

    def isolate(self, host: str) -> str:
        return ops_cluster("isolate", host)

    def heal(self, host: str) -> str:
        return ops_cluster("heal", host)


@pytest.fixture(scope="module")  # down right after: three JVMs idling would slow the other tests
def cluster() -> Cluster:
    reason = why_no_cluster()
    if reason:
        if cluster_required():
            pytest.fail(f"{REQUIRE_VARIABLE} is set and {reason}", pytrace=False)
        pytest.skip(reason)
    started = time.monotonic()
    with running_cluster() as bootstrap:  # up if it was not, and down again after
        print(f"\ncluster {bootstrap} answering after {time.monotonic() - started:.0f}s")
        yield Cluster(bootstrap)


@dataclass
class Deployment:
    """One app on the cluster: its settings, a worker per host, how many articles the running
    test sent, and the counts served before it began (each test checks only what it adds)."""

    settings: Settings
    workers: dict[str, Worker]
    sent: int = 0
    before: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def deployment(cluster, tmp_path_factory) -> Deployment:
    """Topics with three replicas (two in sync) and a worker on each worker host."""
    tmp = tmp_path_factory.mktemp("cluster")
    # the workers serve on their hosts' addresses, beyond loopback: the API then needs a token
    settings = replace(stream_settings(cluster.bootstrap, tmp), replication_factor=3,
                       min_insync_replicas=2, web_token=secrets.token_urlsafe())
    asyncio.run(create_topics(settings))
    workers = {
        host: Worker(replace(settings, web_host=cluster.address(host), web_port=WEB_PORT,
                             data_dir=str(tmp / f"{host}-state")), tmp / f"{host}.log", host=host)
        for host in WORKER_HOSTS
    }
    for worker in workers.values():
        worker.start()
    yield Deployment(settings, workers)
    for worker in workers.values():
        worker.stop()


def pytest_terminal_summary(terminalreporter) -> None:
    """The figures of the failures, or one line nobody can miss when the tests were skipped."""
    for line in FIGURES:
        terminalreporter.write_line(f"cluster: {line}")
    skipped = [report for report in terminalreporter.stats.get("skipped", [])
               if "tests/integration/cluster/" in report.nodeid.replace("\\", "/")]
    if skipped:
        terminalreporter.write_line(
            f"CLUSTER NOT TESTED: {len(skipped)} cluster tests skipped: {why_no_cluster()}",
            yellow=True, bold=True)
