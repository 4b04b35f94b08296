"""Extraction against its floor, the NER it cannot avoid, timed in the same run.

NER-only is the same spaCy model with only what its NER needs: the tokenizer and the `ner`
component (in en_core_web_sm 3.8 it has its own tok2vec), over the same texts (title and body
of each article) in the same batches as `extract_many`. The ratio is extraction's CPU time over
NER-only's: 1.0 would be extraction for free beyond the names; the target is <= 1.25.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

FIELDS = ("title", "body")
TARGET = 1.25  # issue 15: extraction at most 1.25x the CPU of NER alone


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) of one call."""
    started, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - started, time.process_time() - cpu


def batches(items: Sequence, size: int) -> list[Sequence]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def article_texts(articles: Sequence[dict]) -> list[str]:
    return [article.get(name) or "" for article in articles for name in FIELDS]


def ner_only(nlp, articles: Sequence[dict], batch: int) -> Callable[[], None]:
    """A run of tokenizer + ner over the articles' texts, `batch` articles per call, each call
    batched inside spaCy as `TwoPassNLP` batches (so NER sees the same batches extraction does)."""
    from streams.extraction.nlp import BATCH_SIZE

    ner = nlp.get_pipe("ner")
    chunks = [article_texts(chunk) for chunk in batches(articles, batch)]

    def run() -> None:
        for texts in chunks:
            for _ in ner.pipe((nlp.make_doc(text) for text in texts), batch_size=BATCH_SIZE):
                pass

    return run


def cost_ratio(extract_cpu: float, ner_cpu: float) -> float | None:
    """Extraction's CPU over NER-only's (None without a NER time)."""
    return extract_cpu / ner_cpu if ner_cpu > 0 else None


def median_ratio(pairs: Sequence[tuple[float, float]]) -> float | None:
    """The median over repeats of each repeat's extraction / NER-only CPU ratio; a repeat pairs
    the two runs made back to back, so both saw the same load on a shared machine."""
    ratios = [r for r in (cost_ratio(e, n) for e, n in pairs) if r is not None]
    return statistics.median(ratios) if ratios else None


def ratio_line(pairs: Sequence[tuple[float, float]]) -> str:
    """One line: the median ratio, its target and every repeat's ratio."""
    ratio = median_ratio(pairs)
    if ratio is None:
        return "extraction / NER-only CPU: not measured"
    each = ", ".join(f"{e / n:.2f}" for e, n in pairs if n > 0)
    verdict = "met" if ratio <= TARGET else "not met"
    return (f"extraction / NER-only CPU: {ratio:.2f}x (target <= {TARGET}: {verdict}; "
            f"per repeat: {each})")


def floor_rows(runs: Sequence[dict]) -> list[tuple[str, object]]:
    """`make bench`'s rows for extraction against NER-only: runs are `bench_extract` results,
    each with `cpu_s` and `ner_cpu_s` measured back to back over the same articles."""
    pairs = [(run["cpu_s"], run["ner_cpu_s"]) for run in runs]
    return [
        (f"   extraction / NER-only CPU (median of {len(pairs)}, target <= {TARGET})",
         median_ratio(pairs)),
        (f"   the {len(pairs)} runs", " / ".join(
            f"{e / n:.2f}" if n > 0 else "-" for e, n in pairs)),
    ]
