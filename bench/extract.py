"""Extraction speed against spaCy's own full pipeline, in one process and one run.

    python bench/extract.py [--repeats 3] [--batch 16] [--corpus PATH] [--runs extract ner]

Times, after the model and gazetteers are loaded:
  extract     `extract_many` over the corpus in batches of --batch articles (what the agent does);
  spacy       plain `nlp.pipe` with all the model's default components over the same texts
              (title and body of each article), in the same batches;
  spacy-all   the same `nlp.pipe`, all texts in one call, spaCy's default batch size;
  ner         NER-only: the tokenizer and the `ner` component over the same texts in the same
              batches, the floor extraction cannot go below (bench/ner_floor.py).
`--runs` picks some of them (extract and ner always run). Each repetition runs them back to
back (in rotating order) and gives the ratio of the extraction's speed to each spaCy baseline's
and extraction's CPU over NER-only's; the medians of the repetitions are printed. Wall time and
process CPU time are both reported: the machine is shared, and CPU time is less disturbed by
other processes. Words are whitespace-separated words of title + body.

The corpus defaults to ../shared/eval/articles_geovirus.jsonl when it is there (read, never
copied), else seeds/.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ner_floor import FIELDS, article_texts, batches, ner_only, ratio_line, timed  # noqa: E402
from streams.tools.corpus import read_articles  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "eval" / "articles_geovirus.jsonl"
CORPUS = REAL if REAL.exists() else ROOT / "seeds"  # a user's clone has no ../shared
RUNS = ("extract", "spacy", "spacy-all", "ner")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=16, help="articles per extract_many call")
    parser.add_argument("--runs", nargs="+", choices=list(RUNS), default=list(RUNS),
                        help="what to time (extract and ner always)")
    args = parser.parse_args(argv)

    from streams.extraction.nlp import load_nlp
    from streams.extraction.pipeline import default_extractor, extract_many

    articles = list(read_articles(args.corpus))
    texts = article_texts(articles)
    words = sum(len(text.split()) for text in texts)
    load_seconds, _ = timed(lambda: (default_extractor(), load_nlp()))
    nlp = load_nlp()
    extract_many(articles[:2])  # warm up both paths
    list(nlp.pipe(texts[:4]))

    runs = {
        "extract": lambda: [extract_many(batch) for batch in batches(articles, args.batch)],
        "spacy": lambda: [list(nlp.pipe(batch))
                          for batch in batches(texts, args.batch * len(FIELDS))],
        "spacy-all": lambda: list(nlp.pipe(texts)),
        "ner": ner_only(nlp, articles, args.batch),
    }
    names = [name for name in runs if name in {"extract", "ner", *args.runs}]
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    ratios: dict[str, list[tuple[float, float]]] = {
        base: [] for base in ("spacy", "spacy-all") if base in names}
    floor: list[tuple[float, float]] = []  # (extraction CPU, NER-only CPU) per repeat
    for repeat in range(args.repeats):
        order = names[repeat % len(names):] + names[: repeat % len(names)]
        measured = {name: timed(runs[name]) for name in order}
        for name, pair in measured.items():
            figures[name].append(pair)
        floor.append((measured["extract"][1], measured["ner"][1]))
        for base in ratios:
            ratios[base].append(tuple(b / e for e, b in zip(measured["extract"], measured[base],
                                                            strict=True)))
        print(f"repeat {repeat + 1}: " + ", ".join(
            f"{name} {wall:.2f}s wall {cpu:.2f}s cpu" for name, (wall, cpu) in measured.items()),
            flush=True)

    print(f"\n{len(articles)} articles, {len(texts)} texts, {words} words; model and gazetteers "
          f"loaded in {load_seconds:.1f}s (not timed); medians of {args.repeats} repeats; "
          f"batch {args.batch} articles")
    print(f"{'':<10} {'wall s':>7} {'cpu s':>7} {'articles/s':>11} {'words/s':>9} "
          f"{'words/cpu-s':>12}")
    for name in names:
        wall = statistics.median(w for w, _ in figures[name])
        cpu = statistics.median(c for _, c in figures[name])
        print(f"{name:<10} {wall:>7.2f} {cpu:>7.2f} {len(articles) / wall:>11.1f} "
              f"{words / wall:>9.0f} {words / cpu:>12.0f}")
    for base, pairs in ratios.items():
        wall = statistics.median(w for w, _ in pairs)
        cpu = statistics.median(c for _, c in pairs)
        print(f"extraction speed / {base} speed: {wall:.2f}x wall, {cpu:.2f}x cpu "
              f"(per-repeat wall: {', '.join(f'{w:.2f}' for w, _ in pairs)})")
    print(ratio_line(floor))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
