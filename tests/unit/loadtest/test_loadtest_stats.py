"""The load test's maths and probes, lists in and lists out: no broker, no processes."""

from __future__ import annotations

import pytest

from streams.loadtest import stats
from streams.loadtest.probes import (
    ProcessSampler,
    cpu_percent,
    lag,
    parse_stat_cpu,
    parse_status_rss,
)


def test_percentile_interpolates_linearly_between_ranks():
    values = [4.0, 1.0, 3.0, 2.0, 5.0]
    assert stats.percentile(values, 0) == 1.0
    assert stats.percentile(values, 50) == 3.0
    assert stats.percentile(values, 100) == 5.0
    assert stats.percentile(values, 95) == pytest.approx(4.8)
    assert stats.percentile([1.0, 2.0], 99) == pytest.approx(1.99)
    assert stats.percentile([7.0], 99) == 7.0
    assert stats.percentile([], 50) is None


def test_summary_of_one_to_a_hundred():
    values = [float(v) for v in range(1, 101)]
    summary = stats.summarize(values)
    assert summary["count"] == 100
    assert (summary["min"], summary["max"], summary["mean"]) == (1.0, 100.0, 50.5)
    assert summary["p50"] == pytest.approx(50.5)
    assert summary["p95"] == pytest.approx(95.05)
    assert summary["p99"] == pytest.approx(99.01)
    assert summary["p50"] <= summary["p95"] <= summary["p99"]
    assert stats.summarize([])["p99"] is None


def test_per_second_buckets_ignore_what_falls_outside():
    assert stats.per_second([10.0, 10.5, 11.2, 12.9, 9.9, 13.0], start=10.0, seconds=3) == [2, 1, 1]


def test_latency_per_second_takes_the_percentile_of_each_second():
    completions = [(0.2, 1.0), (0.7, 3.0), (2.5, 0.5)]
    assert stats.latency_per_second(completions, 0.0, 3, 50) == [2.0, None, 0.5]


def mention(article_id, mentions, events):
    return {"article_id": article_id, "article_mentions": mentions, "article_events": events}


def test_an_article_completes_with_its_last_entity_or_event():
    tracker = stats.Tracker()
    tracker.sent("a", 100.0)
    tracker.sent("b", 100.5)
    assert not tracker.output("entities", mention("a", 2, 1), 100.3)
    assert not tracker.output("events", mention("a", 2, 1), 100.4)
    assert tracker.output("entities", mention("a", 2, 1), 100.9)
    assert tracker.output("entities", mention("b", 1, 0), 101.0)
    assert tracker.completions() == [(100.9, pytest.approx(0.9)), (101.0, pytest.approx(0.5))]
    assert tracker.event_times == [100.4]
    assert tracker.open == 0


def test_silent_dead_lettered_unknown_and_unfinished_articles():
    tracker = stats.Tracker()
    for article_id in ("silent", "dead", "half"):
        tracker.sent(article_id, 0.0)
    tracker.dead_lettered("dead")
    tracker.output("events", mention("half", 0, 2), 1.0)  # one of two events
    tracker.output("events", mention("someone-else", 0, 1), 1.0)
    tracker.settle()
    assert tracker.count("silent") == 1
    assert tracker.count("dead_lettered") == 1
    assert tracker.open == 1  # "half" produced something, so it is not silent: unfinished
    assert tracker.unknown == 1
    assert tracker.latencies() == []


def test_the_summary_of_a_run():
    tracker = stats.Tracker()
    for i in range(4):
        tracker.sent(f"a{i}", 10.0 + i)
        tracker.output("events", mention(f"a{i}", 0, 1), 11.0 + 2 * i)
    summary = stats.summary(tracker, replay_seconds=2.0, sent=4)
    assert summary["articles_sent"] == summary["articles_completed"] == 4
    assert summary["send_rate"] == 2.0
    assert summary["elapsed_s"] == 7.0  # first sent at 10, last complete at 17
    assert summary["articles_per_s"] == summary["events_per_s"] == pytest.approx(4 / 7)
    assert [summary["latency_s"][k] for k in ("min", "max")] == [1.0, 4.0]
    assert stats.throughput(3, None, 1.0) is None


def test_format_table_aligns_two_columns():
    text = stats.format_table([("a", 1.23456), ("longer name", None), ("big", 1234.5)])
    assert text.splitlines() == ["a            1.235", "longer name  -", "big          1234.5"]


STAT = ("4242 (python3 -m streams cli) S 1 4242 4242 0 -1 4194560 6000 0 0 0 "
        "250 50 0 0 20 0 3 0 100 1000000 5000 18446744073709551615")


def test_proc_stat_and_status_parsing():
    assert parse_stat_cpu(STAT, ticks=100) == 3.0  # (250 + 50) ticks
    assert parse_status_rss("Name:\tpython3\nVmPeak:\t 9 kB\nVmRSS:\t  2048 kB\n") == 2 * 2**20
    assert parse_status_rss("Name:\tzombie\n") is None
    assert cpu_percent(3.0, 4.5, 1.0) == 150.0
    assert cpu_percent(3.0, 4.5, 0.0) is None


