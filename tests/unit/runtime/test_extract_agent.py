"""The extract agent without a broker: which messages it re-keys and which it processes.

Faust's agent.test_context() with an in-memory store; the NLP is replaced by an extractor that
codes nothing, and `articles.send` by a mock, so only the agent's own decisions are tested.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from unittest.mock import AsyncMock

import faust
import orjson
import pytest

from streams.http import metrics as m
from streams.runtime import agents
from streams.runtime.app import create_app
from streams.settings import Settings


@pytest.fixture()
def app(monkeypatch):
    monkeypatch.setattr(agents, "default_extractor", lambda: None)
    # Every other topic's send (the dead letters) goes nowhere: a unit test needs no broker.
    monkeypatch.setattr(faust.topics.Topic, "send", AsyncMock())
    monkeypatch.setattr(agents, "extract_batch",
                        lambda articles: [{"entities": [], "events": []} for _ in articles])
    app = create_app(replace(Settings(), app_id="unit-extract", store="memory://", batch_size=1,
                               extract_in="thread"))
    app.finalize()
    return app


def counters() -> dict[str, float]:
    return {name: m.METRICS.value(name) for name in (
        m.ARTICLES_IN, m.ARTICLES_PROCESSED, m.ARTICLES_REKEYED, m.ARTICLES_DEAD_LETTERED)}


async def run(app, messages) -> tuple[AsyncMock, dict[str, float]]:
    """Put (key, value) messages through the extract agent; the articles.send mock and how much
    each counter moved."""
    extract = app.agents["extract"]
    send = AsyncMock()
    extract.channel.send = send  # the agent sends its copies to the topic it reads
    before = counters()
    async with extract.test_context() as agent:
        for key, value in messages:
            await agent.put(value, key=key)
        for _ in range(100):  # put returns once the message is in; the batch is handled after
            moved = {name: value - before[name] for name, value in counters().items()}
            if moved[m.ARTICLES_IN] == len(messages) == sum(
                    moved[name] for name in moved if name != m.ARTICLES_IN):
                break
            await asyncio.sleep(0.05)
    return send, {name: value - before[name] for name, value in counters().items()}


async def test_an_article_keyed_by_its_id_is_processed_in_place(app):
    value = orjson.dumps({"id": "a1", "body": "Aleppo"})
    send, moved = await run(app, [(b"a1", value)])
    send.assert_not_awaited()
    assert moved == {m.ARTICLES_IN: 1, m.ARTICLES_PROCESSED: 1, m.ARTICLES_REKEYED: 0,
                     m.ARTICLES_DEAD_LETTERED: 0}
    assert app.tables["seen_articles"]["a1"] is not None


async def test_an_article_without_its_id_as_key_is_sent_again_keyed_by_it_and_not_processed(app):
    value = orjson.dumps({"id": "a2", "body": "Aleppo", "extra": [1]})
    send, moved = await run(app, [(None, value), (b"http://x.test/a2", value), (b"\xff", value)])
    assert [call.kwargs["key"] for call in send.await_args_list] == [b"a2"] * 3
    assert all(call.kwargs["value"] == value for call in send.await_args_list)
    assert moved == {m.ARTICLES_IN: 3, m.ARTICLES_PROCESSED: 0, m.ARTICLES_REKEYED: 3,
                     m.ARTICLES_DEAD_LETTERED: 0}
    assert app.tables["seen_articles"].get("a2") is None  # written only on the id's partition


async def test_an_invalid_article_without_a_key_is_dead_lettered_not_re_keyed(app):
    send, moved = await run(app, [(None, b'{"id": "a3"}')])  # no body: missing_field
    send.assert_not_awaited()  # the dead letter goes to articles.dlq, another topic
    assert moved == {m.ARTICLES_IN: 1, m.ARTICLES_PROCESSED: 0, m.ARTICLES_REKEYED: 0,
                     m.ARTICLES_DEAD_LETTERED: 1}


async def test_a_batch_is_handed_to_the_publisher_in_order():
    queue: asyncio.Queue = asyncio.Queue(maxsize=1)
    got = []

    async def publisher():
        while True:
            got.append(await queue.get())

    task = asyncio.ensure_future(publisher())
    for n in range(3):
        await agents.hand_over(queue, n, task)
    await asyncio.sleep(0)
    task.cancel()
    assert got == [0, 1, 2]


async def test_a_publisher_that_failed_raises_its_error_in_the_agent():
    queue: asyncio.Queue = asyncio.Queue(maxsize=1)

    async def publisher():
        await queue.get()
        raise OSError("send failed")

    task = asyncio.ensure_future(publisher())
    handed = []
    with pytest.raises(OSError, match="send failed"):
        for n in range(5):  # without the check the third would wait for ever (queue of one)
            await asyncio.wait_for(agents.hand_over(queue, n, task), timeout=2)
            handed.append(n)
    assert len(handed) <= 2
