"""The sink's write speed: its batched upsert path against a plain bulk insert of the same rows.

    python bench/sink.py [--events 20000] [--batch 5000] [--repeats 3] [--db URL ...]

For each database (a fresh DuckDB file in a temporary folder by default; add a PostgreSQL one
with `--db postgresql://...`, e.g. `ops/postgres start && --db "$(ops/postgres url)"`: its
tables are made in a schema `sink_bench`, dropped after), each repetition times, on empty tables:
  upsert     `Store.write` of every batch: rows staged in bulk, merged with INSERT ... ON
             CONFLICT, and the offsets saved, one transaction per batch (what the sink does);
  redeliver  the same batches again: every row is a conflict and is updated;
  bulk       the same rows by the driver's plain bulk path, one transaction per batch, no
             conflict handling and no offsets (DuckDB: INSERT ... SELECT from the staged
             arrays; PostgreSQL: COPY into the table).
The rows are synthetic `events` messages mapped by the sink (`build_batch`, not timed). Rows/s
are the medians over the repetitions; the ratio is upsert rows/s over bulk rows/s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = "sink_bench"  # PostgreSQL: the tables are made in this schema, never the sink's own
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sink_data import synthetic  # noqa: E402

from streams.sink.batch import Batch, build_batch  # noqa: E402
from streams.sink.rows import Message  # noqa: E402
from streams.sink.store import describe_url, open_store  # noqa: E402
from streams.sink.tables import EVENTS, ROW_TABLES  # noqa: E402


def batches(events: int, size: int) -> list[Batch]:
    values = synthetic(events // 4 + 1, seed=3)["events"][:events]
    messages = [("events", Message("bench-events", 0, i, None, orjson.dumps(v), 1_764_000_000_000))
                for i, v in enumerate(values)]
    return [build_batch(messages[i:i + size]) for i in range(0, len(messages), size)]


def empty(store) -> None:
    with store.transaction():
        for table in ROW_TABLES:
            store.execute(f"DELETE FROM {table.name}")
        store.execute("DELETE FROM sink_offsets")


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


@contextmanager
def own_schema(url: str) -> Iterator[str]:
    """PostgreSQL: a schema of the benchmark's own, dropped after, so a database the sink
    filled is never touched. DuckDB: the temporary file as it is."""
    if not url.startswith("postgresql"):
        yield url
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        admin.execute(f"CREATE SCHEMA {SCHEMA}")
        try:
            yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"
        finally:
            admin.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def measure(url: str, work: list[Batch], repeats: int) -> dict[str, float]:
    rows = sum(len(b.rows["events"]) for b in work)
    seconds: dict[str, list[float]] = {"upsert": [], "redeliver": [], "bulk": []}
    with open_store(url) as store:
        store.migrate()
        for _ in range(repeats):
            empty(store)
            seconds["upsert"].append(timed(lambda: [store.write(b) for b in work]))
            seconds["redeliver"].append(timed(lambda: [store.write(b) for b in work]))
            assert store.count("events") == rows
            empty(store)

            def bulk() -> None:
                for b in work:
                    with store.transaction():
                        store.bulk_insert(EVENTS, b.rows["events"])

            seconds["bulk"].append(timed(bulk))
            assert store.count("events") == rows
        empty(store)
    return {name: rows / statistics.median(values) for name, values in seconds.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=5000, help="messages per transaction")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--db", action="append", default=[], metavar="URL",
                        help="a database to measure besides the temporary DuckDB file")
    args = parser.parse_args(argv)
    work = batches(args.events, args.batch)
    with tempfile.TemporaryDirectory() as folder:
        urls = [f"duckdb:///{folder}/bench.duckdb", *args.db]
        print(f"{args.events:,} events rows in batches of {args.batch:,}, median of {args.repeats}")
        print(f"{'database':<12} {'upsert rows/s':>14} {'redeliver rows/s':>17} {'bulk rows/s':>12} "
              f"{'upsert/bulk':>12}")
        for url in urls:
            with own_schema(url) as private:
                rates = measure(private, work, args.repeats)
            name = "duckdb" if url.startswith("duckdb") else "postgresql"
            print(f"{name:<12} {rates['upsert']:>14,.0f} {rates['redeliver']:>17,.0f} "
                  f"{rates['bulk']:>12,.0f} {rates['upsert'] / rates['bulk']:>12.2f}"
                  f"   {describe_url(url) if name != 'duckdb' else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
