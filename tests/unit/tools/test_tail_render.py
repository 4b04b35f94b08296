"""How `streams tail` prints a message: header and indented JSON, colour only on a terminal."""

from __future__ import annotations

import io

from streams.tools.tail import colourise, decode, render, use_colour

VALUE = {"event_id": "a:0", "quad_class": 4, "goldstein": -9.5, "target": None, "ok": True,
         "place": "Aleppo \u2013 east"}


def test_a_message_is_a_header_line_and_indented_json():
    text = render("it-events", 2, 15, b"a:0", 1_700_000_000_123, VALUE)
    assert text == (
        "--- it-events partition=2 offset=15 key=a:0 time=2023-11-14T22:13:20.123Z\n"
        "{\n"
        '  "event_id": "a:0",\n'
        '  "quad_class": 4,\n'
        '  "goldstein": -9.5,\n'
        '  "target": null,\n'
        '  "ok": true,\n'
        '  "place": "Aleppo \u2013 east"\n'
        "}"
    )


def test_compact_is_one_json_line_without_a_header():
    assert render("it-events", 0, 1, None, None, {"a": [1, "x"]}, compact=True) == '{"a":[1,"x"]}'


def test_a_value_that_is_not_json_is_shown_as_text():
    value, is_json = decode(b"not json \xff")
    assert (value, is_json) == ("not json \ufffd", False)
    assert render("it-articles", 0, 3, None, None, value, is_json) == (
        "--- it-articles partition=0 offset=3 key=- time=-\n(not JSON) not json \ufffd")
    assert decode(b'{"a": 1}') == ({"a": 1}, True)


def test_colours_mark_keys_strings_numbers_and_literals():
    assert colourise('{"a": "x", "n": -1.5e3, "t": null}') == (
        '{\033[36m"a"\033[0m: \033[32m"x"\033[0m, \033[36m"n"\033[0m: \033[33m-1.5e3\033[0m, '
        '\033[36m"t"\033[0m: \033[35mnull\033[0m}')
    coloured = render("it-events", 0, 0, b"k", None, {"a": 1}, colour=True)
    assert coloured.splitlines()[0] == (
        "\033[1;34m--- it-events partition=0 offset=0 key=k time=-\033[0m")


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert (use_colour(Terminal()), use_colour(io.StringIO())) == (True, False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour(Terminal()) is False
