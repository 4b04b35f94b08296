"""The fenced idempotent producer: its settings win in and out of transactions, and it refuses
any other Faust."""

from __future__ import annotations

import importlib
from importlib import metadata
from types import SimpleNamespace

import pytest
from faust.transport.drivers import aiokafka as faust_aiokafka

from streams import fence
from streams.runtime import idempotent_producer, ordered_consumer
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
    assert ordered_consumer.OrderedTransport.Producer is IdempotentProducer


@pytest.mark.parametrize("installed", ["0.15.4", "0.16.0"])
def test_any_other_faust_stops_with_one_line(monkeypatch, installed):
    monkeypatch.setattr(fence.metadata, "version", lambda name: installed)
    with pytest.raises(fence.UnsupportedVersion) as stopped:
        idempotent_producer.require_supported_faust()
    assert str(stopped.value) == (
        f"faust-streaming {installed} is installed, but streams.runtime.idempotent_producer "
        "overrides internals of faust-streaming 0.15.3: see docs/decisions/idempotent-producer.md")


def test_the_fence_runs_at_import(monkeypatch):
    monkeypatch.setattr(metadata, "version", lambda name: "0.16.0")
    with pytest.raises(SystemExit, match="faust-streaming 0.16.0 is installed"):
        importlib.reload(idempotent_producer)
