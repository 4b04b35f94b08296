"""docs/sink.md's SQL examples, run as they are written on a database the sink filled with the
known articles of tests/sink_data.py (each message delivered twice), with their exact answers."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import orjson
import pytest
from sink_data import known_events

from streams.sink.batch import build_batch
from streams.sink.rows import Message
from streams.sink.store import open_store

DOC = Path(__file__).resolve().parents[3] / "docs" / "sink.md"
BLOCK = re.compile(r"```sql\n-- example: (?P<name>[a-z-]+)\n(?P<sql>.*?)```", re.S)


def d(day: int) -> date:
    return date(2026, 11, day)


ANSWERS = {
    "actors-this-week": [
        ("k02:0", d(24), "SYRMIL", "190", "SYRREB", "Aleppo"),
        ("k02:1", d(24), "SYRREB", "111", "SYRMIL", "Idlib"),
        ("k01:0", d(24), "SYRMIL", "190", "SYRREB", "Aleppo"),
        ("k07:0", d(27), "SYRMIL", "057", "SYRREB", "Damascus"),
        ("k08:0", d(28), "SYRREB", "193", "SYRMIL", "Idlib"),
        ("k09:0", d(28), "SYRREB", "193", "SYRMIL", "Idlib"),
    ],
    "conflict-near-a-place": [("Aleppo", 2, 0), ("Azaz", 2, 44)],
    "first-to-report": [("afp", 2, 4), ("bbc", 1, 1), ("reuters", 1, 3)],
}


def examples() -> dict[str, str]:
    return {m.group("name"): m.group("sql") for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))}


def test_every_example_on_the_page_has_its_answer_here():
    assert sorted(examples()) == sorted(ANSWERS)


@pytest.fixture
def filled(store_url):
    messages = [("events", Message("events", 0, i, None, orjson.dumps(v), 1_764_000_000_000))
                for i, v in enumerate(known_events() * 2)]  # every message redelivered
    with open_store(store_url) as store:
        store.migrate()
        store.write(build_batch(messages[:7]))
        store.write(build_batch(messages[7:]))
        yield store


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_the_example_gives_its_answer(filled, name):
    assert filled.fetch(examples()[name]) == ANSWERS[name]
