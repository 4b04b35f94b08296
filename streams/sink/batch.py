"""A batch of consumed messages as what one database transaction writes (pure).

The rows of each table, one per id (the last message of an id in the batch wins: an upsert
cannot touch a row twice in one statement), the bad messages, and the next offset of every
partition the batch read. The offsets cover the bad messages too, so they are skipped for good.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from streams.sink.rows import BadMessage, Message, read_row, rejected_row
from streams.sink.tables import REJECTED


@dataclass
class Batch:
    rows: dict[str, list[tuple]] = field(default_factory=dict)  # table name -> rows
    offsets: dict[tuple[str, int], int] = field(default_factory=dict)  # (topic, partition) -> next
    rejected: list[tuple[Message, BadMessage]] = field(default_factory=list)
    messages: int = 0

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def build_batch(messages: Iterable[tuple[str, Message]]) -> Batch:
    """`messages`: (contract topic name, message), in the order each partition delivered them."""
    batch = Batch()
    by_key: dict[str, dict[object, tuple]] = {}
    for contract_topic, message in messages:
        batch.messages += 1
        position = (message.topic, message.partition)
        batch.offsets[position] = max(batch.offsets.get(position, 0), message.offset + 1)
        try:
            table, row = read_row(contract_topic, message)
        except BadMessage as bad:
            table, row = REJECTED, rejected_row(message, bad.reason)
            batch.rejected.append((message, bad))
        by_key.setdefault(table.name, {})[row[0]] = row  # the key is the first column
    batch.rows = {name: list(rows.values()) for name, rows in by_key.items()}
    return batch
