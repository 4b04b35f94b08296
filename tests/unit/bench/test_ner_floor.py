"""bench/ner_floor.py: extraction / NER-only CPU, the figure `make bench` and bench/extract.py
print beside extraction."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
spec = importlib.util.spec_from_file_location("ner_floor", ROOT / "bench" / "ner_floor.py")
ner_floor = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ner_floor)


def test_cost_ratio_is_extraction_cpu_over_ner_cpu():
    assert ner_floor.cost_ratio(9.0, 6.0) == 1.5
    assert ner_floor.cost_ratio(9.0, 0.0) is None


def test_median_ratio_takes_each_repeats_own_pair():
    # ratios 1.5, 1.2, 2.0: the median pairs each extraction with its own NER run (1.5), not
    # the median extraction (9.0) over the median NER (6.0) from different repeats
    pairs = [(9.0, 6.0), (6.0, 5.0), (20.0, 10.0)]
    assert ner_floor.median_ratio(pairs) == 1.5
    assert ner_floor.median_ratio([]) is None


def test_ratio_line_gives_median_target_and_every_repeat():
    line = ner_floor.ratio_line([(7.5, 6.0), (6.0, 5.0), (7.0, 5.0)])
    assert line == ("extraction / NER-only CPU: 1.25x (target <= 1.25: met; "
                    "per repeat: 1.25, 1.20, 1.40)")
    assert "not met" in ner_floor.ratio_line([(9.0, 6.0)])
    assert ner_floor.ratio_line([]) == "extraction / NER-only CPU: not measured"


def test_floor_rows_for_make_bench():
    runs = [{"cpu_s": 9.0, "ner_cpu_s": 6.0}, {"cpu_s": 8.0, "ner_cpu_s": 6.4},
            {"cpu_s": 7.0, "ner_cpu_s": 0.0}]
    (label, ratio), (runs_label, each) = ner_floor.floor_rows(runs)
    assert label == "   extraction / NER-only CPU (median of 3, target <= 1.25)"
    assert ratio == pytest.approx((1.5 + 1.25) / 2)  # the run without a NER time is left out
    assert (runs_label, each) == ("   the 3 runs", "1.50 / 1.25 / -")


def test_texts_and_batches_follow_extract_many():
    articles = [{"title": "A", "body": "a b"}, {"body": "c"}, {"title": "D", "body": None}]
    assert ner_floor.article_texts(articles) == ["A", "a b", "", "c", "D", ""]
    assert ner_floor.batches(articles, 2) == [articles[:2], articles[2:]]
