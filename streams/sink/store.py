"""The database behind the sink: one interface, a DuckDB and a PostgreSQL implementation.

`write(batch)` is the exactly-once step: in ONE transaction it upserts every row of the batch and
moves the stored offsets of the partitions it read. Either both are committed or neither is, so
after a crash the sink starts again right after the last committed batch (streams.sink.seek).

Rows are upserted by id, and a row is only replaced by a message read at the same or a later
offset of the same partition: a redelivered older message (possible only when two sinks of one
group race through a rebalance) never overwrites a newer version. Offsets only move forward.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from streams.sink import schema
from streams.sink.batch import Batch
from streams.sink.tables import OFFSETS_TABLE, TABLES, VERSION_TABLE, Table

DEFAULT_URL = "duckdb:///var/events.duckdb"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def upsert_sql(table: Table, source: str) -> str:
    """Insert the rows of `source` (same columns) into `table`, replacing older versions."""
    columns = ", ".join(table.column_names)
    updates = ", ".join(f"{name} = excluded.{name}" for name in table.column_names[1:])
    return (f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {source} "
            f"ON CONFLICT ({table.key}) DO UPDATE SET {updates} "
            f"WHERE {table.name}.kafka_partition IS DISTINCT FROM excluded.kafka_partition "
            f"OR {table.name}.kafka_offset <= excluded.kafka_offset")


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class Store(ABC):
    """A connection to the sink's database. Not thread-safe: one thread uses it at a time."""

    param = "?"  # the driver's placeholder
    errors: tuple[type[Exception], ...] = ()  # the driver's exceptions

    def migrate(self) -> list[int]:
        """Create or bring the schema up to date; returns the versions it applied (none when
        it was current, so a second call applies nothing). One transaction, under a lock where
        two sinks could start at once."""
        done = []
        with self.transaction():
            self.lock_schema()
            self.execute(schema.VERSION_DDL)
            applied = {row[0] for row in self.fetch(f"SELECT version FROM {VERSION_TABLE}")}
            for version, statements in schema.pending(applied):
                for statement in statements:
                    self.execute(statement)
                self.execute(f"INSERT INTO {VERSION_TABLE} (version, applied_at) "
                             f"VALUES ({self.param}, {self.param})", (version, now()))
                done.append(version)
        return done

    def lock_schema(self) -> None:  # noqa: B027 (a no-op unless the database is shared)
        """Held until the transaction ends: one migration at a time (a no-op where one process
        owns the database)."""

    def schema_version(self) -> int:
        rows = self.fetch(f"SELECT max(version) FROM {VERSION_TABLE}")
        return rows[0][0] or 0

    def stored_offsets(self, topics: Iterable[str] | None = None) -> dict[tuple[str, int], int]:
        """(topic, partition) -> the next offset to read, as last committed."""
        rows = self.fetch(f"SELECT topic, kafka_partition, next_offset FROM {OFFSETS_TABLE}")
        wanted = None if topics is None else set(topics)
        return {(topic, partition): offset for topic, partition, offset in rows
                if wanted is None or topic in wanted}

    def write(self, batch: Batch, before_commit: Callable[[], None] | None = None) -> None:
        """The batch's rows and offsets in one transaction. `before_commit` runs after both are
        written and before the commit (tests make it fail there)."""
        with self.transaction():
            for name, rows in batch.rows.items():
                if rows:
                    self.upsert(TABLES[name], rows)
            if batch.offsets:
                self.save_offsets(batch.offsets)
            if before_commit is not None:
                before_commit()

    def save_offsets(self, offsets: dict[tuple[str, int], int]) -> None:
        p = self.param
        values = ", ".join(f"({p}, {p}, {p}, {p})" for _ in offsets)
        stamp = now()
        params = [v for (topic, partition), offset in offsets.items()
                  for v in (topic, partition, offset, stamp)]
        self.execute(
            f"INSERT INTO {OFFSETS_TABLE} (topic, kafka_partition, next_offset, updated_at) "
            f"VALUES {values} ON CONFLICT (topic, kafka_partition) DO UPDATE SET "
            f"next_offset = GREATEST({OFFSETS_TABLE}.next_offset, excluded.next_offset), "
            "updated_at = excluded.updated_at", params)

    def count(self, table: str) -> int:
        return self.fetch(f"SELECT count(*) FROM {table}")[0][0]

    def query(self, sql: str) -> tuple[list[str], list[tuple]]:
        """A reader's query: its column names and rows (both drivers' cursors are DB-API)."""
        cursor = self.connection.execute(sql)
        return [column[0] for column in cursor.description or ()], cursor.fetchall()

    # --- what each database does its own way ---------------------------------------------
    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Commit on leaving, roll back on an exception."""

    @abstractmethod
    def execute(self, sql: str, params: Any = None) -> None: ...

    @abstractmethod
    def fetch(self, sql: str, params: Any = None) -> list[tuple]: ...

    @abstractmethod
    def upsert(self, table: Table, rows: list[tuple]) -> None:
        """The rows (one per key) staged in bulk, then merged with `upsert_sql`."""

    @abstractmethod
    def bulk_insert(self, table: Table, rows: list[tuple]) -> None:
        """A plain bulk insert in the driver's fastest way, no conflict handling (the benchmark's
        baseline); inside a transaction."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(url: str) -> Store:
    """`duckdb:///var/events.duckdb` (a path relative to the working folder; four slashes for an
    absolute one, `duckdb:///:memory:` for none) or `postgresql://user@host:port/database`."""
    path = duckdb_path(url)
    if path is not None:
        from streams.sink.duckdb_store import DuckDBStore

        return DuckDBStore(path)
    if url.startswith(("postgresql://", "postgres://")):
        from streams.sink.postgres_store import PostgresStore

        return PostgresStore(url)
    raise ValueError(f"{url!r}: the sink writes to duckdb:///path/file.duckdb or postgresql://...")


def describe_url(url: str) -> str:
    """The URL without a password, for logs."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url


def duckdb_path(url: str) -> str | None:
    """The file of a DuckDB URL (SQLAlchemy's convention: three slashes, then the path)."""
    if not url.startswith("duckdb:"):
        return None
    if not url.startswith("duckdb:///") or len(url) == len("duckdb:///"):
        raise ValueError(f"{url!r}: a DuckDB URL is duckdb:///path/file.duckdb")
    return url[len("duckdb:///"):]
