"""The pipeline on a three-node cluster, with workers on hosts of their own, through failures.

One app runs for the whole module: topics with three replicas and two in sync, a worker on host
w1 and one on w2. Each test sends more copies of a short article (fresh ids) while it breaks
something, then checks that every worker's cluster-wide /actors/top and /locations/top equal
the extractor's counts for every copy sent so far, run offline: nothing lost, nothing counted
twice, and both workers give the one answer of the cluster.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from failure_figures import report
from probes import (
    articles_without_mentions,
    count_trace,
    differences,
    expected_counts,
    group_of,
    mentions_on_topic,
    metrics,
    read_all,
    send_errors,
    served_counts,
    settled,
    stale_count_writes,
    wait_until,
)

from streams.contract.topics import ARTICLES, DEAD_LETTERS, ENTITIES
from streams.http import metrics as m
from streams.tools.replay import replay

# 2,000 articles through a failover take minutes on a 2-core machine: beyond the 300 s default
pytestmark = [pytest.mark.integration, pytest.mark.cluster, pytest.mark.timeout(600)]

NODE_OF_ID = {1: "k1", 2: "k2", 3: "k3"}
FAILOVER_ARTICLES = 2000
# One sentence, three mentions, one event: what the counting costs per article is what bounds
# these tests on a small machine, and thousands of articles go through them.
BODY = "Syrian forces attacked rebels in Aleppo."


STEADY_RATE = 6.0  # articles per second: below what two workers here process, so lag stays short


def articles(deployment, name: str, count: int | None = None, until: threading.Event | None = None):
    """Copies of the short article with fresh ids: `count` of them, or as many as are taken
    before `until` is set."""
    prefix = deployment.settings.topic_prefix
    n = 0
    while (count is None or n < count) and not (until and until.is_set()):
        yield {"id": f"{prefix}{name}-{n}", "title": "", "body": BODY}
        n += 1


class Replay:
    """A replay in a thread: `Replay(deployment, batch, rate)`, then `finish()`."""

    def __init__(self, deployment, batch, rate: float):
        self.deployment = deployment
        self.reports: list = []
        self.thread = threading.Thread(target=lambda: self.reports.append(
            asyncio.run(replay(batch, deployment.settings, rate=rate))))
        self.thread.start()

    def finish(self, expected: int | None = None) -> float:
        """Wait for the replay to end with every article acknowledged, then for the group to
        have processed everything; returns the seconds from the last send to a lag of zero."""
        self.thread.join(timeout=240)
        assert self.reports, "the replay did not finish"
        report = self.reports[0]
        assert report.errors == 0 and report.sent == (expected if expected else report.sent)
        assert report.sent > 0
        self.deployment.sent += report.sent
        sent_at = time.monotonic()
        settled(self.deployment.settings, timeout=300)
        return time.monotonic() - sent_at


@pytest.fixture
def fresh(deployment):
    """The deployment with the counts it serves now as this test's starting point, so a test
    checks exactly what it adds, whatever an earlier one left."""
    settled(deployment.settings, timeout=300)
    first = next(iter(deployment.workers.values())).settings
    # in a tuple: no counts yet is an answer too; a worker still loading its model may time out
    deployment.before, = wait_until(lambda: (served_counts(first),), "the counts served before")
    deployment.sent = 0
    return deployment


def plus(before: dict, added: dict) -> dict:
    keys = before.keys() | added.keys()
    zero = {"mentions": 0, "articles": 0}
    return {key: {field: before.get(key, zero)[field] + added.get(key, zero)[field]
                  for field in zero} for key in keys}


def assert_exact_everywhere(deployment) -> None:
    """Every worker answers the cluster's counts: those from before the test plus those of
    every copy it sent, exactly."""
    first = next(iter(deployment.workers.values())).settings
    added = expected_counts({"id": "", "title": "", "body": BODY}, deployment.sent)
    assert added, "the article yields no counts: the check would be empty"
    expected = plus(deployment.before, added)
    try:
        wait_until(lambda: served_counts(first) == expected,
                   f"the counts of {deployment.sent} more copies", timeout=60, interval=0.5)
    except AssertionError:
        pass  # the comparison below says what differs
    for host, worker in deployment.workers.items():
        assert worker.alive, f"the worker on {host} exited:\n{worker.log_tail()}"
        differ = differences(expected, served_counts(worker.settings))
        if differ:
            explain_shortfall(deployment, differ)
        assert differ == {}, host


def explain_shortfall(deployment, differ: dict) -> None:
    """Reports, for counts that differ, how many of their mentions reached `entities` (a loss
    before the count stage or in it) and the send errors the workers logged."""
    prefix = deployment.settings.topic_prefix
    on_topic = mentions_on_topic(deployment.settings, prefix)
    logs = next(iter(deployment.workers.values())).log_path.parent
    for key, (expected, served) in sorted(differ.items()):
        trace = logs / f"trace-{key[0]}-{key[1]}.txt"
        count_trace(deployment.settings, *key, trace)
        report(f"count differs for {key}: expected {expected}, served {served}, "
               f"{on_topic.get(key, 0)} distinct mentions of this run's articles on entities; "
               f"traced in {trace}, worker logs beside it")
    for partition, missing in articles_without_mentions(deployment.settings, prefix).items():
        report(f"articles partition {partition}: {missing}")
    for host, worker in deployment.workers.items():
        report(f"send errors logged on {host}: {send_errors(worker.log_path.read_text(errors='replace'))}")


async def described(settings, names=None) -> list[dict]:
    """The broker's description of topics `names` (every topic when None): leaders, ISRs."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **settings.security)
    await admin.start()
    try:
        return await admin.describe_topics(names if names is not None else await admin.list_topics())
    finally:
        await admin.close()


