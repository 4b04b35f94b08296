"""`/health/ready`: 200 only when every check passes, else 503 naming each failing one."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from aiokafka.errors import KafkaError

from streams.http.health import BrokerProbe, readiness


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Broker:
    """A metadata request that answers, fails or hangs, and counts its calls."""

    def __init__(self, behaviour: str = "answers"):
        self.behaviour, self.calls = behaviour, 0

    async def __call__(self):
        self.calls += 1
        if self.behaviour == "fails":
            raise KafkaError("Unable to get cluster metadata over all known brokers")
        if self.behaviour == "hangs":
            await asyncio.sleep(10)
        return "metadata"


def app(partitions: int = 4, rebalancing: bool = False, in_recovery: bool = False):
    assigned = {("articles", p) for p in range(partitions)}
    return SimpleNamespace(conf=SimpleNamespace(id="news"), rebalancing=rebalancing,
                           in_recovery=in_recovery,
                           consumer=SimpleNamespace(assignment=lambda: assigned))


def ready(app_, broker=None, model_loaded=True, recent_loaded=True):
    probe = BrokerProbe(broker or Broker(), clock=Clock())
    return asyncio.run(readiness(app_, probe, lambda: model_loaded, lambda: recent_loaded))


def test_ready_when_every_check_passes():
    status, body = ready(app())
    assert status == 200
    assert body == {"status": "ready", "app": "news",
                    "checks": {"broker": True, "model_loaded": True, "partitions_assigned": 4,
                               "rebalancing": False, "table_recovery": False,
                               "recent_loaded": True}}


def test_broker_unreachable():
    status, body = ready(app(), broker=Broker("fails"))
    assert status == 503
    assert body["checks"]["broker"] is False
    assert body["reason"] == ("broker unreachable (KafkaError: Unable to get cluster metadata "
                              "over all known brokers)")


def test_broker_that_does_not_answer_in_time():
    probe = BrokerProbe(Broker("hangs"), timeout=0.05, clock=Clock())
    status, body = asyncio.run(readiness(app(), probe, lambda: True))
    assert status == 503
    assert body["reason"] == "broker unreachable (no metadata answer within 0.05s)"


def test_model_not_loaded():
    status, body = ready(app(), model_loaded=False)
    assert (status, body["reason"]) == (503, "the extraction model is not loaded yet")


def test_no_partitions_assigned():
    status, body = ready(app(partitions=0))
    assert status == 503
    assert body["reason"] == "no partitions assigned: the worker has not joined its consumer group"


def test_a_consumer_not_started_counts_as_no_partitions():
    def not_started():
        raise RuntimeError("consumer not started")

    unstarted = app()
    unstarted.consumer = SimpleNamespace(assignment=not_started)
    status, body = ready(unstarted)
    assert (status, body["checks"]["partitions_assigned"]) == (503, 0)


def test_rebalancing():
    status, body = ready(app(rebalancing=True))
    assert (status, body["reason"]) == (503, "rebalancing: partitions are being reassigned")


def test_table_recovery():
    status, body = ready(app(in_recovery=True))
    assert status == 503
    assert body["reason"] == "table recovery: the tables are being restored from their changelogs"


def test_every_failing_check_is_named():
    status, body = ready(app(partitions=0, rebalancing=True), broker=Broker("fails"),
                         model_loaded=False)
    assert status == 503
    assert body["status"] == "not_ready"
    assert body["reason"].count("; ") == 3


def test_the_broker_answer_is_remembered_for_the_ttl_only():
    broker, clock = Broker(), Clock()
    probe = BrokerProbe(broker, ttl=1.5, clock=clock)

    async def scrape(times: int):
        return [await probe.error() for _ in range(times)]

    assert asyncio.run(scrape(5)) == [None] * 5
    assert broker.calls == 1
    broker.behaviour = "fails"
    clock.now += 1.0
    assert asyncio.run(probe.error()) is None  # still within the TTL
    clock.now += 1.0
    assert asyncio.run(probe.error()).startswith("KafkaError")
    assert broker.calls == 2


def test_recent_lists_not_read_yet():
    status, body = ready(app(), recent_loaded=False)
    assert (status, body["checks"]["recent_loaded"]) == (503, False)
    assert body["reason"] == "the recent events and alerts are being read from the topics' tail"
