"""GDELT 2.0's published column lists, read from streams/data/gdelt_*_columns.tsv (their source
is named in those files and in docs/gdelt.md)."""

from __future__ import annotations

import functools

from streams.extraction.actor_data import data_rows

EVENTS_COLUMNS_FILE = "gdelt_events_columns.tsv"
MENTIONS_COLUMNS_FILE = "gdelt_mentions_columns.tsv"
TYPES = frozenset({"INTEGER", "FLOAT", "STRING"})


def read_columns(filename: str) -> tuple[tuple[str, str], ...]:
    """(name, type) of each column, in file order."""
    columns = tuple((name, kind) for name, kind in data_rows(filename))
    unknown = {kind for _, kind in columns} - TYPES
    if unknown:
        raise ValueError(f"{filename}: unknown column types {sorted(unknown)}")
    return columns


@functools.cache
def event_columns() -> tuple[tuple[str, str], ...]:
    return read_columns(EVENTS_COLUMNS_FILE)


@functools.cache
def mention_columns() -> tuple[tuple[str, str], ...]:
    return read_columns(MENTIONS_COLUMNS_FILE)
