"""Where extraction's CPU goes: `extract_many`'s steps run one at a time and timed apart.

    python bench/extract_stages.py [--repeats 2] [--batch 16] [--corpus PATH]

Steps, per batch of --batch articles, as `Extractor.extract_many` runs them (streams/extraction/
pipeline.py and nlp.py): re-casing headlines, the tokenizer, `senter`, breaks at blank lines, the
NER, the parse filter, copying the selected sentences into Docs, each component of the second
pass, copying the parses back, and the project's own code after spaCy (`_extract_docs`). Each
step's output is materialised before the next starts, so each is timed alone (process CPU time).
The first repeat warms the caches; every repeat is printed. Private helpers of nlp.py are used on
purpose: the steps must be exactly those `extract_many` chains.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ner_floor import FIELDS, batches  # noqa: E402
from streams.tools.corpus import read_articles  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "eval" / "articles_geovirus.jsonl"
CORPUS = REAL if REAL.exists() else ROOT / "seeds"  # a user's clone has no ../shared
NER_FLOOR = ("tokenizer", "ner")  # what NER-only runs too (bench/ner_floor.py)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--batch", type=int, default=16)
    args = parser.parse_args(argv)

    from streams.extraction import nlp as two_pass
    from streams.extraction.casing import recase_headlines
    from streams.extraction.pipeline import default_extractor

    articles = list(read_articles(args.corpus))
    extractor = default_extractor()
    extractor.extract_many(articles[:2])
    for repeat in range(args.repeats):
        cpu: dict[str, float] = defaultdict(float)
        for batch in batches(articles, args.batch):
            _one_batch(extractor, two_pass, recase_headlines, batch, cpu)
        total = sum(cpu.values())
        floor = sum(cpu[name] for name in NER_FLOOR)
        print(f"repeat {repeat + 1}: {total:.2f} s CPU, of which tokenizer + ner {floor:.2f} s; "
              f"beyond them {total - floor:.2f} s ({total / floor:.2f}x NER-only)")
        for name, seconds in cpu.items():
            if name not in NER_FLOOR:
                print(f"  {name:<22} {seconds:6.2f} s  {100 * seconds / (total - floor):5.1f} %")
    return 0


def _one_batch(extractor, two_pass, recase_headlines, batch, cpu: dict[str, float]) -> None:
    """extract_many's steps over one batch, each one's CPU time added to `cpu`."""
    nlp = extractor.nlp
    senter, ner = nlp.name_pass

    def step(name, run, *args):
        started = time.process_time()
        result = run(*args)
        cpu[name] += time.process_time() - started
        return result

    def each(function, items):
        return [function(item) for item in items]

    def pipe(component, docs):
        return list(component.pipe(docs, batch_size=nlp.batch_size))

    texts = [article.get(name) or "" for article in batch for name in FIELDS]
    texts = step("re-casing", each, recase_headlines, texts)
    docs = step("tokenizer", each, nlp.nlp.make_doc, texts)
    docs = step("senter", pipe, senter, docs)
    docs = step("blank lines", each, two_pass.break_at_blank_lines, docs)
    docs = step("ner", pipe, ner, docs)
    fields = [docs[i : i + len(FIELDS)] for i in range(0, len(docs), len(FIELDS))]
    chosen = step("parse filter", each, extractor.parse_filter.selected, fields)
    pairs = [pair for f, c in zip(fields, chosen, strict=True) for pair in zip(f, c, strict=True)]
    pieces = step("copy into pieces", lambda: [
        (doc, start, piece) for doc, sentences in pairs
        for start, piece in two_pass._pieces(doc, two_pass._runs(sentences))])
    parsed = [piece for _, _, piece in pieces]
    for name, component in zip(two_pass.PARSE_PASS, nlp.parse_pass, strict=True):
        parsed = step(name, pipe, component, parsed)
    step("copy parses back", two_pass.copy_parses, pieces, parsed)
    step("own code after spaCy", lambda: [extractor._extract_docs(*three) for three
                                          in zip(batch, fields, chosen, strict=True)])


if __name__ == "__main__":
    raise SystemExit(main())
