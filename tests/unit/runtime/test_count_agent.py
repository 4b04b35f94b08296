"""The count agent without a broker: Faust's agent.test_context() with an in-memory store.

The agent takes `entities` in batches; `put` returns once a message is in the batch, so each
test waits for the counts to show.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from unittest.mock import AsyncMock

import pytest
from waiting import mentions_handled as handled
from waiting import until

from streams.contract.models import EntityMention
from streams.http import metrics as m
from streams.runtime.app import create_app
from streams.runtime.dedupe import ORIGIN_HEADER, origin
from streams.settings import Settings


@pytest.fixture()
def app():
    app = create_app(replace(Settings(), app_id="unit-count", store="memory://"))
    app.finalize()
    return app


def mention(article_id: str, key: str, first: bool, start: int = 0) -> EntityMention:
    return EntityMention(article_id=article_id, kind="location", key=key, text="Aleppo",
                         field="body", start=start, end=start + 6, type="GPE",
                         geonameid=int(key), name="Aleppo", lat=36.2, lon=37.16, country="SYR",
                         first_in_article=first, published_at="2016-09-04T00:10:00Z")


async def test_mentions_and_distinct_articles_are_counted_per_place(app):
    count_agent = app.agents["count"]
    table = app.tables["location_counts"]
    async with count_agent.test_context() as agent:
        for article_id, first in (("a", True), ("a", False), ("b", True)):
            await agent.put(mention(article_id, "170063", first), key="170063")
        await until(lambda: table.get("170063", {}).get("mentions") == 3)
        value = table["170063"]
    assert (value["mentions"], value["articles"], value["name"]) == (3, 2, "Aleppo")


async def test_one_batch_counts_overall_and_in_windows_and_skips_re_emitted_copies(app):
    # Article at articles offset 7: two mentions of Aleppo; processed again after a crash, its
    # first mention re-emitted (origin 0:7 again, same field:start). Article 0:8: one mention.
    sent = [("a", True, 0, 7), ("a", False, 40, 7), ("a", True, 0, 7), ("b", True, 0, 8)]
    before_counted, before = m.METRICS.value(m.MENTIONS_COUNTED), handled()
    async with app.agents["count"].test_context() as agent:
        for article_id, first, start, article_offset in sent:
            await agent.put(mention(article_id, "170063", first, start), key="170063",
                            headers={ORIGIN_HEADER: origin(0, article_offset)})
        await until(lambda: handled() - before == len(sent))
    overall = app.tables["location_counts"]["170063"]
    assert (overall["mentions"], overall["articles"], overall["applied_offset"]) == (3, 2, 3)
    sep_4_2016 = 1_472_947_200.0  # the hour and the day of its published_at
    assert overall["windows"] == {name: {"start": sep_4_2016, "mentions": 3, "articles": 2}
                                  for name in ("1h", "1d")}
    assert m.METRICS.value(m.MENTIONS_COUNTED) - before_counted == 3
    ledger = app.tables["counted_mentions"]
    assert ledger["0:7|location|170063"]["ids"] == {"body:0": 0, "body:40": 1}
    assert ledger["0:8|location|170063"]["ids"] == {"body:0": 3}


async def test_each_write_goes_to_the_partition_of_its_key_not_of_the_last_message(app,
                                                                                  monkeypatch):
    # Faust writes a table change to the partition of its current event; a batch ends on one
    # message, but its counts belong to several partitions.
    changelog: list[tuple[str, int, str]] = []
    for name in ("location_counts", "counted_mentions"):
        table = app.tables[name]

        def spy(partition, key, value, *args, _send=table.send_changelog, _name=name, **kwargs):
            changelog.append((_name, partition, key))
            return _send(partition, key, value, *args, **kwargs)

        monkeypatch.setattr(table, "send_changelog", spy)
    before = handled()
    async with app.agents["count"].test_context() as agent:
        for key, partition in (("170063", 2), ("163345", 1)):
            await agent.put(mention("a", key, True), key=key, partition=partition,
                            headers={ORIGIN_HEADER: origin(0, 5)})
        await until(lambda: handled() - before == 2)
    assert sorted(changelog) == [
        ("counted_mentions", 1, "0:5|location|163345"),
        ("counted_mentions", 2, "0:5|location|170063"),
        ("location_counts", 1, "163345"), ("location_counts", 2, "170063")]


async def test_a_hole_in_a_partition_is_read_again_and_counted_in_order(app, monkeypatch, caplog):
    # Offsets 0-1 arrive, 2-3 are skipped by the consumer, 4-5 arrive: the count stops at 1
    # and seeks back to 2; then 2-5 are delivered again and everything is counted once.
    seek = AsyncMock()
    monkeypatch.setattr(app.consumer, "seek", seek)
    table = app.tables["location_counts"]
    async with app.agents["count"].test_context() as agent:
        async def deliver(offsets):
            for offset in offsets:
                agent.sent_offset = offset
                await agent.put(mention(f"article-{offset}", "170063", True), key="170063",
                                headers={ORIGIN_HEADER: origin(0, offset)})

        await deliver([0, 1, 4, 5])
        await until(lambda: seek.await_count == 1)
        await asyncio.sleep(0.3)  # a batch more: nothing else is counted meanwhile
        held = (table["170063"]["mentions"], app.tables["counted_offsets"][0]["offset"])
        await deliver([2, 3, 4, 5])
        await until(lambda: table["170063"]["mentions"] == 6)
    assert held == (2, 1)
    [(tp, offset)] = [call.args for call in seek.await_args_list]
    assert (tp.partition, offset) == (0, 2)
    assert "offsets 2..3 reached no count" in caplog.text
    assert (table["170063"]["applied_offset"], app.tables["counted_offsets"][0]["offset"]) == (5, 5)
