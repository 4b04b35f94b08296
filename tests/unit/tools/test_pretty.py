"""`streams show` and `streams tail --pretty`: one line per message, names beside the codes."""

from __future__ import annotations

import pytest

from streams.tools.pretty import local_time, message_line
from streams.tools.show import format_event, top_place
from streams.tools.tail import render_pretty

ALEPPO = {"geonameid": 170063, "name": "Aleppo", "country": "SYR", "lat": 36.2, "lon": 37.2}
EVENT = {"event_id": "a:3", "sentence_index": 3, "source": {"code": "SYRMIL", "text": "army"},
         "target": None, "cameo_code": "191", "plover_event": "FIGHT", "location": ALEPPO}


@pytest.fixture(autouse=True)
def berlin(monkeypatch):
    """Local time is the machine's zone: fix it, so the strings below are exact."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    import time
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def test_an_event_reads_as_who_what_whom_where():
    assert format_event(EVENT) == ("[ 3] Syria · military (SYRMIL) | 191 · impose blockade, "
                                   "restrict movement [FIGHT] | - | at Aleppo, Syria")
    unknown = {**EVENT, "source": {"code": "ZZZGOV"}, "target": {"code": "IGO"},
               "cameo_code": "010", "plover_event": None, "location": None}
    assert message_line("events", unknown) == (
        "ZZZGOV | 010 · make statement, not specified below | "
        "intergovernmental organisation (IGO) | at -")


def test_alerts_daily_records_and_mentions_have_lines():
    alert = {"severity": "warning", "rule": "watch-rebels", "observed": 2, "baseline": None,
             "subject": {"kind": "actor", "code": "SYRREB", "name": "SYRREB"},
             "window": {"start": "2026-12-06T10:00:00Z", "end": "2026-12-06T11:00:00Z"}}
    assert message_line("alerts", alert) == (
        "warning watch-rebels · Syria · rebels (SYRREB): observed 2 "
        "(window from 2026-12-06 11:00:00 CET)")
    record = {**EVENT, "event_date": "2026-12-06", "num_articles": 2, "num_sources": 1,
              "num_mentions": 5}
    assert message_line("events.daily", record).startswith("2026-12-06 Syria · military (SYRMIL)")
    assert message_line("events.daily", record).endswith("| 2 articles, 1 sources, 5 mentions")
    mention = {"kind": "location", "text": "Aleppo", "article_id": "a", **ALEPPO}
    assert message_line("entities", mention) == "location 'Aleppo' → Aleppo, Syria (170063) in a"
    assert message_line("articles", {"id": "a"}) is None


def test_tail_pretty_is_local_time_key_and_the_line():
    assert render_pretty("events", b"a:3", 1_700_000_000_123, EVENT) == (
        "2023-11-14 23:13:20 CET a:3\n  Syria · military (SYRMIL) | 191 · impose blockade, "
        "restrict movement [FIGHT] | - | at Aleppo, Syria")
    assert render_pretty("articles", None, None, {"id": "x"}) == '- -\n  {\n    "id": "x"\n  }'
    assert render_pretty("events", None, None, "oops", is_json=False) == "- -\n  (not JSON) oops"


def test_local_time_and_top_rows():
    assert local_time("2026-07-01T12:00:00.123456Z") == "2026-07-01 14:00:00 CEST"
    assert local_time("not a time") == "not a time"
    assert top_place({**ALEPPO, "mentions": 4}) == "Aleppo, Syria (170063)"
