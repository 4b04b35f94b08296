"""Checked topics, driven with mocks: a refused message is dead-lettered once and never thrown
into the agents (a regression test for the key 00 ff fe that stopped the worker)."""

import base64
from types import SimpleNamespace
from unittest.mock import AsyncMock, Mock

import faust
import pytest
from faust.exceptions import KeyDecodeError

from streams.contract.checked import CheckedSchema, CheckedTopic, Refusals, Refused
from streams.contract.inbound import reader
from streams.contract.models import Alert
from streams.contract.topics import declare_topics
from streams.http import metrics as m
from streams.settings import Settings


def message(key=b"k", value=b"{}", headers=(("h", b"\xff"),), offset=7):
    return SimpleNamespace(topic="p-alerts", partition=0, offset=offset, key=key, value=value,
                           headers=list(headers))


def refusals():
    dead_letters = Mock(send=AsyncMock())
    return Refusals(dead_letters, metrics=m.Metrics()), dead_letters


async def test_the_reader_refuses_and_the_conductor_gets_a_decode_error_with_the_reason():
    schema = CheckedSchema(reader("alerts"), key_type=str, value_type=Alert)
    app = Mock(create_event=lambda k, v, h, msg: (k, v))
    decode = schema.compile(app)
    with pytest.raises(Refused) as caught:
        await decode(message(key=b"\x00\xff\xfe"), propagate=True)
    assert caught.value.reason == "invalid_key"
    hook = AsyncMock()
    assert await schema.compile(app, on_value_decode_error=hook)(message(value=None)) is None
    assert hook.await_args.args[0].reason == "empty_message"


async def test_a_refused_message_is_dead_lettered_once_with_its_bytes_and_counted():
    sink, dead_letters = refusals()
    bad = message(key=b"\x00\xff\xfe", value=b"\xff")
    for _ in range(2):  # the conductor calls the hook of each agent reading the topic
        await sink.refuse(bad, "invalid_key", "the key is not UTF-8")
    dead_letters.send.assert_awaited_once()
    record = dead_letters.send.await_args.kwargs["value"]
    assert dead_letters.send.await_args.kwargs["key"] == "invalid_key"
    assert (base64.b64decode(record.key), base64.b64decode(record.original)) == (
        b"\x00\xff\xfe", b"\xff")
    assert (record.topic, record.offset, record.headers) == ("p-alerts", 7, [["h", "/w=="]])
    assert sink.metrics.value(m.MESSAGES_DEAD_LETTERED, topic="p-alerts", reason="invalid_key") == 1
    await sink.refuse(message(offset=8), "invalid_record", "x")
    assert dead_letters.send.await_count == 2


async def test_the_offsets_refused_are_remembered_for_the_count_stages_hole_check():
    sink, _ = refusals()
    for offset in (7, 8, 10):
        await sink.refuse(message(offset=offset), "invalid_record", "x")
    assert (sink.all_refused("p-alerts", 0, 7, 8), sink.all_refused("p-alerts", 0, 7, 10),
            sink.all_refused("p-alerts", 1, 7, 7)) == (True, False, False)


async def test_only_the_latest_refused_offsets_are_kept(monkeypatch):
    sink, _ = refusals()
    monkeypatch.setattr(Refusals, "KEPT", 2)
    for offset in (1, 2, 3):
        await sink.refuse(message(offset=offset), "invalid_record", "x")
    assert (sink.all_refused("p-alerts", 0, 1, 1), sink.all_refused("p-alerts", 0, 2, 3)) == (
        False, True)


async def test_the_topics_hooks_dead_letter_instead_of_throwing_into_the_agents():
    app = faust.App("checked-test", broker="memory://", store="memory://")
    sink, dead_letters = refusals()
    topic = CheckedTopic(app, topics=["p-alerts"], refusals=sink,
                         schema=CheckedSchema(reader("alerts"), key_type=str, value_type=Alert))
    clone = topic.clone(is_iterator=True)  # what an agent reads: keeps the sink and the schema
    assert isinstance(clone, CheckedTopic) and clone.refusals is sink
    clone.throw = Mock()
    await clone.on_value_decode_error(Refused("invalid_record", "not JSON"), message(offset=1))
    await clone.on_key_decode_error(KeyDecodeError("bad key"), message(offset=2))
    clone.throw.assert_not_called()
    reasons = [call.kwargs["key"] for call in dead_letters.send.await_args_list]
    assert reasons == ["invalid_record", "invalid_key"]


def test_articles_are_read_as_raw_bytes_and_the_derived_topics_are_checked():
    app = faust.App("checked-test-topics", broker="memory://", store="memory://")
    topics = declare_topics(app, Settings())
    assert (topics.articles.key_type, topics.articles.value_type) == (bytes, bytes)
    for topic in (topics.entities, topics.events, topics.events_by_subject, topics.alerts):
        assert isinstance(topic, CheckedTopic) and isinstance(topic.schema, CheckedSchema)
        assert topic.key_type is str  # what the agents send: plain UTF-8 keys, JSON values
    assert topics.entities.refusals.dead_letters is topics.dead_letters


async def test_a_readable_message_becomes_an_event_and_no_hook_is_called():
    schema = CheckedSchema(reader("events-by-subject"), key_type=str)
    hook = AsyncMock()
    decode = schema.compile(Mock(create_event=lambda k, v, h, msg: (k, v, h, msg)),
                            on_value_decode_error=hook)
    tick = message(key=None, value=b'{"tick": 2.0}', headers=())
    key, value, headers, source = await decode(tick)
    assert (key, value.tick, headers, source) == (None, 2.0, [], tick)
    hook.assert_not_awaited()
