"""NER on CoNLL-2003: OntoNotes labels mapped to PER/ORG/LOC/MISC, exact span and label."""

from __future__ import annotations

from collections.abc import Iterable

from streams.evaluation.scores import PRF

ONTONOTES_TO_CONLL = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    **dict.fromkeys(["NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"], "MISC"),
}
SCORED = ("PER", "ORG", "LOC")


def predicted_spans(entities: Iterable[dict]) -> set[tuple[int, int, str]]:
    """Named body spans with a CoNLL label; a span coded both as actor and place counts once.

    Common-noun actors ("government forces") are not named entities and are not scored.
    """
    return {
        (e["start"], e["end"], ONTONOTES_TO_CONLL[e["type"]])
        for e in entities
        if e["field"] == "body" and e["type"] in ONTONOTES_TO_CONLL and not e.get("nominal")
        and not e.get("nested")
    }


def score_ner(pairs: Iterable[tuple[set, set]]) -> dict[str, PRF]:
    """pairs of (gold spans, predicted spans) per document -> PRF per label and micro over SCORED."""
    counts = {label: [0, 0, 0] for label in (*SCORED, "MISC")}
    for gold, predicted in pairs:
        for label, tally in counts.items():
            g = {s for s in gold if s[2] == label}
            p = {s for s in predicted if s[2] == label}
            tally[0] += len(g & p)
            tally[1] += len(p)
            tally[2] += len(g)
    result = {label: PRF(*tally) for label, tally in counts.items()}
    result["micro"] = PRF(*(sum(counts[label][i] for label in SCORED) for i in range(3)))
    return result


def gold_spans(record: dict) -> set[tuple[int, int, str]]:
    return {(e["start"], e["end"], e["label"]) for e in record["entities"]}
