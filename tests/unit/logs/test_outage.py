"""A broker outage in the logs: one line when the connection errors start, one when it is back."""

from __future__ import annotations

import io
import logging

from streams.logs.outage import OutageFilter
from streams.logs.setup import configure_command


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def connection_error(n: int = 1) -> logging.LogRecord:
    return logging.LogRecord("aiokafka", logging.ERROR, __file__, 1,
                             "Unable connect to node with id %s: [Errno 111] Connect call failed",
                             (n,), None)


def test_one_line_when_it_starts_none_while_it_lasts_one_when_it_ends(caplog):
    clock = Clock()
    outage = OutageFilter(interval=60.0, settle=10.0, clock=clock)
    first = connection_error()
    assert outage.filter(first) and outage.active
    assert first.getMessage().startswith("broker unreachable: Unable connect to node with id 1")
    held = []
    for n in range(2000):
        clock.now = n * 0.01
        held.append(outage.filter(connection_error()))
    assert held == [False] * 2000
    clock.now = 25.5
    with caplog.at_level(logging.WARNING, logger="streams.logs"):
        outage.recovered()
        outage.recovered()  # no outage any more: nothing
    assert [r.getMessage() for r in caplog.records] == [
        "broker answering again after 25.5 s (2,000 connection errors held back)"]
    assert not outage.active


def test_a_long_outage_gets_a_reminder_each_interval():
    clock = Clock()
    outage = OutageFilter(interval=60.0, clock=clock)
    assert outage.filter(connection_error())
    clock.now = 30.0
    assert not outage.filter(connection_error())
    clock.now = 61.0
    reminder = connection_error()
    assert outage.filter(reminder)
    assert reminder.getMessage().startswith(
        "broker still unreachable after 61 s (1 connection errors held back): Unable connect")


def test_errors_just_after_a_recovery_do_not_start_another_outage():
    clock = Clock()
    outage = OutageFilter(settle=10.0, clock=clock)
    outage.filter(connection_error())
    clock.now = 20.0
    outage.recovered()
    clock.now = 25.0  # leaders moving back
    assert not outage.filter(connection_error()) and not outage.active
    clock.now = 31.0
    assert outage.filter(connection_error()) and outage.active


def test_other_records_pass_untouched():
    outage = OutageFilter(clock=Clock())
    own = logging.LogRecord("streams.sink", logging.ERROR, __file__, 1, "Unable connect", None, None)
    info = logging.LogRecord("aiokafka", logging.INFO, __file__, 1, "Unable connect", None, None)
    other = logging.LogRecord("aiokafka", logging.WARNING, __file__, 1, "Elected leader", None, None)
    assert all(outage.filter(r) for r in (own, info, other)) and not outage.active
    assert own.getMessage() == "Unable connect"


def test_a_command_logs_an_outage_as_two_lines_on_its_stream():
    stream = io.StringIO()
    root, aiokafka = logging.getLogger(), logging.getLogger("aiokafka")
    saved = root.handlers[:], root.level, aiokafka.level
    outage = configure_command("text", logging.WARNING, stream=stream)
    try:
        for n in range(500):
            logging.getLogger("aiokafka").error("Unable connect to node with id %s", n)
            logging.getLogger("aiokafka.producer.sender").warning(
                "Got error produce response: NodeNotReadyError")
        logging.getLogger("aiokafka").info("not shown at WARNING")
        outage.recovered()
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        aiokafka.setLevel(saved[2])
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert "broker unreachable: Unable connect to node with id 0" in lines[0]
    assert "broker answering again after" in lines[1] and "(999 connection errors" in lines[1]
