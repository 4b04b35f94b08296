"""The soak test's verdicts on RSS samples (ops/soak.py), without a worker."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SOAK = Path(__file__).resolve().parents[3] / "ops" / "soak.py"


@pytest.fixture(scope="module")
def soak():
    spec = importlib.util.spec_from_file_location("ops_soak", SOAK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_slope_is_least_squares_after_the_warm_up(soak):
    # 0.1 MB a minute after minute 5; before it, a steep warm-up that must not count
    samples = [(m * 60.0, 100.0 + 50 * m if m < 5 else 400.0 + 0.1 * m) for m in range(31)]
    assert soak.rss_slope(samples, 300) == pytest.approx(6.0)  # MB per hour
    processed = [240.0 * m for m in range(31)]  # 4 articles/s
    assert soak.rss_slope(samples, 300, processed) == pytest.approx(0.1 / 0.24)  # per 1,000


def test_one_odd_sample_moves_the_slope_little(soak):
    samples = [(m * 60.0, 400.0) for m in range(31)]
    samples[17] = (17 * 60.0, 440.0)  # one NLP batch in flight
    assert abs(soak.rss_slope(samples, 300)) < 3.0


def test_growth_compares_medians_of_three(soak):
    samples = [(m * 60.0, rss) for m, rss in enumerate([100, 300, 400, 401, 399, 402, 410, 411, 409])]
    baseline, end, growth = soak.rss_growth(samples, 120)
    assert (baseline, end) == (400, 410)
    assert growth == pytest.approx(2.5)


def test_too_few_samples_are_refused(soak):
    with pytest.raises(ValueError):
        soak.rss_slope([(0.0, 1.0), (600.0, 2.0)], 300)