def test_process_sampler_reads_a_proc_tree(tmp_path):
    now = [0.0]
    (tmp_path / "7").mkdir()
    (tmp_path / "7" / "status").write_text("VmRSS:\t1024 kB\n")
    (tmp_path / "7" / "stat").write_text(STAT)
    sampler = ProcessSampler({"w": 7, "gone": 8}, proc=tmp_path, clock=lambda: now[0])
    first = sampler.sample()
    assert first == {"w": {"cpu_percent": None, "rss_mb": 1.0, "cpu_seconds": pytest.approx(3.0)}}
    now[0] = 2.0
    (tmp_path / "7" / "stat").write_text(STAT.replace(" 250 50 ", " 300 100 "))
    assert sampler.sample()["w"]["cpu_percent"] == pytest.approx(50.0)  # 1 s of CPU in 2 s


def test_a_process_counts_with_its_descendants_and_not_with_others(tmp_path):
    def process(pid: int, parent: int, rss_kb: int, utime: int) -> None:
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "status").write_text(f"VmRSS:\t{rss_kb} kB\n")
        stat = STAT.replace(" 250 50 ", f" {utime} 0 ")
        fields = stat.split(") ")
        rest = fields[1].split()
        rest[1] = str(parent)  # field 4: the parent pid
        (tmp_path / str(pid) / "stat").write_text(f"{fields[0]}) {' '.join(rest)}\n")

    process(7, 1, 1024, 100)  # the worker
    process(9, 7, 2048, 200)  # its extraction process
    process(12, 9, 1024, 100)  # a grandchild
    process(8, 1, 4096, 400)  # someone else's
    (tmp_path / "self").mkdir()  # not a pid
    sampler = ProcessSampler({"w": 7}, proc=tmp_path)
    assert sampler.sample()["w"]["rss_mb"] == 4.0
    assert sampler.sample()["w"]["cpu_seconds"] == pytest.approx(4.0)  # 400 ticks at 100 a second


def test_lag_is_end_minus_committed_and_never_negative():
    ends = {"p0": 10, "p1": 5, "p2": 7}
    assert lag(ends, {"p0": 4, "p1": 5, "p2": -1}) == 6 + 0 + 7
    assert lag(ends, {"p0": 12}) == 0 + 5 + 7


def test_the_report_of_a_small_run(tmp_path):
    from types import SimpleNamespace

    from streams.loadtest.report import build_report, table
    from streams.loadtest.runner import LoadConfig
    from streams.settings import Settings
    from streams.tools.replay import ReplayReport

    tracker = stats.Tracker()
    for i in range(3):
        tracker.sent(f"a{i}", 1000.0 + 0.1 * i)
        tracker.output("entities", mention(f"a{i}", 1, 1), 1000.5 + i)
        tracker.output("events", mention(f"a{i}", 1, 1), 1000.6 + i)
    samples = [
        {"t": 0.0, "lag": 3, "sent": 3, "completed": 0,
         "processes": {"worker-1": {"cpu_percent": None, "rss_mb": 100.0, "cpu_seconds": 5.0}}},
        {"t": 1.0, "lag": 1, "sent": 3, "completed": 1,
         "processes": {"worker-1": {"cpu_percent": 90.0, "rss_mb": 120.0, "cpu_seconds": 5.9}}},
        {"t": 2.0, "lag": 0, "sent": 3, "completed": 3,
         "processes": {"worker-1": {"cpu_percent": 30.0, "rss_mb": 110.0, "cpu_seconds": 6.2}}},
    ]
    worker = SimpleNamespace(name="worker-1", pid=4242, log_path=tmp_path / "worker-1.log")
    report = build_report(LoadConfig(corpus="seeds"), Settings(), tracker,
                          ReplayReport(sent=3, seconds=0.25), samples, 1000.0, True, [worker])
    summary = report["summary"]
    assert (summary["articles_sent"], summary["articles_completed"], summary["events"]) == (3, 3, 3)
    assert report["latencies"] == pytest.approx([0.6, 1.5, 2.4])
    assert report["series"]["sent"] == [3, 0, 0]
    assert report["series"]["completed"] == [1, 1, 1]
    assert report["lag"] == {"max": 3, "final": 0}
    worker_figures = report["processes"]["worker-1"]
    assert worker_figures["cpu_percent_mean"] == pytest.approx(60.0)
    assert worker_figures["cpu_seconds"] == pytest.approx(1.2)
    assert worker_figures["rss_mb_max"] == 120.0
    assert summary["worker_cpu_ms_per_article"] == pytest.approx(400.0)
    assert report["worker_pids"] == {"worker-1": 4242}
    printed = table(report)
    assert "articles complete" in printed and "1.500 / 2.310 / 2.382 / 2.400" in printed