async def partition_leaders(settings, names=(ARTICLES, ENTITIES)) -> Counter:
    """How many partitions of `names` each node leads."""
    topics = await described(settings, [settings.topic(name) for name in names])
    return Counter(NODE_OF_ID[p["leader"]] for topic in topics for p in topic["partitions"])


async def under_replicated(settings) -> int:
    """Partitions of every topic of the cluster whose in-sync set lacks a replica."""
    return sum(len(p["isr"]) < len(p["replicas"]) for topic in await described(settings)
               for p in topic["partitions"])


def fully_replicated(deployment, what: str) -> None:
    wait_until(lambda: asyncio.run(under_replicated(deployment.settings)) == 0,
               f"every partition fully in sync ({what})", timeout=120, interval=1.0)


def another_controller(cluster, old: str) -> str | None:
    try:
        now = cluster.controller()
    except RuntimeError:  # no quorum answers yet
        return None
    return now if now != old else None


def test_a_killed_partition_leader_loses_and_repeats_nothing(cluster, fresh):
    """kill -9 of the node leading most `articles` and `entities` partitions, in the middle of a
    replay of 2,000 articles; it stays down until the counts are checked."""
    deployment = fresh
    settings = deployment.settings
    wait_until(lambda: group_of(settings, 2), "both workers sharing every partition")
    leaders = asyncio.run(partition_leaders(settings))
    victim, led = leaders.most_common(1)[0]
    # 40 a second: the sending spans the kill and the failover (about 50 s)
    sending = Replay(deployment, articles(deployment, "failover", FAILOVER_ARTICLES), rate=40.0)
    wait_until(lambda: sum(m.total(metrics(w.settings), m.ARTICLES_PROCESSED)
                           for w in deployment.workers.values()) >= 100,
               "the workers processing the replay")
    assert sending.thread.is_alive(), "the replay ended before the kill"
    killed = cluster.kill(victim)
    report(f"leader killed: {killed}; it led {led} of the {sum(leaders.values())} articles and "
           f"entities partitions")
    try:
        caught_up = sending.finish(FAILOVER_ARTICLES)
        assert asyncio.run(partition_leaders(settings))[victim] == 0
        assert_exact_everywhere(deployment)
        assert asyncio.run(read_all(settings, DEAD_LETTERS)) == []
        report(f"leader killed: {deployment.sent} more articles counted exactly "
               f"{caught_up:.1f}s after the last send, with {victim} down, none dead-lettered; "
               f"{stale_count_writes(settings)} stale count writes in the changelogs, ignored")
    finally:
        cluster.start(victim)
    fully_replicated(deployment, f"{victim} back")


