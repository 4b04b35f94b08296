"""GDELT 2.0 update files: `YYYYMMDDHHMMSS.export.CSV` and `.mentions.CSV`, tab-separated, no
header, written to a temporary name and renamed, so a reader never sees half a file."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from streams.export.gdelt_rows import utc_datetime

UNITS = {"s": 1, "m": 60, "h": 3600}
EVERY = re.compile(r"(\d+)([smh])")


def parse_every(text: str) -> int:
    """'15m' -> 900 seconds; also '30s', '1h'."""
    match = EVERY.fullmatch(text.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"--every {text!r}: give a number and a unit, e.g. 15m, 1h or 30s")
    return int(match.group(1)) * UNITS[match.group(2)]


def next_boundary(now: float, every: int) -> float:
    """The first multiple of `every` seconds (since the epoch, UTC) after `now`."""
    return (now // every + 1) * every


def stamp(timestamp: float) -> str:
    return utc_datetime(timestamp).strftime("%Y%m%d%H%M%S")


def tsv(rows: Sequence[Sequence[str]]) -> str:
    """Rows as GDELT writes them: tab-separated, one per line, nothing quoted. A tab or line
    break inside a value (a name, a URL) would break the row, so it becomes a space."""
    return "".join("\t".join(_flat(value) for value in row) + "\n" for row in rows)


def _flat(value: str) -> str:
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it into place."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_update(out_dir: Path, timestamp: float, events: Sequence[Sequence[str]],
                 mentions: Sequence[Sequence[str]]) -> tuple[Path, Path]:
    """The pair of files of the update at `timestamp`: mentions first, so an export file that
    is visible always has its mentions beside it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = stamp(timestamp)
    export, mention = out_dir / f"{name}.export.CSV", out_dir / f"{name}.mentions.CSV"
    write_atomically(mention, tsv(mentions))
    write_atomically(export, tsv(events))
    return export, mention
