"""Accuracy held in tests: the dev-set figures must stay at or above the project's targets.

Reads ../shared/eval (the evaluation sets are never copied into the repository). Without it
the test fails and says where it looked: it never skips.
"""

from __future__ import annotations

import pytest

from streams.evaluation.report import FILES, default_eval_dir, evaluate

pytestmark = pytest.mark.accuracy

TARGETS = {
    ("ner", "micro", "f1"): 0.72,
    ("geo", "f1@161"): 0.75,
    ("events", "plover_type_accuracy"): 0.55,
    ("events", "source_country_accuracy"): 0.70,
}


@pytest.fixture(scope="module")
def report():
    eval_dir = default_eval_dir()
    missing = [name for name in FILES.values() if not (eval_dir / name).exists()]
    if missing:
        pytest.fail(f"evaluation sets missing in {eval_dir}: {missing}", pytrace=False)
    return evaluate(eval_dir)


@pytest.mark.parametrize("path", list(TARGETS), ids=lambda path: ".".join(path))
def test_dev_figures_meet_their_targets(report, path):
    value = report
    for key in path:
        value = value[key]
    assert value >= TARGETS[path], f"{'.'.join(path)} = {value:.3f} < {TARGETS[path]}"


def test_every_gold_record_was_scored(report):
    assert report["ner"]["micro"]["gold"] == 5020  # PER + ORG + LOC entities in the dev split
    assert report["geo"]["gold"] == 2170
    assert report["events"]["records"] == 161
