"""Load time and memory of the event lexicon (events_verbs.tsv and events_verbs_cameo.tsv) and of
the parse filter built from it.

    python bench/event_lexicon.py                  # 5 loads, each in a fresh process
    python bench/event_lexicon.py --hand-only      # the hand-written table alone, for comparison

Each load runs in a fresh child process (the spaCy model is loaded first and not counted): wall
and CPU seconds of `load_event_lexicon()` and of `build_parse_filter()`, and the resident memory
both add; medians are printed, with the lexicon's size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams.extraction.places import resident_bytes  # noqa: E402

MB = 1e6


def measure(hand_only: bool) -> dict:
    """Run in the child process: one load of the lexicon, then the parse filter."""
    from streams.extraction import verb_lexicon
    from streams.extraction.actor_data import load_actor_tables
    from streams.extraction.nlp import load_nlp
    from streams.extraction.parse_filter import build_parse_filter

    nlp, roles = load_nlp(), load_actor_tables().roles
    tables = verb_lexicon.LEXICON_TABLES[:1] if hand_only else verb_lexicon.LEXICON_TABLES
    before, wall, cpu = resident_bytes(), time.perf_counter(), time.process_time()
    with mock.patch.object(verb_lexicon, "LEXICON_TABLES", tables):
        lexicon = verb_lexicon.load_event_lexicon()
    lexicon_seconds, lexicon_cpu = time.perf_counter() - wall, time.process_time() - cpu
    build_parse_filter(lexicon, nlp.get_pipe("lemmatizer"), nlp.get_pipe("attribute_ruler"), roles)
    return {
        "lexicon_seconds": lexicon_seconds,
        "lexicon_cpu_seconds": lexicon_cpu,
        "filter_seconds": time.perf_counter() - wall - lexicon_seconds,
        "rss_mb": (resident_bytes() - before) / MB,
        "entries": lexicon.size(),
        "verbs": len(lexicon.verbs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--hand-only", action="store_true",
                        help="load events_verbs.tsv alone (the lexicon before the dictionary)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.hand_only)))
        return 0
    command = [sys.executable, __file__, "--child"] + (["--hand-only"] if args.hand_only else [])
    runs = [json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            for _ in range(args.repeats)]
    median = {key: statistics.median(run[key] for run in runs)
              for key in ("lexicon_seconds", "lexicon_cpu_seconds", "filter_seconds", "rss_mb")}
    print(f"median of {len(runs)} fresh processes: load_event_lexicon() "
          f"{median['lexicon_seconds']:.2f} s wall ({median['lexicon_cpu_seconds']:.2f} s CPU), "
          f"build_parse_filter() {median['filter_seconds']:.2f} s, "
          f"+{median['rss_mb']:.1f} MB resident for both")
    print(f"lexicon: {runs[0]['entries']:,} entries, {runs[0]['verbs']:,} verb lemmas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
