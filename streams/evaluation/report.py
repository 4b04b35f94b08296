"""`streams eval`: run the extractor over the evaluation sets and print the scores."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from streams.evaluation.events import EventTally
from streams.evaluation.geo import GeoTally, located_mentions
from streams.evaluation.ner import gold_spans, predicted_spans, score_ner
from streams.failures import INPUT

FILES = {
    "ner": "ner_conll2003_dev.jsonl",
    "geo": "geo_geovirus.jsonl",
    "geo_lgl": "geo_lgl_dev.jsonl",
    "events": "events_plover_dev.jsonl",
}
BATCH = 32


EVAL_DIR_VARIABLE = "STREAMS_EVAL_DIR"


def default_eval_dir() -> Path:
    """$STREAMS_EVAL_DIR, else ../shared/eval beside the checkout (the evaluation sets are read
    where they are, never copied into the repository)."""
    configured = os.environ.get(EVAL_DIR_VARIABLE)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def missing_files(eval_dir: Path) -> list[str]:
    """The evaluation files `evaluate` needs that are not in `eval_dir`."""
    return [name for name in FILES.values() if not (eval_dir / name).is_file()]


def read_jsonl(path: Path, limit: int | None) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return records[:limit] if limit else records


def batches(records: list[dict], text_key: str) -> Iterator[tuple[list[dict], list[dict]]]:
    """(records, extraction results) in batches, each record's text as an article body."""
    from streams.extraction.pipeline import extract_many

    for i in range(0, len(records), BATCH):
        chunk = records[i : i + BATCH]
        articles = [{"id": r["id"], "title": "", "body": r[text_key]} for r in chunk]
        yield chunk, extract_many(articles)


def score_ner_set(records: list[dict]) -> dict:
    pairs = []
    for chunk, results in batches(records, "text"):
        pairs.extend((gold_spans(r), predicted_spans(res["entities"]))
                     for r, res in zip(chunk, results, strict=True))
    return {label: prf.as_dict() for label, prf in score_ner(pairs).items()}


def score_geo_set(records: list[dict]) -> dict:
    """The set's scores, and (`toponyms_only`) the same without nationality words: GeoVirus
    does not annotate "Egyptian" as a place, LGL and GeoWebNews do."""
    tally, toponyms = GeoTally(), GeoTally()
    for chunk, results in batches(records, "text"):
        for record, result in zip(chunk, results, strict=True):
            located = located_mentions(result["entities"])
            tally.add(record["locations"], located)
            toponyms.add(record["locations"], [m for m in located if m["type"] != "NORP"])
    return {**tally.as_dict(), "toponyms_only": toponyms.as_dict()}


def score_event_set(records: list[dict]) -> dict:
    tally = EventTally()
    for chunk, results in batches(records, "text"):
        for record, result in zip(chunk, results, strict=True):
            tally.add(record, result["events"])
    return tally.as_dict()


SCORERS = {"ner": score_ner_set, "geo": score_geo_set, "geo_lgl": score_geo_set,
           "events": score_event_set}
GEO_TITLES = {"geo": "GeoVirus", "geo_lgl": "LGL dev, US local news"}


def evaluate(eval_dir: Path, only=None, limit: int | None = None) -> dict:
    report = {}
    for name in only or FILES:
        path = eval_dir / FILES[name]
        if not path.exists():
            raise FileNotFoundError(f"evaluation set not found: {path} (use --eval-dir)")
        started = time.perf_counter()
        report[name] = SCORERS[name](read_jsonl(path, limit))
        report[name]["seconds"] = round(time.perf_counter() - started, 1)
    return report


def run(eval_dir: str | None, only=None, limit: int | None = None) -> int:
    folder = Path(eval_dir) if eval_dir else default_eval_dir()
    needed = {FILES[task] for task in (only or FILES)}
    missing = sorted(needed & set(missing_files(folder)))
    if missing:
        print(f"streams eval: {', '.join(missing)} not found in {folder} "
              f"(give --eval-dir or set {EVAL_DIR_VARIABLE})", file=sys.stderr)
        return INPUT.status
    report = evaluate(folder, only, limit)
    if "ner" in report:
        ner = report["ner"]
        print("NER (CoNLL-2003 dev, exact span and label)")
        for label in ("PER", "ORG", "LOC", "MISC", "micro"):
            s = ner[label]
            print(f"  {label:<6} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f}")
    for name, title in GEO_TITLES.items():
        if name not in report:
            continue
        g = report[name]
        print(f"Geocoding ({title}, 161 km)")
        print(f"  F1={g['f1@161']:.3f} precision={g['precision@161']:.3f} "
              f"recall={g['recall@161']:.3f} acc_among_found={g['acc@161']:.3f} "
              f"(gold {g['gold']}, found {g['found']}, correct {g['correct']})")
        t = g["toponyms_only"]
        print(f"  without nationality words (NORP): F1={t['f1@161']:.3f} "
              f"precision={t['precision@161']:.3f} recall={t['recall@161']:.3f}")
    if "events" in report:
        e = report["events"]
        print("Events (PLOVER gold sentences)")
        print(f"  event type accuracy={e['plover_type_accuracy']:.3f} "
              f"source country accuracy={e['source_country_accuracy']:.3f} "
              f"target country accuracy={e['target_country_accuracy']:.3f} "
              f"({e['records']} records, {e['records_with_source']} with a source, "
              f"{e['records_with_target']} with a target)")
    print(json.dumps(report))
    return 0
