"""The daily agent without a broker: agent.test_context(), memory store, its sends captured."""

from __future__ import annotations

from dataclasses import replace

import pytest

from streams.contract.checked import CheckedTopic
from streams.contract.daily import event_time
from streams.contract.models import RecordEvent
from streams.contract.schemas import validate
from streams.runtime.app import create_app
from streams.settings import Settings

RID = "2016-09-04|SYRMIL|SYRREB|190"
CODED_AT = 1_700_000_000.0


@pytest.fixture()
def app(monkeypatch):
    app = create_app(replace(Settings(), app_id="unit-daily", store="memory://"))
    app.finalize()
    sent = app.sent_daily = []

    async def capture(self, key=None, value=None, **kwargs):  # events.daily is the only send
        sent.append((key, value.asdict()))

    monkeypatch.setattr(CheckedTopic, "send", capture)
    return app


def message(article, n=0, outlet="Reuters"):
    event = {"event_id": f"{article}:{n}", "article_id": article,
             "source": {"code": "SYRMIL", "text": "army"},
             "target": {"code": "SYRREB", "text": "rebels"}, "cameo_code": "190",
             "cameo_root": "19", "quad_class": 4, "goldstein": -10.0, "plover_event": "ASSAULT",
             "sentence_index": n, "location": None, "article_mentions": 2, "article_events": 2,
             "published_at": "2016-09-04T10:00:00Z", "article_source": outlet,
             "article_url": None, "schema_version": 1}
    return RecordEvent(event=event, event_time=event_time(event["published_at"], CODED_AT))


async def test_an_event_sent_again_is_merged_once_and_articles_and_outlets_stay_distinct(app):
    # After a crash an article's events come again with the same ids (`{article_id}:{n}`), at
    # new offsets: the ledger counted_daily_events knows them.
    async with app.agents["daily"].test_context() as agent:
        for article, n, outlet in (("a", 0, "Reuters"), ("a", 0, "Reuters"),  # a copy
                                   ("a", 1, "Reuters"),  # the same article's second event
                                   ("b", 0, "Reuters"),  # the same outlet
                                   ("a", 1, "Reuters"), ("b", 0, "Reuters"),  # copies
                                   ("c", 0, "AFP")):
            await agent.put(message(article, n, outlet), key=RID, partition=1)
        value = app.tables["daily_records"][RID]
    record = value["record"]
    assert (record["num_mentions"], record["num_articles"], record["num_sources"]) == (4, 3, 2)
    assert record["event_ids"] == ["a:0", "a:1", "b:0", "c:0"]
    assert value["applied_offset"] == 6  # the last message merged (the seventh)
    # every message sends the record as it then is, copies included (a lost send is made good)
    assert [(key, sent["num_mentions"]) for key, sent in app.sent_daily] == [
        (RID, 1), (RID, 1), (RID, 2), (RID, 3), (RID, 3), (RID, 3), (RID, 4)]
    assert app.sent_daily[-1][1] == record
    validate("events.daily", record)


async def test_records_of_other_keys_are_apart(app):
    other = "2016-09-04|SYRMIL|-|190"
    async with app.agents["daily"].test_context() as agent:
        await agent.put(message("a"), key=RID, partition=0)
        untargeted = message("a", 1)
        untargeted.event["target"] = None
        await agent.put(untargeted, key=other, partition=0)
    records = {key: value["record"] for key, value in app.tables["daily_records"].items()}
    assert {key: record["num_articles"] for key, record in records.items()} == {RID: 1, other: 1}
