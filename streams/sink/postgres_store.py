"""The sink on a PostgreSQL server, through psycopg 3.

A batch is copied (COPY, the bulk path) into a temporary table that empties itself at each
commit, then merged into the real table with one INSERT ... ON CONFLICT.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from streams.sink.store import Store, describe_url, first_line, upsert_sql
from streams.sink.tables import Table


class PostgresStore(Store):
    param = "%s"
    errors = (psycopg.Error,)

    def __init__(self, url: str):
        # autocommit: a statement outside `transaction()` commits alone, and `transaction()` is
        # a real transaction, never a savepoint inside one a read left open.
        try:
            self.connection = psycopg.connect(url, connect_timeout=10, autocommit=True)
        except psycopg.Error as exc:
            raise OSError(f"cannot connect to {describe_url(url)}: {first_line(exc)}") from None
        self.staged: set[str] = set()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            with self.connection.transaction():
                yield
        except BaseException:
            self.staged.clear()  # a staging table created in it is gone with the rollback
            raise

    def lock_schema(self) -> None:
        # Two sinks starting together would both create the tables: the second waits here.
        self.connection.execute("SELECT pg_advisory_xact_lock(hashtext('streams sink schema'))")

    def execute(self, sql: str, params: Any = None) -> None:
        self.connection.execute(sql, params)

    def fetch(self, sql: str, params: Any = None) -> list[tuple]:
        return self.connection.execute(sql, params).fetchall()

    def _copy(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        with self.connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def _stage(self, table: Table) -> str:
        stage = f"stage_{table.name}"
        if stage not in self.staged:  # once per connection: temporary tables live as long
            self.connection.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} "
                                    f"(LIKE {table.name}) ON COMMIT DELETE ROWS")
            self.staged.add(stage)
        return stage

    def upsert(self, table: Table, rows: list[tuple]) -> None:
        stage = self._stage(table)
        self._copy(stage, table.column_names, rows)
        self.connection.execute(upsert_sql(table, stage))

    def bulk_insert(self, table: Table, rows: list[tuple]) -> None:
        self._copy(table.name, table.column_names, rows)

    def close(self) -> None:
        self.connection.close()
