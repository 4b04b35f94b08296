"""The sink's embedded database: one DuckDB file (the default, `var/events.duckdb`).

A batch reaches DuckDB as columns of NumPy object arrays registered as a view: DuckDB scans
them at C speed, where `executemany` makes one statement per row (about 100 rows/s).
DuckDB allows one writing process per file; readers open it read-only while the sink is stopped,
or query it through the sink's process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from streams.sink.store import Store, first_line, upsert_sql
from streams.sink.tables import Table

STAGE = "sink_stage"


class DuckDBStore(Store):
    param = "?"
    errors = (duckdb.Error,)

    def __init__(self, path: str):
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            self.connection = duckdb.connect(path)
        except duckdb.Error as exc:  # e.g. another process holds the file's write lock
            raise OSError(f"cannot open {path}: {first_line(exc)}") from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.connection.begin()
        try:
            yield
        except BaseException:
            self.connection.rollback()
            raise
        self.connection.commit()

    def execute(self, sql: str, params: Any = None) -> None:
        self.connection.execute(sql, params)

    def fetch(self, sql: str, params: Any = None) -> list[tuple]:
        return self.connection.execute(sql, params).fetchall()

    def _stage(self, table: Table, rows: list[tuple]) -> str:
        """The rows as a view with the table's column names and types."""
        columns = list(zip(*rows, strict=True))
        arrays = {f"c{i}": np.array(values, dtype=object) for i, values in enumerate(columns)}
        self.connection.register(f"{STAGE}_raw", arrays)
        casts = ", ".join(f"CAST(c{i} AS {sql_type}) AS {name}"
                          for i, (name, sql_type) in enumerate(table.columns))
        self.connection.execute(f"CREATE OR REPLACE TEMP VIEW {STAGE} AS "
                                f"SELECT {casts} FROM {STAGE}_raw")
        return STAGE

    def _unstage(self) -> None:
        self.connection.execute(f"DROP VIEW IF EXISTS {STAGE}")
        self.connection.unregister(f"{STAGE}_raw")

    def upsert(self, table: Table, rows: list[tuple]) -> None:
        try:
            self.connection.execute(upsert_sql(table, self._stage(table, rows)))
        finally:
            self._unstage()

    def bulk_insert(self, table: Table, rows: list[tuple]) -> None:
        try:
            source = self._stage(table, rows)
            columns = ", ".join(table.column_names)
            self.connection.execute(f"INSERT INTO {table.name} ({columns}) "
                                    f"SELECT {columns} FROM {source}")
        finally:
            self._unstage()

    def close(self) -> None:
        self.connection.close()
