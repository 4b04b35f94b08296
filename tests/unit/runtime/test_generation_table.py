"""Tables a worker that lost its partition cannot spoil, without a broker: the stamp on every
write, the changelog applied newest generation first (in memory and in RocksDB), and the
persisted offset distrusted after a missed generation. The interleavings are the ones the
cluster tests met: docs/decisions/generation-table.md."""

from __future__ import annotations

import json
from dataclasses import replace
from types import SimpleNamespace

import faust
import pytest
from faust.types import TP
from waiting import counting

from streams.contract.models import EntityMention
from streams.runtime.app import create_app
from streams.runtime.generation_table import GENERATION, GenerationTable, newest_generations
from streams.runtime.mention_batches import Mention, plan
from streams.settings import Settings

CHANGELOG = "unit-generations-actor_counts-changelog"


def app_with(store: str, tmp_path, app_id: str = "unit-generations"):
    app = create_app(replace(Settings(), app_id=app_id, store=store, data_dir=str(tmp_path)))
    app.finalize()
    return app


def record(key, value, offset: int, partition: int = 0):
    """A changelog event as Faust's recovery hands it over: decoded key and value, raw message."""
    raw = None if value is None else json.dumps(value).encode()
    message = SimpleNamespace(key=json.dumps(key).encode(), value=raw, partition=partition,
                              offset=offset, tp=TP(CHANGELOG, partition), topic=CHANGELOG)
    return SimpleNamespace(key=key, value=value, message=message)


def count(mentions: int, generation: int | None) -> dict:
    value = {"mentions": mentions, "articles": 1}
    return value if generation is None else {**value, GENERATION: generation}


# --- which records apply ---------------------------------------------------------------------

def kept_offsets(batch, stored: dict | None = None) -> list[int]:
    stored = stored or {}
    return [event.message.offset for event in
            newest_generations(batch, lambda key: stored.get(key), lambda key: key)]


def test_a_write_of_an_older_generation_after_a_newer_one_is_dropped():
    # the owner of generation 5 wrote 10 then 12; the cut-off worker's buffered 9 arrives after
    batch = [record("SYRREB", count(10, 5), 1), record("SYRREB", count(12, 5), 2),
             record("SYRREB", count(9, 4), 3)]
    assert kept_offsets(batch) == [1, 2]


def test_the_store_counts_as_the_newest_so_far():
    assert kept_offsets([record("SYRREB", count(9, 4), 7)], stored={"SYRREB": 5}) == []
    assert kept_offsets([record("SYRREB", count(9, 5), 7)], stored={"SYRREB": 5}) == [7]
    assert kept_offsets([record("SYRREB", count(9, 6), 7)], stored={"SYRREB": 5}) == [7]


def test_keys_are_judged_apart():
    batch = [record("SYRREB", count(10, 5), 1), record("USAGOV", count(3, 4), 2)]
    assert kept_offsets(batch) == [1, 2]


def test_a_deletion_always_applies_and_forgets_the_generation():
    batch = [record("SYRREB", count(10, 5), 1), record("SYRREB", None, 2),
             record("SYRREB", count(1, 3), 3)]
    assert kept_offsets(batch, stored={"SYRREB": 6}) == [2, 3]


def test_values_without_a_generation_always_apply():
    # a ledger entry, or a value written before tables carried generations
    batch = [record("0:5|actor|SYRREB", {"partition": 0, "offset": 5, "ts": 1.0}, 1),
             record("SYRREB", count(10, None), 2)]
    assert kept_offsets(batch, stored={"SYRREB": 5}) == [1, 2]


# --- the table -------------------------------------------------------------------------------

@pytest.fixture()
def memory_app(tmp_path):
    return app_with("memory://", tmp_path)


def test_every_table_is_one(memory_app):
    tables = memory_app.tables
    expected = ["actor_counts", "location_counts", "alert_state", "daily_records", "seen_articles",
                "counted_mentions", "counted_subject_events", "counted_daily_events"]
    assert set(expected) <= set(tables)
    assert all(isinstance(table, GenerationTable) for table in tables.values())


def test_a_ledger_entry_of_the_cut_off_worker_does_not_hide_a_mention_the_new_owner_recorded(
        memory_app):
    # The paused-worker test once served SYRREB 1,201 mentions for 1,200: the frozen worker's
    # buffered entry for an article (one mention of two) landed after the new owner's entry
    # (both), a later recovery kept the late one, and a re-emitted copy of the second counted.
    ledger = memory_app.tables["counted_mentions"]
    key = "0:5|actor|SYRREB"

    def entry(ids: dict, generation: int) -> dict:
        return {"partition": 0, "ts": 1.0, "ids": ids, GENERATION: generation}

    ledger.apply_changelog_batch([
        record(key, entry({"body:0": 5}, 4), 1),                  # the old owner, in time
        record(key, entry({"body:0": 5, "body:40": 6}, 5), 2),    # the new owner
        record(key, entry({"body:0": 5}, 4), 3)])                 # the old owner, late
    assert ledger.data[key]["ids"] == {"body:0": 5, "body:40": 6}
    copy = Mention(offset=9, partition=0, timestamp=2.0, slot=("actor", "SYRREB"), windows=(),
                   ledger_key=key, mention_id="body:40", first_in_article=False)
    writes = plan([copy], {("actor", "SYRREB"): 6}, {key: ledger.data[key]}, ttl=3600)
    assert (writes.counted, writes.duplicates, writes.slots) == (0, 1, {})


