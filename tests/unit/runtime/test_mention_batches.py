"""The count stage's batch decisions without Kafka: a batch, the values and ledger entries in,
the writes out (streams/runtime/mention_batches.py)."""

from __future__ import annotations

import itertools

import pytest

from streams.runtime.mention_batches import Mention, SlotChange, apply, mention_ledger_key, plan

TTL = 100.0
KEY = mention_ledger_key("0:7", "location", "170063")  # article at articles 0:7, Aleppo
OVERALL, HOUR = ("all", "location", "170063"), ("1h", "location", "170063", (0.0, 3599.9))


def at(offset: int, start: int, first: bool = False, ledger_key: str | None = KEY,
       ts: float = 1000.0) -> Mention:
    """A mention of Aleppo at entities offset `offset`, `start` in the body of its article."""
    return Mention(offset=offset, partition=2, timestamp=ts, slots=(OVERALL, HOUR),
                   ledger_key=ledger_key, mention_id=f"body:{start}", first_in_article=first)


ARTICLE = [at(10, 0, first=True), at(11, 40), at(12, 90)]  # three mentions of one key


def counts(change: SlotChange) -> tuple[int, int, int]:
    return change.mentions, change.articles, change.applied_offset


def test_a_batch_writes_each_slot_and_each_ledger_entry_once():
    writes = plan(ARTICLE + [at(13, 0, first=True, ledger_key=mention_ledger_key(
        "0:8", "location", "170063"))], {}, {}, TTL)
    assert {slot: counts(change) for slot, change in writes.slots.items()} == {
        OVERALL: (4, 2, 13), HOUR: (4, 2, 13)}
    assert writes.ledger == {
        KEY: {"partition": 2, "ts": 1000.0, "ids": {"body:0": 10, "body:40": 11, "body:90": 12}},
        "0:8|location|170063": {"partition": 2, "ts": 1000.0, "ids": {"body:0": 13}}}
    assert (writes.counted, writes.duplicates) == (4, 0)


def test_a_redelivered_batch_changes_no_count():
    entry = {"partition": 2, "ts": 1000.0, "ids": {"body:0": 10, "body:40": 11, "body:90": 12}}
    writes = plan(ARTICLE, {OVERALL: 12, HOUR: 12}, {KEY: entry}, TTL)
    assert (writes.slots, writes.ledger) == ({}, {})
    assert (writes.counted, writes.duplicates) == (0, 3)


def test_an_article_re_emitted_at_new_offsets_is_not_counted_again():
    entry = {"partition": 2, "ts": 1000.0, "ids": {"body:0": 10, "body:40": 11, "body:90": 12}}
    again = [at(20, 0, first=True), at(21, 40), at(22, 90)]
    writes = plan(again, {OVERALL: 12, HOUR: 12}, {KEY: entry}, TTL)
    assert (writes.slots, writes.ledger, writes.duplicates) == ({}, {}, 3)


def test_a_re_emitted_copy_in_the_same_batch_as_the_first_is_skipped():
    writes = plan(ARTICLE[:2] + [at(20, 0, first=True)], {}, {}, TTL)
    assert counts(writes.slots[OVERALL]) == (2, 1, 11)
    assert writes.ledger[KEY]["ids"] == {"body:0": 10, "body:40": 11}


def test_a_batch_boundary_inside_one_article_s_mentions_of_a_key():
    first = plan(ARTICLE[:2], {}, {}, TTL)
    assert counts(first.slots[OVERALL]) == (2, 1, 11)
    second = plan(ARTICLE[2:], {OVERALL: 11, HOUR: 11}, first.ledger, TTL)
    assert counts(second.slots[OVERALL]) == (1, 0, 12)
    assert second.ledger[KEY]["ids"] == {"body:0": 10, "body:40": 11, "body:90": 12}
    # and the whole article re-emitted after both: nothing
    again = plan([at(30, 0, True), at(31, 40), at(32, 90)], {OVERALL: 12, HOUR: 12},
                 second.ledger, TTL)
    assert (again.slots, again.duplicates) == ({}, 3)


def test_counts_written_but_the_ledger_entry_lost():
    # redelivered: skipped by applied_offset, and recorded again so a re-emitted copy is caught
    redelivered = plan(ARTICLE, {OVERALL: 12, HOUR: 12}, {}, TTL)
    assert redelivered.slots == {}
    assert redelivered.ledger[KEY]["ids"] == {"body:0": 10, "body:40": 11, "body:90": 12}
    again = plan([at(20, 0, True)], {OVERALL: 12, HOUR: 12}, redelivered.ledger, TTL)
    assert (again.slots, again.duplicates) == ({}, 1)


def test_the_ledger_entry_written_but_the_counts_lost():
    entry = {"partition": 2, "ts": 1000.0, "ids": {"body:0": 10, "body:40": 11, "body:90": 12}}
    writes = plan(ARTICLE, {}, {KEY: entry}, TTL)
    assert counts(writes.slots[OVERALL]) == (3, 1, 12)
    assert writes.ledger == {}  # nothing new to record


def test_one_slot_written_and_another_lost():
    entry = {"partition": 2, "ts": 1000.0, "ids": {"body:0": 10, "body:40": 11, "body:90": 12}}
    writes = plan(ARTICLE, {OVERALL: 12, HOUR: 9}, {KEY: entry}, TTL)
    assert list(writes.slots) == [HOUR] and counts(writes.slots[HOUR]) == (3, 1, 12)


def test_messages_without_an_origin_count_once_by_offset():
    bare = [at(10, 0, True, ledger_key=None), at(11, 0, True, ledger_key=None)]
    assert counts(plan(bare, {OVERALL: 10}, {}, TTL).slots[OVERALL]) == (1, 1, 11)
    assert plan(bare, {}, {}, TTL).ledger == {}


def test_a_ledger_entry_older_than_the_ttl_no_longer_blocks():
    entry = {"partition": 2, "ts": 800.0, "ids": {"body:0": 1}}
    writes = plan([at(10, 0, True)], {OVERALL: 5, HOUR: 5}, {KEY: entry}, TTL)
    assert counts(writes.slots[OVERALL]) == (1, 1, 10)
    assert writes.ledger[KEY] == {"partition": 2, "ts": 1000.0, "ids": {"body:0": 10}}


def test_apply_adds_a_batch_to_a_value_and_keeps_its_details():
    value = apply({"mentions": 5, "articles": 2, "name": "Aleppo", "applied_offset": 9},
                  SlotChange(mentions=3, articles=1, applied_offset=12), name="Aleppo")
    assert value == {"mentions": 8, "articles": 3, "name": "Aleppo", "applied_offset": 12}


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


WRITES = (OVERALL, HOUR, KEY)


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
    at new offsets. Every slot ends with 3 mentions of 1 article."""
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
    assert {slot: (v["mentions"], v["articles"]) for slot, v in values.items()} == {
        OVERALL: (3, 1), HOUR: (3, 1)}
