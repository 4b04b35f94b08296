"""Replay as a load generator without a broker: copies, fresh ids, timestamps, the report."""

from __future__ import annotations

import asyncio
import itertools
import logging
import re

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaTimeoutError, LeaderNotAvailableError

import streams.tools.replay
from streams.cli import main
from streams.settings import Settings
from streams.tools.replay import (
    ReplayReport,
    copies,
    fresh_id,
    iso_utc,
    only_ids,
    parse_iso_utc,
    read_ids,
    resend_command,
    unsent_path,
    write_ids,
)

CORPUS = [{"id": "a", "body": "x"}, {"id": "b", "body": "y"}]


def test_repeat_sends_the_corpus_k_times_in_order():
    assert [a["id"] for a in copies(CORPUS, 3)] == ["a", "b"] * 3


def test_fresh_ids_number_the_copies_deterministically():
    ids = [a["id"] for a in copies(CORPUS, 2, fresh_ids=True)]
    assert ids == ["a~0", "b~0", "a~1", "b~1"]
    assert ids == [a["id"] for a in copies(CORPUS, 2, fresh_ids=True)]
    assert CORPUS[0]["id"] == "a"  # the corpus itself is left alone
    assert fresh_id("x", 7) == "x~7"


def test_loop_goes_on_and_copy_numbers_keep_counting():
    looped = list(itertools.islice(copies(CORPUS, 2, loop=True, fresh_ids=True), 10))
    assert [a["id"] for a in looped[-2:]] == ["a~4", "b~4"]
    assert len({a["id"] for a in looped}) == 10
    assert list(copies([], 5, loop=True)) == []


def test_repeat_must_be_positive():
    with pytest.raises(ValueError):
        list(copies(CORPUS, 0))


def test_sent_at_is_iso_utc_with_microseconds_and_reads_back():
    stamp = iso_utc(1_700_000_000.123456)
    assert stamp == "2023-11-14T22:13:20.123456Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", iso_utc(0.0))
    assert parse_iso_utc(stamp) == pytest.approx(1_700_000_000.123456, abs=1e-6)


def test_the_report_says_what_was_sent_and_how_fast():
    report = ReplayReport(sent=50, seconds=2.0, errors=2, first_error="KafkaTimeoutError: x")
    assert report.rate == 25.0 and report.delivered == 48
    assert report.summary("t") == ("sent 50 articles to t in 2.00s (25.0/s); "
                                   "2 send errors (first: KafkaTimeoutError: x)")
    assert ReplayReport(sent=0, seconds=0.0).rate == 0.0


async def test_the_producer_waits_for_every_in_sync_replica_and_is_idempotent(monkeypatch):
    captured = {}

    class Producer(AIOKafkaProducer):
        def __init__(self, **kwargs):
            captured.update(kwargs)
            super().__init__(**kwargs)  # aiokafka accepts the combination

    monkeypatch.setattr(streams.tools.replay, "AIOKafkaProducer", Producer)
    producer = streams.tools.replay.make_producer(Settings())
    assert (captured["acks"], captured["enable_idempotence"]) == ("all", True)
    assert producer._txn_manager is not None  # aiokafka's idempotent sequence numbers
    await producer.stop()  # never started: only closes the client


@pytest.fixture
def restored_logging():
    """`streams replay` configures the root logger of the process; give the tests theirs back."""
    root, aiokafka = logging.getLogger(), logging.getLogger("aiokafka")
    saved = root.handlers[:], root.level, aiokafka.level
    yield
    root.handlers[:], root.level = saved[0], saved[1]
    aiokafka.setLevel(saved[2])


class FlakyProducer:
    """A producer whose sends fail for some keys: at once (send raises) or on delivery."""

    def __init__(self, raise_for=(), fail_for=()):
        self.raise_for, self.fail_for = set(raise_for), set(fail_for)
        self.sent: list[str] = []
        self.client = self  # answers metadata requests

    async def fetch_all_metadata(self):
        return {}

    async def start(self):
        pass

    async def stop(self):
        pass

    async def flush(self):
        pass

    async def send(self, topic, value, key):
        article_id = key.decode()
        if article_id in self.raise_for:
            raise KafkaTimeoutError()
        future = asyncio.get_running_loop().create_future()
        if article_id in self.fail_for:
            future.set_exception(LeaderNotAvailableError())
        else:
            self.sent.append(article_id)
            future.set_result(None)
        return future


