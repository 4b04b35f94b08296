"""`streams query SQL`: a question to the sink's database, answered as an aligned table."""

from __future__ import annotations

from collections.abc import Sequence

from streams.sink.store import open_store


def as_table(columns: Sequence[str], rows: Sequence[tuple]) -> str:
    """Columns padded to their widest cell, a rule under the header, NULL for None."""
    cells = [list(columns)] + [["NULL" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"


def run_query(url: str, sql: str) -> str:
    with open_store(url) as store:
        return as_table(*store.query(sql))