async def test_a_ledger_distrusts_its_offsets_after_a_missed_generation_too(memory_app,
                                                                          monkeypatch):
    # its own late entries would hide the new owner's: a re-emitted mention counted twice
    ledger = memory_app.tables["counted_mentions"]
    monkeypatch.setattr(ledger.data, "persisted_offset", lambda tp: 41)
    await ledger.on_rebalance(set(), set(), set(), 3)
    await ledger.on_rebalance(set(), set(), set(), 5)
    assert ledger.persisted_offset(TP("x-counted_mentions-changelog", 0)) is None
    entry = {"partition": 0, "ts": 1.0, "ids": {"body:0": 5}}
    ledger.apply_changelog_batch([record("0:5|actor|SYRREB", entry, 3)])
    assert ledger.data["0:5|actor|SYRREB"] == entry
    assert ledger.persisted_offset(TP("x-counted_mentions-changelog", 0)) == 41  # read again


async def test_a_counted_value_carries_the_generation_it_was_written_in(memory_app):
    memory_app.consumer_generation_id = 7
    mention = EntityMention(article_id="a", kind="actor", key="SYRREB", text="rebels",
                            field="body", start=0, end=6, type="ORG", code="SYRREB",
                            first_in_article=True)
    async with counting(memory_app) as agent:
        await agent.put(mention, key="SYRREB")
    value = memory_app.tables["actor_counts"]["SYRREB"]
    assert (value["mentions"], value[GENERATION]) == (1, 7)


def test_recovery_keeps_the_new_owner_s_value_in_memory(memory_app):
    table = memory_app.tables["actor_counts"]
    table.apply_changelog_batch([record("SYRREB", count(100, 4), 1),
                                 record("SYRREB", count(203, 5), 2),   # the new owner
                                 record("SYRREB", count(100, 4), 3)])  # the old one, late
    assert table.data["SYRREB"]["mentions"] == 203


def test_recovery_keeps_the_new_owner_s_value_in_rocksdb(tmp_path):
    app = app_with("rocksdb://", tmp_path, "unit-generations-rocks")
    table = app.tables["actor_counts"]
    batch = [record("SYRREB", count(100, 4), 1), record("SYRREB", count(203, 5), 2)]
    table.apply_changelog_batch(batch)
    table.apply_changelog_batch([record("SYRREB", count(100, 4), 3)])  # a later batch, late
    assert table.data["SYRREB"]["mentions"] == 203
    # the late record was not applied, so the store's offset stays before it: read it again
    assert table.data.persisted_offset(TP(CHANGELOG, 0)) == 2


# --- the persisted offset --------------------------------------------------------------------

@pytest.fixture()
def offsets_table(memory_app, monkeypatch):
    """actor_counts over a store that persisted offset 41 for every partition (as RocksDB does)."""
    table = memory_app.tables["actor_counts"]
    monkeypatch.setattr(table.data, "persisted_offset", lambda tp: 41)
    return table


def persisted(table) -> list[int | None]:
    return [table.persisted_offset(TP(CHANGELOG, partition)) for partition in range(4)]


async def test_consecutive_generations_keep_the_persisted_offset(offsets_table):
    for generation in (3, 4, 5):
        await offsets_table.on_rebalance(set(), set(), set(), generation)
        assert persisted(offsets_table) == [41, 41, 41, 41]


async def test_a_missed_generation_distrusts_every_partition_until_it_is_read_again(
        offsets_table):
    await offsets_table.on_rebalance(set(), set(), set(), 3)
    await offsets_table.on_rebalance(set(), set(), set(), 5)  # out of the group during 4
    assert persisted(offsets_table) == [None, None, None, None]
    offsets_table.apply_changelog_batch([record("SYRREB", count(5, 4), 0, partition=2)])
    assert persisted(offsets_table) == [None, None, 41, None]
    await offsets_table.on_rebalance(set(), set(), set(), 6)  # no gap: still distrusted
    assert persisted(offsets_table) == [None, None, 41, None]


async def test_the_first_generation_a_worker_sees_is_no_gap(offsets_table):
    await offsets_table.on_rebalance(set(), set(), set(), 12)  # a restart joins late: fine
    assert persisted(offsets_table) == [41, 41, 41, 41]


@pytest.mark.parametrize("name", ["actor_counts", "counted_mentions"])
def test_a_write_stores_the_generation(memory_app, monkeypatch, name):
    written = {}
    monkeypatch.setattr(faust.Table, "__setitem__",
                        lambda table, key, value: written.update({key: value}))
    memory_app.consumer_generation_id = 7
    memory_app.tables[name]["k"] = {"mentions": 1}
    assert written == {"k": {"mentions": 1, GENERATION: 7}}
