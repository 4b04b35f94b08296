"""Integration fixtures: the real broker, a unique topic set and consumer group, a real worker.

The broker is the one `ops/kafka` runs. It is started when it does not answer; when it cannot be
reached, the tests fail with a message that says so: they never skip into a green run.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from secured_broker import LATE_PASSWORD, LATE_USER, SecuredBroker, missing_tools, required
from worker_process import ROOT, Worker, stream_settings

from streams.loadtest.workers import broker_answers, free_port
from streams.settings import Settings
from streams.tools.admin import create_topics
from streams.tools.corpus import read_articles
from streams.tools.replay import replay
from streams.tools.results import collect


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    if not broker_answers(bootstrap):
        started = subprocess.run([str(ROOT / "ops" / "kafka"), "start"], capture_output=True,
                                 text=True)
        if started.returncode != 0 or not broker_answers(bootstrap):
            pytest.fail(
                f"Kafka broker at {bootstrap} cannot be reached and `ops/kafka start` failed:\n"
                f"{started.stdout}{started.stderr}", pytrace=False)
    return bootstrap


@pytest.fixture(scope="session")
def pipeline(kafka_bootstrap, tmp_path_factory):
    """Topics created explicitly and one worker running, for the whole session."""
    tmp = tmp_path_factory.mktemp("pipeline")
    settings = stream_settings(kafka_bootstrap, tmp)
    asyncio.run(create_topics(settings))
    worker = Worker(settings, tmp / "worker.log")
    worker.start()
    yield settings
    worker.stop()


@pytest.fixture(scope="session")
def seed_results(pipeline):
    """The seed article replayed once per session, and what the stream made of it.

    One replay shared by every module, so each count is that of one copy of the article: a
    module that replayed the seed again would double the counts the others assert.
    """
    articles = list(read_articles("seeds"))
    report = asyncio.run(replay(articles, pipeline))
    assert report.sent == 1
    results = asyncio.run(collect(pipeline, [a["id"] for a in articles], timeout=180))
    return articles[0], results


@pytest.fixture(scope="module")
def start_worker(fresh_settings, new_worker):
    """A factory for a module's own worker: `start_worker("name", alert_rules=..., ...)` makes
    fresh unique settings with those changes, creates the topics, starts a worker and returns
    the settings. The workers stop when the module is done."""

    def start(name: str, **changes) -> Settings:
        settings = fresh_settings(name, **changes)
        new_worker(settings, name).start()
        return settings

    return start


@pytest.fixture(scope="module")
def new_worker(kafka_bootstrap, tmp_path_factory):
    """A factory for workers a test starts, kills and restarts itself:
    `new_worker(settings, "name")` returns a Worker that is not started yet; with `other=True`
    it is another worker of the same app on this machine (its own web port and state folder).
    Topics are not created (use `fresh_settings`). Workers still running stop with the module."""
    workers: list[Worker] = []

    def make(settings: Settings, name: str, other: bool = False) -> Worker:
        log_dir = tmp_path_factory.mktemp(f"{name}-log")
        if other:
            settings = replace(settings, web_port=free_port(), data_dir=str(log_dir / "state"))
        worker = Worker(settings, log_dir / "worker.log")
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()


@pytest.fixture(scope="module")
def fresh_settings(kafka_bootstrap, tmp_path_factory):
    """A factory for unique settings with their topics created: `fresh_settings("name", **changes)`
    (`bootstrap=` may name another broker)."""

    def make(name: str, **changes) -> Settings:
        tmp = tmp_path_factory.mktemp(name)
        settings = replace(stream_settings(kafka_bootstrap, tmp), **changes)
        asyncio.run(create_topics(settings))
        return settings

    return make


class Broker:
    """A second, private `ops/kafka` broker on its own ports and data folder, for the tests that
    stop a broker: the shared one on 9092 is never touched."""

    def __init__(self, data_dir: Path):
        self.port = free_port()
        self.controller_port = free_port()
        while self.controller_port == self.port:
            self.controller_port = free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        self.env = {**os.environ, "KAFKA_PORT": str(self.port),
                    "KAFKA_CONTROLLER_PORT": str(self.controller_port),
                    "KAFKA_DATA_DIR": str(data_dir), "KAFKA_HEAP_OPTS": "-Xmx512m -Xms128m"}

    def run(self, command: str) -> str:
        done = subprocess.run([str(ROOT / "ops" / "kafka"), command], env=self.env,
                              capture_output=True, text=True, timeout=180)
        if done.returncode != 0:
            pytest.fail(f"ops/kafka {command} on port {self.port} failed:\n"
                        f"{done.stdout}{done.stderr}", pytrace=False)
        return done.stdout.strip()

    def start(self) -> str:
        return self.run("start")

    def stop(self) -> str:
        return self.run("stop")


@pytest.fixture(scope="module")
def second_broker(tmp_path_factory):
    """A private broker, started; stopped (and only it) when the module is done."""
    broker = Broker(tmp_path_factory.mktemp("kafka2") / "data")
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def secured_broker(tmp_path_factory):
    """A private `KAFKA_SECURITY=sasl_ssl ops/kafka` broker (TLS, SCRAM, ACLs enforced) for the
    session, stopped after. Without Java, keytool or openssl the tests that need it are skipped
    with the reason; with STREAMS_REQUIRE_SECURED_BROKER or STREAMS_REQUIRE_CLUSTER they fail."""
    reason = missing_tools()
    if reason:
        if required():
            pytest.fail(f"{required()} is set and {reason}", pytrace=False)
        pytest.skip(reason)
    broker = SecuredBroker(tmp_path_factory.mktemp("secured-broker"))
    broker.run("start")
    assert broker.run("add-user", LATE_USER, stdin=f"{LATE_PASSWORD}\n") == \
        f"SCRAM-SHA-512 user {LATE_USER} added"
    yield broker
    broker.run("stop")


def pytest_terminal_summary(terminalreporter) -> None:
    """One line nobody can miss at the end of a run that skipped the secured-broker tests."""
    skipped = [report for report in terminalreporter.stats.get("skipped", [])
               if "the secured broker needs" in str(report.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"SECURED BROKER NOT TESTED: {len(skipped)} tests skipped: {missing_tools()}",
            yellow=True, bold=True)
