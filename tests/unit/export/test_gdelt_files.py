"""GDELT update files: names, intervals, the tab-separated form, atomic writes; the command's
arguments."""

from __future__ import annotations

import pytest

from streams.cli import build_parser
from streams.export.gdelt_files import next_boundary, parse_every, tsv, write_update


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("1h", 3600), ("30s", 30),
                                                ("90m", 5400)])
def test_parse_every(text, seconds):
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["15", "m", "0m", "1d", "-5m", "1.5h", ""])
def test_parse_every_refuses_what_is_not_an_interval(text):
    with pytest.raises(ValueError, match="--every"):
        parse_every(text)


def test_boundaries_are_whole_multiples_since_the_epoch():
    assert next_boundary(1_700_000_000.0, 900) == 1_700_000_100.0  # 22:15:00 UTC
    assert next_boundary(1_700_000_100.0, 900) == 1_700_001_000.0  # on a boundary: the next


def test_values_never_break_a_row():
    assert tsv([["a\tb", "c\nd", ""], ["1", "2", "3"]]) == "a b\tc d\t\n1\t2\t3\n"


def test_an_update_is_two_files_and_no_temporary_ones(tmp_path):
    export, mentions = write_update(tmp_path / "out", 1_700_000_100.0, [["1", "x"]], [])
    assert (export.name, mentions.name) == ("20231114221500.export.CSV",
                                            "20231114221500.mentions.CSV")
    assert export.read_text() == "1\tx\n" and mentions.read_text() == ""
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [export.name, mentions.name]


def test_the_command_line():
    args = build_parser().parse_args(["export", "gdelt", "--out", "feed", "--once"])
    assert (args.command, args.format, args.out, args.every, args.once) == (
        "export", "gdelt", "feed", "15m", True)
    args = build_parser().parse_args(["export", "gdelt", "--out", "feed", "--every", "1h"])
    assert (args.every, args.once) == ("1h", False)
