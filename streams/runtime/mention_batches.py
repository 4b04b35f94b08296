"""What a batch of `entities` messages changes in the counts: pure decisions, no Faust.

The count agent takes `entities` in batches and writes each count once per batch, not once per
mention. A count lives in a *slot*, one per actor or place: its overall numbers and, beside
them, its newest window of each size (`windows`), so one write and one changelog message per
key and batch serve the overall and the windowed counts. Each slot's value carries
`applied_offset`, the last entities offset counted into it. One ledger entry per (articles
message, key) holds the mentions of that article already counted under that key,
`{"field:start": entities offset}`.

A slot keeps only its key's newest window of each size: a mention in an older window counts
overall only. No answer loses by it: a worker's windowed answer is its newest window over all
keys, never older than any key's newest, so an older window of a key is never shown.

A message at offset `o` of mention `i` is the *first copy* unless the ledger holds `i` at
another offset within the time to live (then it is a copy re-emitted when its article was
processed again). A first copy counts into its slot when the slot's `applied_offset` is below
`o`; when the ledger lacked `i` it records `i` at `o`. That is exact after a crash whatever
subset of a batch's count and ledger writes reached the broker, because offsets are committed
only once the writes they cover are on the broker (docs/decisions/draining-producer-buffer.md),
and everything after the last commit is delivered again, in order:

* a count written, its ledger entry lost: the redelivered message is at or below the slot's
  `applied_offset` (skipped) and is recorded in the ledger again, so a later re-emitted copy is
  still caught;
* a ledger entry written, its count lost: the ledger holds `i` at this very offset, so the
  redelivered message is counted;
* a copy skipped as re-emitted, and the ledger write that named the first copy lost: the first
  copy was not committed either, so it is delivered again first and recorded again.

Messages without an origin (not sent by the extract agent) count once by offset alone.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mention:
    """One entities message as the count stage sees it."""

    offset: int
    partition: int
    timestamp: float  # Kafka record timestamp: the ledger's time to live runs in stream time
    slot: Hashable  # the count it goes into: its actor or place
    windows: tuple[tuple[str, float], ...]  # (window size's name, start) of each window it is in
    ledger_key: str | None  # its (articles message, key) ledger entry; None: no origin header
    mention_id: str  # where in the article: "field:start"
    first_in_article: bool  # the first mention of its key in its article: counts the article


@dataclass
class SlotChange:
    """What one slot gains from a batch."""

    mentions: int = 0
    articles: int = 0
    applied_offset: int = -1
    windows: dict[tuple[str, float], list[int]] = field(default_factory=dict)  # -> [mentions,
    # articles] per (window size's name, start)


@dataclass
class BatchWrites:
    """The writes a batch makes: one per slot that gained, one per ledger entry that changed."""

    slots: dict[Hashable, SlotChange] = field(default_factory=dict)
    ledger: dict[str, dict] = field(default_factory=dict)
    counted: int = 0  # messages counted
    duplicates: int = 0  # the others: counted already (re-emitted, or redelivered)


def mention_ledger_key(article_origin: str | None, kind: str, key: str) -> str | None:
    """The ledger entry of one articles message's mentions of one actor or place."""
    return f"{article_origin}|{kind}|{key}" if article_origin is not None else None


def plan(batch: Iterable[Mention], applied: Mapping[Hashable, int | None],
         entries: Mapping[str, dict | None], ttl: float) -> BatchWrites:
    """The writes for `batch` (in offset order per partition), given each slot's
    `applied_offset` and the ledger entries its messages name, as they are now."""
    writes = BatchWrites()
    entries = dict(entries)
    for mention in batch:
        if mention.ledger_key is None:
            first_copy = True
        else:
            entry = _fresh(entries.get(mention.ledger_key), mention.timestamp, ttl)
            ids = entry["ids"] if entry else {}
            seen_at = ids.get(mention.mention_id)
            first_copy = seen_at is None or seen_at == mention.offset
            if seen_at is None:  # new, or counted with its ledger entry lost: record it
                entry = {"partition": mention.partition, "ts": mention.timestamp,
                         "ids": {**ids, mention.mention_id: mention.offset}}
                entries[mention.ledger_key] = writes.ledger[mention.ledger_key] = entry
        if not (first_copy and _below(applied.get(mention.slot), writes.slots.get(mention.slot),
                                      mention.offset)):
            writes.duplicates += 1
            continue
        change = writes.slots.setdefault(mention.slot, SlotChange())
        article = 1 if mention.first_in_article else 0
        change.mentions += 1
        change.articles += article
        change.applied_offset = mention.offset
        for window in mention.windows:
            window_change = change.windows.setdefault(window, [0, 0])
            window_change[0] += 1
            window_change[1] += article
        writes.counted += 1
    return writes


def apply(value: dict | None, change: SlotChange, **details) -> dict:
    """A slot's new value: its counts plus what the batch added (pure). A window newer than the
    one the slot holds for its size replaces it; an older one is left out (module docstring)."""
    value = value or {"mentions": 0, "articles": 0}
    windows = dict(value.get("windows", {}))
    for (name, start), (mentions, articles) in sorted(change.windows.items(),
                                                      key=lambda item: item[0][1]):
        added = add_to_window(windows.get(name), start, {"mentions": mentions,
                                                         "articles": articles})
        if added is not None:
            windows[name] = added
    return {**value, **details, "mentions": value["mentions"] + change.mentions,
            "articles": value["articles"] + change.articles, "windows": windows,
            "applied_offset": change.applied_offset}


def add_to_window(held: dict | None, start: float, amounts: dict[str, int]) -> dict | None:
    """A key's newest window of one size after adding `amounts` to the window starting at
    `start`: added to `held` (the newest it holds, {"start", ...}) when that is the one, a fresh
    window when newer; None when older (that is counted overall only, module docstring)."""
    if held is not None and start < held["start"]:
        return None
    base = held if held is not None and start == held["start"] else {"start": start}
    return {**base, **{name: base.get(name, 0) + amount for name, amount in amounts.items()}}


def _below(applied: int | None, change: SlotChange | None, offset: int) -> bool:
    """The slot has not counted `offset` yet (in its stored value or earlier in the batch)."""
    if change is not None and change.applied_offset >= offset:
        return False
    return applied is None or offset > applied


def _fresh(entry: dict | None, timestamp: float, ttl: float) -> dict | None:
    return entry if entry is not None and timestamp - entry["ts"] < ttl else None
