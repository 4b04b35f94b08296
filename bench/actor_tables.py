"""Load time and memory of the actor tables (streams/data/actors_*.tsv).

    python bench/actor_tables.py                   # 5 loads, each in a fresh process
    python bench/actor_tables.py --repeats 9

Each load runs in a fresh child process, so the figures do not mix: wall and CPU seconds of
`load_actor_tables()` and the resident memory it adds; medians are printed, with the table sizes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams.extraction.places import resident_bytes  # noqa: E402

MB = 1e6


def measure() -> dict:
    """Run in the child process: one load of the tables."""
    from streams.extraction.actor_data import load_actor_tables

    before, wall, cpu = resident_bytes(), time.perf_counter(), time.process_time()
    tables = load_actor_tables()
    return {
        "seconds": time.perf_counter() - wall,
        "cpu_seconds": time.process_time() - cpu,
        "rss_mb": (resident_bytes() - before) / MB,
        "sizes": {name: len(getattr(tables, name))
                  for name in ("countries", "capitals", "orgs", "people", "roles")},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure()))
        return 0
    runs = [json.loads(subprocess.run([sys.executable, __file__, "--child"], check=True,
                                      capture_output=True, text=True).stdout)
            for _ in range(args.repeats)]
    median = {key: statistics.median(run[key] for run in runs)
              for key in ("seconds", "cpu_seconds", "rss_mb")}
    print(f"load_actor_tables(), median of {len(runs)} fresh processes: "
          f"{median['seconds']:.2f} s wall, {median['cpu_seconds']:.2f} s CPU, "
          f"+{median['rss_mb']:.1f} MB resident")
    print("keys:", ", ".join(f"{name} {size:,}" for name, size in runs[0]["sizes"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