def test_a_rolling_restart_of_every_node_under_load(cluster, fresh):
    """Each node stopped and started in turn while a steady replay runs; the next waits until
    every partition is fully in sync again, as an operator does."""
    deployment = fresh
    done = threading.Event()
    sending = Replay(deployment, articles(deployment, "rolling", until=done), rate=STEADY_RATE)
    started = time.monotonic()
    try:
        for node in ("k1", "k2", "k3"):
            cluster.stop(node)
            cluster.start(node)
            fully_replicated(deployment, f"{node} restarted")
    finally:
        done.set()
    rolled = time.monotonic() - started
    sending.finish()
    assert_exact_everywhere(deployment)
    report(f"rolling restart: 3 nodes in {rolled:.0f}s under a steady replay; "
           f"{deployment.sent} articles counted exactly; "
           f"{stale_count_writes(deployment.settings)} stale count writes in the changelogs, ignored")


def test_an_isolated_worker_host_hands_over_and_comes_back(cluster, fresh):
    """w2 cut off from the network for longer than the session timeout: w1 takes every
    partition; once w2 is back the group shares them again and the counts are exact."""
    deployment = fresh
    settings = deployment.settings
    done = threading.Event()
    sending = Replay(deployment, articles(deployment, "isolated", until=done), rate=STEADY_RATE)
    wait_until(lambda: m.total(metrics(deployment.workers["w1"].settings),
                               m.ARTICLES_PROCESSED) >= 100, "w1 processing")
    cut = time.monotonic()
    cluster.isolate("w2")
    try:
        wait_until(lambda: group_of(settings, 1), "w1 alone holding every partition",
                   timeout=90)
        takeover = time.monotonic() - cut
        time.sleep(max(0.0, settings.session_timeout + 5 - takeover))
    finally:
        cluster.heal("w2")
    healed = time.monotonic()
    try:
        wait_until(lambda: group_of(settings, 2), "w2 back in the group", timeout=120)
    finally:
        done.set()
    rejoined = time.monotonic() - healed
    sending.finish()
    assert_exact_everywhere(deployment)
    report(f"host isolated: w1 held every partition {takeover:.1f}s after w2 was cut off "
          f"(session timeout {settings.session_timeout:.0f}s); w2 back in the group "
          f"{rejoined:.1f}s after the heal; {stale_count_writes(settings)} stale count writes in the "
          f"changelogs, ignored")


def test_the_quorum_elects_a_new_controller_and_the_pipeline_goes_on(cluster, fresh):
    """kill -9 of the node leading the controller quorum: another is elected and articles
    sent afterwards are counted exactly."""
    deployment = fresh
    leader = cluster.controller()
    cut = time.monotonic()
    cluster.kill(leader)
    try:
        successor = wait_until(lambda: another_controller(cluster, leader),
                               "a new controller leader", timeout=60)
        elected = time.monotonic() - cut
        Replay(deployment, articles(deployment, "quorum", 200), rate=100.0).finish(200)
        assert_exact_everywhere(deployment)
        report(f"quorum leader killed: {successor} leads the quorum {elected:.1f}s after {leader} "
               f"died; {deployment.sent} articles counted exactly")
    finally:
        cluster.start(leader)
    fully_replicated(deployment, f"{leader} back")
