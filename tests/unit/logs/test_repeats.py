"""The rate limit on the library warnings that repeat: the first logged, then one per interval
carrying the count of those held back."""

from __future__ import annotations

import logging

from streams.logs.repeats import RepeatFilter


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def record(message: str, name: str = "faust.transport.producer",
           level: int = logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, None, None)


def test_the_first_passes_the_rest_are_counted_and_the_next_after_the_interval_says_how_many():
    clock = Clock()
    repeats = RepeatFilter(interval=60.0, clock=clock)
    assert repeats.filter(record("producer buffer full size 101"))
    passed = []
    for n in range(1234):
        clock.now = n * 0.04  # 1,234 in about 49 s
        passed.append(repeats.filter(record(f"producer buffer full size {102 + n % 3}")))
    assert passed == [False] * 1234
    clock.now = 61.0
    summary = record("producer buffer full size 104")
    assert repeats.filter(summary)
    assert summary.getMessage() == ("producer buffer full size 104 "
                                    "(and 1,234 more like it in the last 61 s)")
    clock.now = 62.0
    assert not repeats.filter(record("producer buffer full size 101"))


def test_kinds_are_limited_apart_and_other_records_are_left_alone():
    repeats = RepeatFilter(clock=Clock())
    assert repeats.filter(record("producer buffer full size 101"))
    assert repeats.filter(record("producer flush took 0.5", level=logging.INFO))
    assert not repeats.filter(record("producer flush took 0.7", level=logging.INFO))
    # the project's own lines and unknown library lines always pass
    assert all(repeats.filter(record("producer buffer full", name="streams.runtime.agents"))
               for _ in range(3))
    assert all(repeats.filter(record("Elected group leader", name="aiokafka")) for _ in range(3))


def test_a_kind_logged_once_again_after_a_quiet_interval_has_no_count():
    clock = Clock()
    repeats = RepeatFilter(interval=60.0, clock=clock)
    assert repeats.filter(record("[^---AIOKafkaConsumerThread]: Thread keepalive is not responding..."))
    clock.now = 200.0
    again = record("[^---AIOKafkaConsumerThread]: Thread keepalive is not responding...")
    assert repeats.filter(again) and "more like it" not in again.getMessage()


def test_a_record_is_counted_once_however_many_handlers_carry_the_filter():
    repeats = RepeatFilter(clock=Clock())
    first, second = record("producer buffer full size 1"), record("producer buffer full size 2")
    assert repeats.filter(first) and repeats.filter(first)  # a second handler: same answer
    assert not repeats.filter(second) and not repeats.filter(second)
    assert repeats.seen["producer buffer full"].held == 1


def test_a_summary_line_formats_through_mode_s_formatter():
    """The worker's handlers use mode's ExtensionFormatter, which makes a tuple of any arguments
    that are not one; a summary must still format (it logged "--- Logging error ---")."""
    from mode.utils.logging import ExtensionFormatter

    clock = Clock()
    repeats = RepeatFilter(interval=60.0, clock=clock)
    first = logging.LogRecord("faust.transport.producer", logging.WARNING, __file__, 1,
                              "producer buffer full size %r", (101,), None)
    assert repeats.filter(first)
    assert not repeats.filter(record("producer buffer full size 102"))
    clock.now = 61.0
    summary = logging.LogRecord("faust.transport.producer", logging.WARNING, __file__, 1,
                                "producer buffer full size %r", (103,), None)
    assert repeats.filter(summary)
    assert ExtensionFormatter(fmt="%(message)s").format(summary) == (
        "producer buffer full size 103 (and 1 more like it in the last 61 s)")
