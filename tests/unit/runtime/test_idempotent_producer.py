"""The fenced idempotent producer: its settings win in and out of transactions (its version
fence is tested with the others in tests/unit/test_fence.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from faust.transport.drivers import aiokafka as faust_aiokafka

from streams.runtime import ordered_consumer
from streams.runtime.idempotent_producer import IdempotentProducer


def settings_extra(in_transaction: bool) -> dict:
    """What a producer of the class adds to aiokafka's arguments, for an app in that state."""
    producer = object.__new__(IdempotentProducer)
    producer.app = SimpleNamespace(in_transaction=in_transaction)
    return dict(producer._settings_extra())


def test_faust_alone_adds_idempotence_only_in_a_transaction():
    plain = object.__new__(faust_aiokafka.Producer)
    plain.app = SimpleNamespace(in_transaction=False)
    assert dict(plain._settings_extra()) == {}  # the gap this module fills


@pytest.mark.parametrize("in_transaction", [False, True])
def test_idempotence_and_acks_all_in_and_out_of_transactions(in_transaction):
    assert settings_extra(in_transaction) == {"acks": "all", "enable_idempotence": True}


def test_the_pipeline_transport_makes_this_producer():
    assert issubclass(ordered_consumer.OrderedTransport.Producer, IdempotentProducer)