async def test_the_ids_whose_send_failed_are_kept_and_the_broker_answering_is_reported(
        monkeypatch):
    producer = FlakyProducer(raise_for={"b~0"}, fail_for={"a~1"})
    monkeypatch.setattr(streams.tools.replay, "make_producer", lambda *args: producer)
    delivered = []
    report = await streams.tools.replay.replay(
        copies(CORPUS, 2, fresh_ids=True), Settings(), on_broker_answer=lambda: delivered.append(1))
    assert sorted(report.unsent) == ["a~1", "b~0"]
    assert report.errors == 2 and report.first_error.startswith(("KafkaTimeoutError",
                                                                 "LeaderNotAvailableError"))
    # two deliveries, and the broker answering at the end after the failures
    assert producer.sent == ["a~0", "b~1"] and len(delivered) == 3


def test_only_ids_picks_those_ids_once_from_the_copies():
    articles = copies(CORPUS, 3, fresh_ids=True)
    assert [a["id"] for a in only_ids(articles, ["b~2", "a~0", "zz"])] == ["a~0", "b~2"]
    looped = copies(CORPUS, 1, loop=True, fresh_ids=True)
    assert [a["id"] for a in only_ids(looped, ["a~5"])] == ["a~5"]  # stops once all are found


def test_the_unsent_file_reads_back_and_names_the_command_that_resends_it(tmp_path):
    path = write_ids(["a~1", "b~0"], tmp_path / "var" / "unsent.txt")
    assert path.read_text() == "a~1\nb~0\n"
    (tmp_path / "hand.txt").write_text("x\n\n  y \n")
    assert read_ids(path) == ["a~1", "b~0"] and read_ids(tmp_path / "hand.txt") == ["x", "y"]
    assert resend_command("my seeds", path, 3, True) == (
        f"streams replay 'my seeds' --repeat 3 --fresh-ids --only-ids {path}")
    assert resend_command("seeds", "u.txt") == "streams replay seeds --only-ids u.txt"
    assert str(unsent_path(1_700_000_000)) == "var/replay-unsent-20231114T221320Z.txt"


def test_the_command_writes_the_unsent_ids_and_resends_only_them(monkeypatch, tmp_path, capsys,
                                                                 restored_logging):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(f'{{"id": "{i}", "body": "x"}}\n' for i in "abc"))
    producer = FlakyProducer(fail_for={"b~1", "c~0"})
    monkeypatch.setattr(streams.tools.replay, "make_producer", lambda *args: producer)
    unsent = tmp_path / "unsent.txt"
    code = main(["replay", str(corpus), "--repeat", "2", "--fresh-ids", "--quiet",
                 "--unsent", str(unsent)])
    out = capsys.readouterr().out
    assert code == 1 and read_ids(unsent) == ["c~0", "b~1"]
    assert "sent 6 articles" in out and "2 send errors" in out
    assert f"to resend: streams replay {corpus} --repeat 2 --fresh-ids --only-ids {unsent}" in out

    producer.fail_for.clear()
    producer.sent.clear()
    code = main(["replay", str(corpus), "--repeat", "2", "--fresh-ids", "--quiet",
                 "--only-ids", str(unsent)])
    assert code == 0 and producer.sent == ["c~0", "b~1"]
    assert capsys.readouterr().out.startswith("sent 2 articles")


def test_only_ids_that_are_not_in_the_corpus_are_named_and_fail_the_command(
        monkeypatch, tmp_path, capsys, restored_logging):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "a", "body": "x"}\n')
    monkeypatch.setattr(streams.tools.replay, "make_producer", lambda *args: FlakyProducer())
    (tmp_path / "ids.txt").write_text("a~0\na~7\n")
    code = main(["replay", str(corpus), "--fresh-ids", "--quiet",
                 "--only-ids", str(tmp_path / "ids.txt")])
    assert code == 1
    assert "1 ids of" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # a list is sent once: argparse refuses --loop
        main(["replay", str(corpus), "--loop", "--only-ids", "x"])
    assert usage.value.code == 2
