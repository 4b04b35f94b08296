"""The schema as numbered migrations, applied by the sink itself at start.

`sink_schema_version` holds one row per migration applied. `Store.migrate` applies those not
applied yet, with their version rows, in one transaction, so running it again changes nothing.
A later change of the schema is a new entry at the end of MIGRATIONS, never an edit of one.
"""

from __future__ import annotations

from collections.abc import Callable

from streams.sink.tables import OFFSETS_TABLE, ROW_TABLES, VERSION_TABLE, Table


def create_table(table: Table) -> list[str]:
    columns = ", ".join(f"{name} {sql_type}" for name, sql_type in table.columns)
    statements = [f"CREATE TABLE IF NOT EXISTS {table.name} ({columns}, PRIMARY KEY ({table.key}))"]
    for index in table.indexes:
        statements.append(f"CREATE INDEX IF NOT EXISTS {table.name}_{'_'.join(index)}_idx "
                          f"ON {table.name} ({', '.join(index)})")
    return statements


def first_schema() -> list[str]:
    statements = [sql for table in ROW_TABLES for sql in create_table(table)]
    statements.append(
        f"CREATE TABLE IF NOT EXISTS {OFFSETS_TABLE} (topic TEXT, kafka_partition INTEGER, "
        "next_offset BIGINT NOT NULL, updated_at TIMESTAMP, PRIMARY KEY (topic, kafka_partition))")
    return statements


MIGRATIONS: list[tuple[int, Callable[[], list[str]]]] = [
    (1, first_schema),
]
LATEST = MIGRATIONS[-1][0]

VERSION_DDL = (f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} "
               "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")


def pending(applied: set[int]) -> list[tuple[int, list[str]]]:
    """The migrations not applied yet, in order, with their statements."""
    return [(version, build()) for version, build in MIGRATIONS if version not in applied]
