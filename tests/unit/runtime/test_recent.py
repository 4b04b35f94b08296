"""The recent-events and recent-alerts buffers and their agents, without a broker."""

from __future__ import annotations

from dataclasses import replace

import faust
import pytest

from streams.contract.models import Event
from streams.contract.topics import declare_topics
from streams.runtime.recent import Recent, RecentMessages, plain, register_recent_agents
from streams.settings import Settings


def event(n: int) -> Event:
    return Event(event_id=f"a:{n}", article_id="a", source={"code": "SYRMIL", "text": "army"},
                 target=None, cameo_code="190", cameo_root="19", quad_class=4, goldstein=-10.0,
                 plover_event="FIGHT", sentence_index=n,
                 location={"geonameid": 170063, "name": "Aleppo", "lat": 36.2, "lon": 37.16,
                           "country": "SYR"})


def test_the_buffer_keeps_the_last_k_newest_first():
    buffer = RecentMessages(keep=3)
    for n in range(5):
        buffer.add({"n": n})
    assert len(buffer) == 3
    assert buffer.latest(10) == [{"n": 4}, {"n": 3}, {"n": 2}]
    assert buffer.latest(2) == [{"n": 4}, {"n": 3}]
    assert buffer.latest(0) == []
    with pytest.raises(ValueError):
        RecentMessages(keep=0)


def test_records_are_kept_as_the_plain_json_of_the_topic():
    kept = plain(event(0))
    assert kept["event_id"] == "a:0"
    assert kept["location"]["name"] == "Aleppo"
    assert "__faust" not in kept
    assert plain({"id": "x"}) == {"id": "x"}
    assert plain("text") == {"value": "text"}


def test_each_app_has_its_own_buffers():
    first, second = Recent(), Recent()
    first.events.add({"n": 1})
    assert (len(first.events), len(second.events), first.events.keep) == (1, 0, 500)


@pytest.fixture()
def app_and_recent():
    settings = replace(Settings(), app_id="unit-recent", store="memory://")
    app = faust.App(settings.app_id, store=settings.store, autodiscover=False)
    recent = Recent(events=RecentMessages(keep=2), alerts=RecentMessages(keep=2))
    register_recent_agents(app, declare_topics(app, settings), recent)
    app.finalize()
    return app, recent


async def test_the_agents_fill_the_buffers(app_and_recent):
    app, recent = app_and_recent
    async with app.agents["recent_events"].test_context() as agent:
        for n in range(3):
            await agent.put(event(n), key=f"a:{n}")
    async with app.agents["recent_alerts"].test_context() as agent:
        await agent.put({"id": "alert-1", "rule": "spike"}, key="spike:SYR")
    assert [e["event_id"] for e in recent.events.latest(5)] == ["a:2", "a:1"]
    assert recent.alerts.latest(5) == [{"id": "alert-1", "rule": "spike"}]
