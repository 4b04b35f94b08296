"""The count stage's batch decisions without Kafka: a batch, the values and ledger entries in,
the writes out (streams/runtime/mention_batches.py)."""

from __future__ import annotations

import itertools

import pytest

from streams.runtime.mention_batches import Mention, SlotChange, apply, mention_ledger_key, plan

TTL = 100.0
KEY = mention_ledger_key("0:7", "location", "170063")  # article at articles 0:7, Aleppo
SLOT = ("location", "170063")


def at(offset: int, start: int, first: bool = False, ledger_key: str | None = KEY,
       ts: float = 1000.0, hour: float = 0.0) -> Mention:
    """A mention of Aleppo at entities offset `offset`, `start` in the body of its article,
    published in the hour and day starting at `hour`."""
    return Mention(offset=offset, partition=2, timestamp=ts, slot=SLOT,
                   windows=(("1h", hour), ("1d", hour - hour % 86_400)), ledger_key=ledger_key,
                   mention_id=f"body:{start}", first_in_article=first)


ARTICLE = [at(10, 0, first=True), at(11, 40), at(12, 90)]  # three mentions of one key


def counts(change: SlotChange) -> tuple[int, int, int]:
    return change.mentions, change.articles, change.applied_offset


def test_a_batch_writes_each_slot_and_each_ledger_entry_once():
    writes = plan(ARTICLE + [at(13, 0, first=True, ledger_key=mention_ledger_key(
        "0:8", "location", "170063"))], {}, {}, TTL)
    assert {slot: counts(change) for slot, change in writes.slots.items()} == {SLOT: (4, 2, 13)}
    assert writes.slots[SLOT].windows == {("1h", 0.0): [4, 2], ("1d", 0.0): [4, 2]}
    assert writes.ledger == {
        KEY: {"partition": 2, "ts": 1000.0, "ids": {"body:0": 10, "body:40": 11, "body:90": 12}},
        "0:8|location|170063": {"partition": 2, "ts": 1000.0, "ids": {"body:0": 13}}}
    assert (writes.counted, writes.duplicates) == (4, 0)


def test_a_redelivered_batch_changes_no_count():
    entry = {"partition": 2, "ts": 1000.0, "ids": {"body:0": 10, "body:40": 11, "body:90": 12}}
    writes = plan(ARTICLE, {SLOT: 12}, {KEY: entry}, TTL)
    assert (writes.slots, writes.ledger) == ({}, {})
    assert (writes.counted, writes.duplicates) == (0, 3)


def test_an_article_re_emitted_at_new_offsets_is_not_counted_again():
    entry = {"partition": 2, "ts": 1000.0, "ids": {"body:0": 10, "body:40": 11, "body:90": 12}}
    again = [at(20, 0, first=True), at(21, 40), at(22, 90)]
    writes = plan(again, {SLOT: 12}, {KEY: entry}, TTL)
    assert (writes.slots, writes.ledger, writes.duplicates) == ({}, {}, 3)


def test_a_re_emitted_copy_in_the_same_batch_as_the_first_is_skipped():
    writes = plan(ARTICLE[:2] + [at(20, 0, first=True)], {}, {}, TTL)
    assert counts(writes.slots[SLOT]) == (2, 1, 11)
    assert writes.ledger[KEY]["ids"] == {"body:0": 10, "body:40": 11}


def test_a_batch_boundary_inside_one_article_s_mentions_of_a_key():
    first = plan(ARTICLE[:2], {}, {}, TTL)
    assert counts(first.slots[SLOT]) == (2, 1, 11)
    second = plan(ARTICLE[2:], {SLOT: 11}, first.ledger, TTL)
    assert counts(second.slots[SLOT]) == (1, 0, 12)
    assert second.ledger[KEY]["ids"] == {"body:0": 10, "body:40": 11, "body:90": 12}
    # and the whole article re-emitted after both: nothing
    again = plan([at(30, 0, True), at(31, 40), at(32, 90)], {SLOT: 12},
                 second.ledger, TTL)
    assert (again.slots, again.duplicates) == ({}, 3)


def test_counts_written_but_the_ledger_entry_lost():
    # redelivered: skipped by applied_offset, and recorded again so a re-emitted copy is caught
    redelivered = plan(ARTICLE, {SLOT: 12}, {}, TTL)
    assert redelivered.slots == {}
    assert redelivered.ledger[KEY]["ids"] == {"body:0": 10, "body:40": 11, "body:90": 12}
    again = plan([at(20, 0, True)], {SLOT: 12}, redelivered.ledger, TTL)
    assert (again.slots, again.duplicates) == ({}, 1)


def test_the_ledger_entry_written_but_the_counts_lost():
    entry = {"partition": 2, "ts": 1000.0, "ids": {"body:0": 10, "body:40": 11, "body:90": 12}}
    writes = plan(ARTICLE, {}, {KEY: entry}, TTL)
    assert counts(writes.slots[SLOT]) == (3, 1, 12)
    assert writes.ledger == {}  # nothing new to record


def test_mentions_in_two_hours_count_into_each_hour_and_the_day_once():
    writes = plan([at(10, 0, True), at(11, 40, hour=3600.0)], {}, {}, TTL)
    assert writes.slots[SLOT].windows == {("1h", 0.0): [1, 1], ("1h", 3600.0): [1, 0],
                                          ("1d", 0.0): [2, 1]}


def test_messages_without_an_origin_count_once_by_offset():
    bare = [at(10, 0, True, ledger_key=None), at(11, 0, True, ledger_key=None)]
    assert counts(plan(bare, {SLOT: 10}, {}, TTL).slots[SLOT]) == (1, 1, 11)
    assert plan(bare, {}, {}, TTL).ledger == {}


def test_a_ledger_entry_older_than_the_ttl_no_longer_blocks():
    entry = {"partition": 2, "ts": 800.0, "ids": {"body:0": 1}}
    writes = plan([at(10, 0, True)], {SLOT: 5}, {KEY: entry}, TTL)
    assert counts(writes.slots[SLOT]) == (1, 1, 10)
    assert writes.ledger[KEY] == {"partition": 2, "ts": 1000.0, "ids": {"body:0": 10}}


def test_apply_adds_a_batch_to_a_value_and_keeps_its_details():
    value = apply({"mentions": 5, "articles": 2, "name": "Aleppo", "applied_offset": 9},
                  SlotChange(mentions=3, articles=1, applied_offset=12), name="Aleppo")
    assert value == {"mentions": 8, "articles": 3, "name": "Aleppo", "windows": {},
                     "applied_offset": 12}


HELD = {"mentions": 5, "articles": 2, "applied_offset": 9,
        "windows": {"1h": {"start": 7200.0, "mentions": 2, "articles": 1}}}


def test_apply_adds_to_the_window_the_value_holds():
    value = apply(HELD, SlotChange(3, 1, 12, {("1h", 7200.0): [3, 1]}))
    assert value["windows"] == {"1h": {"start": 7200.0, "mentions": 5, "articles": 2}}


def test_a_newer_window_replaces_the_one_held_and_an_older_counts_overall_only():
    value = apply(HELD, SlotChange(4, 2, 12, {("1h", 3600.0): [1, 1], ("1h", 10800.0): [3, 1]}))
    assert value["windows"] == {"1h": {"start": 10800.0, "mentions": 3, "articles": 1}}
    assert (value["mentions"], value["articles"]) == (9, 4)
    older = apply(HELD, SlotChange(1, 1, 12, {("1h", 3600.0): [1, 1]}))
    assert older["windows"] == HELD["windows"] and older["mentions"] == 6


def test_a_batch_over_two_windows_keeps_the_newer_whatever_the_order():
    change = SlotChange(2, 2, 12, {("1h", 10800.0): [1, 1], ("1h", 7200.0): [1, 1]})
    assert apply(HELD, change)["windows"] == {
        "1h": {"start": 10800.0, "mentions": 1, "articles": 1}}


def run(messages, values, ledger, batch_size):
    """Count `messages` in batches; returns each batch's writes, applied to values and ledger
    only by the caller (so a crash can drop some of them)."""
    for i in range(0, len(messages), batch_size):
        batch = messages[i:i + batch_size]
        writes = plan(batch, {slot: v.get("applied_offset") for slot, v in values.items()},
                      ledger, TTL)
        yield batch, writes


def land(writes, values, ledger, lost=frozenset()):
    for slot, change in writes.slots.items():
        if slot not in lost:
            values[slot] = apply(values.get(slot), change)
    for key, entry in writes.ledger.items():
        if key not in lost:
            ledger[key] = entry


WRITES = (SLOT, KEY)


@pytest.mark.parametrize(("batch_size", "crash_in_batch", "lost"), [
    (size, crash, frozenset(lost))
    for size in (1, 2, 3) for crash in range(-(-3 // size))
    for n in range(len(WRITES) + 1) for lost in itertools.combinations(WRITES, n)])
def test_a_crash_in_any_batch_with_any_of_its_writes_lost_never_miscounts(
        batch_size, crash_in_batch, lost):
    """Three mentions of one article in batches of `batch_size`. The worker dies in batch
    `crash_in_batch`: the earlier batches were committed (Faust flushes their writes first), of
    the last one's writes those in `lost` never reached the broker. After the restart the
    uncommitted messages come again, and the article, processed again, re-emits its mentions
    at new offsets. The count ends with 3 mentions of 1 article, in its windows too."""
    values, ledger = {}, {}
    for n, (batch, writes) in enumerate(run(ARTICLE, values, ledger, batch_size)):
        land(writes, values, ledger, lost if n == crash_in_batch else frozenset())
        if n == crash_in_batch:
            committed = batch[0].offset
            break
    re_emitted = [at(20, 0, True), at(21, 40), at(22, 90)]
    delivered = [m for m in ARTICLE if m.offset >= committed] + re_emitted
    for _, writes in run(delivered, values, ledger, batch_size):
        land(writes, values, ledger)
    assert {slot: (v["mentions"], v["articles"]) for slot, v in values.items()} == {SLOT: (3, 1)}
    assert values[SLOT]["windows"] == {name: {"start": 0.0, "mentions": 3, "articles": 1}
                                       for name in ("1h", "1d")}
